#pragma once

#include "http/Router.h"

#include <Poco/Net/HTTPRequestHandlerFactory.h>

#include <cstddef>

namespace switchboard::http {

/// Hands every request to the Router inside one error boundary: ApiError → its status and
/// {"error": {code, message}}; store unavailable → 503; anything else → 500 internal_error
/// with a generic message (details go to the log, never to the client). A handler can
/// never take the process down.
class RequestHandlerFactory : public Poco::Net::HTTPRequestHandlerFactory {
  public:
    RequestHandlerFactory(const Router& router, std::size_t maxBodyBytes)
        : router_(router), maxBodyBytes_(maxBodyBytes) {}

    Poco::Net::HTTPRequestHandler* createRequestHandler(
        const Poco::Net::HTTPServerRequest& request) override;

  private:
    const Router& router_;
    std::size_t maxBodyBytes_;
};

}  // namespace switchboard::http
