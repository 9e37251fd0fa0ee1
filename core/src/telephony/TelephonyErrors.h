#pragma once

#include "http/ApiError.h"

#include <cstdint>

namespace switchboard::telephony {

/// An API refusal that ends at a known time (rate limit, lockout): the HTTP layer adds
/// Retry-After with `retryAfterSeconds` (whole seconds, at least 1, rounded up).
class RetryLaterError : public http::ApiError {
  public:
    RetryLaterError(int status, std::string code, const std::string& message,
                    std::int64_t retryAfterMs)
        : http::ApiError(status, std::move(code), message),
          retryAfterSeconds_(retryAfterMs <= 0 ? 1 : (retryAfterMs + 999) / 1000) {}

    std::int64_t retryAfterSeconds() const { return retryAfterSeconds_; }

  private:
    std::int64_t retryAfterSeconds_;
};

}  // namespace switchboard::telephony
