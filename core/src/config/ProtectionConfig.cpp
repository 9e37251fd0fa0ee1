#include "config/ProtectionConfig.h"

#include "config/ConfigError.h"
#include "util/CidrSet.h"

#include <algorithm>
#include <cmath>
#include <regex>

namespace switchboard::config {
namespace {

RateLimitConfig readPerMinute(YamlReader r, const RateLimitConfig& fallback) {
    RateLimitConfig limit = fallback;
    if (r.has("per_source_per_minute")) {
        const long long perMinute = r.integer("per_source_per_minute", 0, 1, 6'000'000);
        limit.perSecond = static_cast<double>(perMinute) / 60.0;
        limit.burst = static_cast<double>(std::max<long long>(1, perMinute / 6));
    }
    limit.burst =
        static_cast<double>(r.integer("burst", static_cast<long long>(limit.burst), 1, 1'000'000));
    r.finish();
    return limit;
}

void readAuth(YamlReader auth, RouteConfig& rc, std::vector<std::string>& secrets) {
    WebhookAuthConfig& a = rc.auth;
    const bool signatureGiven = auth.has("signature");
    a.signature = auth.boolean("signature", true);
    a.none = auth.boolean("none", false);
    if (auth.has("shared_secret")) {
        YamlReader secret(auth.child("shared_secret"), auth.childPath("shared_secret"),
                          auth.baseDir());
        a.sharedSecretHeader = secret.requiredString("header");
        static const std::regex kHeader("[A-Za-z0-9-]{1,64}");
        if (!std::regex_match(a.sharedSecretHeader, kHeader))
            throw ConfigError(secret.childPath("header"),
                              "must be an HTTP header name ([A-Za-z0-9-], at most 64)");
        a.sharedSecret = secret.requiredString("value");
        // Never echoed: the value is a secret.
        if (a.sharedSecret.size() < 16)
            throw ConfigError(secret.childPath("value"), "must be at least 16 characters");
        secrets.push_back(a.sharedSecret);
        secret.finish();
    }
    a.allowIps = auth.stringList("allow_ips");
    for (std::size_t i = 0; i < a.allowIps.size(); ++i) {
        if (!util::CidrSet::parse(a.allowIps[i]))
            throw ConfigError(YamlReader::index(auth.childPath("allow_ips"), i),
                              "'" + a.allowIps[i] + "' is not an IP address or CIDR network");
    }
    if (auth.has("allow_ips") && a.allowIps.empty())
        throw ConfigError(auth.childPath("allow_ips"),
                          "an empty allow-list admits nobody; remove the key or list networks");
    auth.finish();

    const bool otherCheck = !a.sharedSecretHeader.empty() || !a.allowIps.empty();
    if (a.none) {
        if ((signatureGiven && a.signature) || otherCheck)
            throw ConfigError(auth.childPath("none"),
                              "'none: true' turns authentication off; it cannot be combined "
                              "with signature, shared_secret or allow_ips");
        a.signature = false;
    } else if (!a.signature && !otherCheck) {
        throw ConfigError(auth.path(),
                          "signature is off and no other check is set: add shared_secret or "
                          "allow_ips, or write 'none: true' to accept unauthenticated callbacks");
    }
}

}  // namespace

void readLimits(YamlReader r, LimitsConfig& limits) {
    limits.maxHeaderCount =
        static_cast<int>(r.integer("max_header_count", limits.maxHeaderCount, 8, 100));
    if (r.has("tenant_rate_limit")) {
        YamlReader tenant(r.child("tenant_rate_limit"), r.childPath("tenant_rate_limit"),
                          r.baseDir());
        if (!tenant.has("requests_per_second"))
            throw ConfigError(tenant.childPath("requests_per_second"), "required key is missing");
        limits.tenant.perSecond = tenant.number("requests_per_second", 0, 0.001, 1'000'000);
        limits.tenant.burst = static_cast<double>(tenant.integer(
            "burst", std::max<long long>(1, std::llround(std::ceil(limits.tenant.perSecond))), 1,
            1'000'000));
        tenant.finish();
    }
    if (r.has("webhook_rate_limit"))
        limits.webhookPerSource =
            readPerMinute(YamlReader(r.child("webhook_rate_limit"),
                                     r.childPath("webhook_rate_limit"), r.baseDir()),
                          limits.webhookPerSource);
    r.finish();
}

void readRouteProtection(YamlReader& route, const ServerConfig& server, const LimitsConfig& limits,
                         RouteConfig& rc, std::vector<std::string>& secrets) {
    readAuth(YamlReader(route.child("auth"), route.childPath("auth"), route.baseDir()), rc,
             secrets);
    rc.rateLimit = readPerMinute(
        YamlReader(route.child("rate_limit"), route.childPath("rate_limit"), route.baseDir()),
        limits.webhookPerSource);
    rc.maxBodyBytes = static_cast<std::size_t>(
        route.integer("max_body_bytes", static_cast<long long>(server.maxBodyBytes), 256,
                      static_cast<long long>(server.maxBodyBytes)));
    rc.rejectStatus = static_cast<int>(route.integer("reject_status", rc.rejectStatus, 200, 403));
    if (rc.rejectStatus != 200 && rc.rejectStatus != 400 && rc.rejectStatus != 401 &&
        rc.rejectStatus != 403)
        throw ConfigError(
            route.childPath("reject_status"),
            "must be 200 (default), 400, 401 or 403, got " + std::to_string(rc.rejectStatus));
}

}  // namespace switchboard::config
