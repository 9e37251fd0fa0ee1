#pragma once

#include "config/AppConfig.h"
#include "http/RateLimiter.h"
#include "plugin/ProviderInstance.h"
#include "util/CidrSet.h"
#include "util/Clock.h"

#include <optional>
#include <string>

namespace switchboard::http {

/// Why a request failed a route's own checks.
struct Refusal {
    std::string code;    ///< messaging/WebhookReasonCodes.h: ip_not_allowed | shared_secret
    std::string reason;  ///< for the log and the record; never holds a secret
};

/// The route-level protection of one webhook route (`routes[].auth`, `rate_limit`,
/// `max_body_bytes`), applied before any plugin sees the request. Thread-safe.
class WebhookGuard {
  public:
    /// `route` must have been validated by the config loader (parsable allow_ips, a rate).
    WebhookGuard(const config::RouteConfig& route, const util::Clock& clock);

    /// Counts one request from `source` (the client IP as ClientAddress resolves it) against
    /// the route's per-source bucket. Refused decisions carry Retry-After seconds and whether
    /// to log/record this refusal (sampled: one per source per 10 s).
    RateLimiter::Decision admit(const std::string& source);

    /// Why `request` fails the route's own checks, or nullopt when it passes them: the
    /// source (request.remoteAddr) must lie in allow_ips when set, and the shared-secret
    /// header must be present and equal the configured value (constant-time compare) when
    /// set. Header names in `request.headers` are lower-case. The reason never contains the
    /// secret or the presented value.
    std::optional<Refusal> rejection(const plugin::WebhookRequest& request) const;

    /// Whether the provider plugin's verify hook runs after these checks.
    bool verifySignature() const { return verifySignature_; }
    /// Largest body accepted on this route, bytes.
    std::size_t maxBodyBytes() const { return maxBodyBytes_; }

  private:
    util::CidrSet allowIps_;
    std::string secretHeader_;  ///< lower-case; empty = no shared-secret check
    std::string secret_;
    bool verifySignature_;
    std::size_t maxBodyBytes_;
    RateLimiter limiter_;
};

}  // namespace switchboard::http
