#pragma once

#include <stdexcept>

namespace switchboard::http {

/// A request that did not arrive within server.request_timeout_s (the whole-request
/// deadline, or one socket read timing out). Thrown from request-body reads; the error
/// boundary answers 408 and closes the connection.
class RequestTimeout : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// The client closed the connection before the body its Content-Length (or chunked
/// framing) announced was complete. Thrown from request-body reads, so a truncated body is
/// never mistaken for a whole one; answered 400 incomplete_body, connection closed.
class IncompleteBody : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

}  // namespace switchboard::http
