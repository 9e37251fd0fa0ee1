// Classifying a provider's HTTP answer to a send by its status line, the part every HTTP
// provider shares; what a 2xx body means stays in each plugin. Header-only.
#pragma once

#include "switchboard/sdk/Types.h"

#include <Poco/String.h>

#include <charconv>
#include <optional>
#include <string>
#include <system_error>
#include <utility>

namespace switchboard::sdk {

/// True for 200-299: the provider took the request (its body may still report a failure).
inline bool isSuccessStatus(int status) { return status >= 200 && status < 300; }

/// Input: a response. Output: the Retry-After header as whole *seconds* when it is a
/// non-negative delta-seconds value (RFC 9110 §10.2.3; surrounding whitespace ignored) that
/// fits an int; nullopt when absent, an HTTP-date (rare for SMS APIs, and it would need the
/// provider's clock to agree with ours), negative, fractional or otherwise malformed: the
/// host then applies its own back-off. Never throws.
inline std::optional<int> retryAfterSeconds(const HttpResponse& response) {
    auto header = response.header("Retry-After");
    if (!header) return std::nullopt;
    std::string value = Poco::trim(*header);
    int seconds = 0;
    auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), seconds);
    if (error != std::errc() || end != value.data() + value.size() || seconds < 0)
        return std::nullopt;
    return seconds;
}

/// The error code for a non-2xx answer whose body names none: "http_<status>", e.g.
/// "http_503".
inline std::string httpErrorCode(int status) { return "http_" + std::to_string(status); }

/// Input: a response whose status is *not* 2xx, and the error code and one-line message the
/// plugin read from it (kept internally, never shown to tenants). Output, by status alone:
///   429          → THROTTLED, retryAfterSeconds from Retry-After;
///   408, 500-599 → RETRY, retryAfterSeconds from Retry-After (a timeout or a server fault
///                  may pass; the host backs off and tries again);
///   anything else (other 4xx, and 1xx/3xx the host does not follow) → REJECTED, no
///                  retryAfterSeconds: the same request cannot succeed later.
/// This is generic HTTP semantics (RFC 9110/6585), not any one provider's documentation;
/// a provider whose docs say otherwise must classify before calling this. Never throws.
inline SendResult classifyHttpFailure(const HttpResponse& response, std::string errorCode,
                                      std::string errorMessage) {
    const int status = response.status;
    SendResult result;
    result.errorCode = std::move(errorCode);
    result.errorMessage = std::move(errorMessage);
    if (status == 429) {
        result.outcome = SendOutcome::Throttled;
        result.retryAfterSeconds = retryAfterSeconds(response);
    } else if (status == 408 || (status >= 500 && status <= 599)) {
        result.outcome = SendOutcome::Retry;
        result.retryAfterSeconds = retryAfterSeconds(response);
    } else {
        result.outcome = SendOutcome::Rejected;
    }
    return result;
}

}  // namespace switchboard::sdk
