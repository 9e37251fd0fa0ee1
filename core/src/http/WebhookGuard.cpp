#include "http/WebhookGuard.h"

#include "messaging/WebhookReasonCodes.h"
#include "util/Digest.h"

#include <Poco/String.h>

namespace switchboard::http {

WebhookGuard::WebhookGuard(const config::RouteConfig& route, const util::Clock& clock)
    : secretHeader_(Poco::toLower(route.auth.sharedSecretHeader)),
      secret_(route.auth.sharedSecret),
      verifySignature_(route.auth.signature && !route.auth.none),
      maxBodyBytes_(route.maxBodyBytes),
      limiter_(route.rateLimit.perSecond, route.rateLimit.burst, clock) {
    for (const auto& network : route.auth.allowIps) allowIps_.add(network);
}

RateLimiter::Decision WebhookGuard::admit(const std::string& source) {
    return limiter_.acquire(source);
}

std::optional<Refusal> WebhookGuard::rejection(const plugin::WebhookRequest& request) const {
    if (!allowIps_.empty() && !allowIps_.contains(request.remoteAddr))
        return Refusal{messaging::reason::kIpNotAllowed,
                       "source " + request.remoteAddr + " is not in the route's allow_ips"};
    if (!secretHeader_.empty()) {
        const std::string* presented = nullptr;
        for (const auto& [name, value] : request.headers) {
            if (name == secretHeader_) {
                presented = &value;
                break;
            }
        }
        if (presented == nullptr)
            return Refusal{messaging::reason::kSharedSecret,
                           "shared-secret header " + secretHeader_ + " is missing"};
        if (!util::constantTimeEquals(*presented, secret_))
            return Refusal{messaging::reason::kSharedSecret,
                           "shared-secret header " + secretHeader_ + " does not match"};
    }
    return std::nullopt;
}

}  // namespace switchboard::http
