#include "http/RequestHandlerFactory.h"

#include "http/RequestReadErrors.h"
#include "http/ServiceErrorStatus.h"
#include "store/Database.h"

#include <Poco/Logger.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

namespace switchboard::http {
namespace {

class RoutingHandler : public Poco::Net::HTTPRequestHandler {
  public:
    RoutingHandler(const Router& router, std::size_t maxBodyBytes)
        : router_(router), maxBodyBytes_(maxBodyBytes) {}

    void handleRequest(Poco::Net::HTTPServerRequest& request,
                       Poco::Net::HTTPServerResponse& response) override {
        Exchange exchange(request, response, maxBodyBytes_);
        auto& log = Poco::Logger::get("http");
        try {
            std::string id;
            router_.dispatch(exchange, id);
        } catch (const ApiError& e) {
            refuse(exchange, e.status(), e.code(), e.what());
        } catch (const domain::ServiceError& e) {
            if (e.retryAfterSeconds())
                response.set("Retry-After", std::to_string(*e.retryAfterSeconds()));
            refuse(exchange, statusFor(e.kind()), e.code(), e.what());
        } catch (const RequestTimeout& e) {
            // The rest of the body may still be on its way: close instead of parsing it.
            response.setKeepAlive(false);
            log.warning("%s %s from %s cut off: %s", request.getMethod(), exchange.path(),
                        exchange.remoteAddr(), std::string(e.what()));
            reply(exchange, 408, "request_timeout", "the request was not received in time");
        } catch (const IncompleteBody& e) {
            response.setKeepAlive(false);
            log.information("%s %s from %s: %s", request.getMethod(), exchange.path(),
                            exchange.remoteAddr(), std::string(e.what()));
            reply(exchange, 400, "incomplete_body", "the request body ended early");
        } catch (const store::StoreUnavailable& e) {
            log.error("%s %s: %s", request.getMethod(), exchange.path(), std::string(e.what()));
            response.set("Retry-After", "5");
            reply(exchange, 503, "service_unavailable",
                  "storage is temporarily unavailable; retry later");
        } catch (const std::exception& e) {
            log.error("%s %s: unexpected error: %s", request.getMethod(), exchange.path(),
                      std::string(e.what()));
            reply(exchange, 500, "internal_error", "internal error");
        } catch (...) {
            log.error("%s %s: unexpected non-standard exception", request.getMethod(),
                      exchange.path());
            reply(exchange, 500, "internal_error", "internal error");
        }
        if (log.debug())
            log.debug("%s %s -> %d", request.getMethod(), exchange.path(),
                      static_cast<int>(response.getStatus()));
    }

  private:
    static void refuse(Exchange& exchange, int status, const std::string& code,
                       const std::string& message) {
        // An oversized or unread body would be parsed as the next request on this
        // connection: close it instead.
        auto& request = exchange.request();
        const bool hasBody = request.getChunkedTransferEncoding() ||
                             (request.hasContentLength() && request.getContentLength64() > 0);
        if (status == 413 || (hasBody && !request.stream().eof()))
            exchange.response().setKeepAlive(false);
        reply(exchange, status, code, message);
    }

    static void reply(Exchange& exchange, int status, const std::string& code,
                      const std::string& message) {
        if (exchange.sent()) return;  // the response is already on the wire; nothing more to say
        try {
            exchange.sendError(status, code, message);
        } catch (const std::exception&) {
            // The client went away; nothing to answer.
        }
    }

    const Router& router_;
    std::size_t maxBodyBytes_;
};

}  // namespace

Poco::Net::HTTPRequestHandler* RequestHandlerFactory::createRequestHandler(
    const Poco::Net::HTTPServerRequest&) {
    return new RoutingHandler(router_, maxBodyBytes_);
}

}  // namespace switchboard::http
