#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

namespace switchboard::domain {

/// Why a service refused a request, in terms of the domain rather than of a transport. The
/// HTTP layer (http/ServiceErrorStatus.h) is the only place that turns a kind into a status.
enum class ErrorKind {
    InvalidInput,    ///< the caller's input is malformed or out of range
    NotFound,        ///< the named resource does not exist for this tenant
    Conflict,        ///< the resource is in a state that does not allow the operation
    Gone,            ///< the resource existed but can no longer be used (expired, failed)
    PolicyRefused,   ///< well-formed, but a policy forbids it (e.g. the recipient opted out)
    Locked,          ///< refused until a known time (lockout); see retryAfterSeconds()
    RateLimited,     ///< too many attempts; see retryAfterSeconds()
    NotEnabled,      ///< the feature is switched off in this deployment's configuration
    UpstreamFailed,  ///< a provider call the operation depends on failed
    Unavailable,     ///< the service cannot do it right now (nothing to send through, say)
};

/// A refusal a client may see: `code` is a stable snake_case identifier and `what()` a
/// sentence for a person. Neither ever carries provider names, URLs, provider error text or
/// secrets (proxy mode), so callers can pass both to clients as they are.
class ServiceError : public std::runtime_error {
  public:
    ServiceError(ErrorKind kind, std::string code, const std::string& message)
        : std::runtime_error(message), kind_(kind), code_(std::move(code)) {}

    /// A refusal that ends at a known time: `retryAfterMs` milliseconds from now, reported
    /// by retryAfterSeconds() rounded up to whole seconds and at least 1.
    ServiceError(ErrorKind kind, std::string code, const std::string& message,
                 std::int64_t retryAfterMs)
        : ServiceError(kind, std::move(code), message) {
        retryAfterSeconds_ = retryAfterMs <= 0 ? 1 : (retryAfterMs + 999) / 1000;
    }

    ErrorKind kind() const { return kind_; }
    const std::string& code() const { return code_; }
    /// Whole seconds until a retry may succeed, when the refusal ends at a known time.
    const std::optional<std::int64_t>& retryAfterSeconds() const { return retryAfterSeconds_; }

  private:
    ErrorKind kind_;
    std::string code_;
    std::optional<std::int64_t> retryAfterSeconds_;
};

}  // namespace switchboard::domain
