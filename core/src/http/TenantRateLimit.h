#pragma once

#include "config/AppConfig.h"
#include "http/Exchange.h"
#include "http/RateLimiter.h"
#include "util/Clock.h"

#include <string>

namespace switchboard::http {

/// The per-tenant request limit (`limits.tenant_rate_limit`): one token bucket per tenant
/// over every tenant endpoint, in this process (see RateLimiter for the scale-out caveat).
class TenantRateLimit {
  public:
    /// `limit.perSecond` > 0 and `limit.burst` ≥ 1 (std::invalid_argument otherwise).
    TenantRateLimit(const config::RateLimitConfig& limit, const util::Clock& clock);

    /// Counts one request of `tenantId`. When its bucket is empty: sets `Retry-After`
    /// (whole seconds until a request would pass) on the exchange's response, logs the
    /// refusal (at most one line per tenant per 10 s, with the count refused meanwhile) and
    /// throws ApiError 429 rate_limited.
    void check(const std::string& tenantId, Exchange& exchange);

  private:
    RateLimiter limiter_;
};

}  // namespace switchboard::http
