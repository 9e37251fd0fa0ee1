#include "http/TenantRateLimit.h"

#include <Poco/Logger.h>
#include <Poco/NumberFormatter.h>

namespace switchboard::http {

TenantRateLimit::TenantRateLimit(const config::RateLimitConfig& limit, const util::Clock& clock)
    : limiter_(limit.perSecond, limit.burst, clock) {}

void TenantRateLimit::check(const std::string& tenantId, Exchange& exchange) {
    const RateLimiter::Decision decision = limiter_.acquire(tenantId);
    if (decision.allowed) return;
    if (decision.report)
        Poco::Logger::get("http").warning(
            "tenant %s rate limited (%s requests/s, burst %s); %s more refused since the last "
            "report",
            tenantId, Poco::NumberFormatter::format(limiter_.perSecond()),
            Poco::NumberFormatter::format(limiter_.burst()), std::to_string(decision.unreported));
    exchange.response().set("Retry-After", std::to_string(decision.retryAfterS));
    throw ApiError(429, "rate_limited",
                   "too many requests for this account; retry after " +
                       std::to_string(decision.retryAfterS) + " s");
}

}  // namespace switchboard::http
