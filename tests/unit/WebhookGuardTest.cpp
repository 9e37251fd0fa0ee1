// Route-level webhook protection: the YAML that configures it (and the configurations it
// refuses), and the guard's decisions on allow-lists, shared secrets and per-source limits.
#include "config/ConfigError.h"
#include "config/ConfigLoader.h"
#include "http/WebhookGuard.h"
#include "support/ThrownErrors.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>

namespace switchboard::http {
namespace {

using testing::startsWith;
using testing::thrown;

class ManualClock : public util::Clock {
  public:
    std::int64_t nowMs() const override { return now_.load(); }
    void advance(std::int64_t ms) { now_ += ms; }

  private:
    std::atomic<std::int64_t> now_{1'700'000'000'000};
};

constexpr const char* kSharedSecret = "route-shared-secret-0042";

std::string yamlWithRoute(const std::string& routeExtra, const std::string& top = "") {
    return "admin:\n  api_key: admin-key-0123456789abcdef\n" + top +
           "providers:\n  - id: p1\n    plugin: extreme\n"
           "routes:\n  - path: /hooks/p1\n    providers: [p1]\n" +
           routeExtra + "tenants:\n  - id: acme\n    default_provider: p1\n";
}

config::AppConfig load(const std::string& routeExtra, const std::string& top = "") {
    return config::loadConfigText(yamlWithRoute(routeExtra, top), "/tmp", "test.yaml");
}

/// The key path a refused configuration names (ConfigError::what() starts with it).
std::string refusal(const std::string& routeExtra, const std::string& top = "") {
    auto error = thrown<config::ConfigError>([&] { load(routeExtra, top); });
    if (!error) {
        ADD_FAILURE() << "configuration was accepted:\n" << routeExtra << top;
        return {};
    }
    return error->what();
}

plugin::WebhookRequest from(const std::string& address,
                            std::vector<std::pair<std::string, std::string>> headers = {}) {
    plugin::WebhookRequest r;
    r.remoteAddr = address;
    r.headers = std::move(headers);
    return r;
}

TEST(WebhookGuardConfig, DefaultsKeepThePluginSignatureAndTheGlobalLimits) {
    auto config = load("");
    const auto& route = config.routes.at(0);
    EXPECT_TRUE(route.auth.signature);
    EXPECT_FALSE(route.auth.none);
    EXPECT_TRUE(route.auth.allowIps.empty());
    EXPECT_TRUE(route.auth.sharedSecretHeader.empty());
    EXPECT_DOUBLE_EQ(route.rateLimit.perSecond, 100.0);
    EXPECT_DOUBLE_EQ(route.rateLimit.burst, 1000.0);
    EXPECT_EQ(route.maxBodyBytes, config.server.maxBodyBytes);
    EXPECT_EQ(config.limits.maxHeaderCount, 64);
    EXPECT_DOUBLE_EQ(config.limits.tenant.perSecond, 0.0);  // off unless configured
}

TEST(WebhookGuardConfig, EveryKeyIsRead) {
    ::setenv("SB_TEST_ROUTE_SECRET", kSharedSecret, 1);
    auto config = load(
        "    max_body_bytes: 4096\n"
        "    rate_limit: {per_source_per_minute: 120, burst: 7}\n"
        "    auth:\n      signature: false\n"
        "      shared_secret: {header: X-Hook-Secret, value: \"${SB_TEST_ROUTE_SECRET}\"}\n"
        "      allow_ips: [\"203.0.113.0/24\", \"2001:db8::/32\"]\n",
        "limits:\n  max_header_count: 40\n"
        "  tenant_rate_limit: {requests_per_second: 2.5}\n"
        "  webhook_rate_limit: {per_source_per_minute: 600}\n");
    const auto& route = config.routes.at(0);
    EXPECT_FALSE(route.auth.signature);
    EXPECT_EQ(route.auth.sharedSecretHeader, "X-Hook-Secret");
    EXPECT_EQ(route.auth.sharedSecret, kSharedSecret);
    EXPECT_EQ(route.auth.allowIps.size(), 2u);
    EXPECT_DOUBLE_EQ(route.rateLimit.perSecond, 2.0);
    EXPECT_DOUBLE_EQ(route.rateLimit.burst, 7.0);
    EXPECT_EQ(route.maxBodyBytes, 4096u);
    EXPECT_EQ(config.limits.maxHeaderCount, 40);
    EXPECT_DOUBLE_EQ(config.limits.tenant.perSecond, 2.5);
    EXPECT_DOUBLE_EQ(config.limits.tenant.burst, 3.0);  // ⌈rate⌉ by default
    EXPECT_DOUBLE_EQ(config.limits.webhookPerSource.perSecond, 10.0);
    EXPECT_DOUBLE_EQ(config.limits.webhookPerSource.burst, 100.0);  // a tenth of a minute
    // The resolved secret reaches the log masker's list.
    EXPECT_NE(std::find(config.secrets.begin(), config.secrets.end(), kSharedSecret),
              config.secrets.end());
}

TEST(WebhookGuardConfig, RoutesWithoutTheirOwnLimitTakeTheGlobalDefault) {
    auto config =
        load("", "limits:\n  webhook_rate_limit: {per_source_per_minute: 30, burst: 2}\n");
    EXPECT_DOUBLE_EQ(config.routes.at(0).rateLimit.perSecond, 0.5);
    EXPECT_DOUBLE_EQ(config.routes.at(0).rateLimit.burst, 2.0);
}

TEST(WebhookGuardConfig, ARouteWithNoCheckAtAllIsRefusedUnlessItSaysSo) {
    EXPECT_TRUE(startsWith(refusal("    auth: {signature: false}\n"), "routes[0].auth"));
    auto open = load("    auth: {none: true}\n");
    EXPECT_TRUE(open.routes.at(0).auth.none);
    EXPECT_FALSE(open.routes.at(0).auth.signature);
    // Signature off is fine with any other check.
    EXPECT_NO_THROW(load("    auth: {signature: false, allow_ips: [\"10.0.0.0/8\"]}\n"));
}

TEST(WebhookGuardConfig, MalformedProtectionIsRefusedNamingTheKey) {
    EXPECT_TRUE(startsWith(refusal("    auth: {none: true, allow_ips: [\"10.0.0.0/8\"]}\n"),
                           "routes[0].auth.none"));
    EXPECT_TRUE(
        startsWith(refusal("    auth: {none: true, signature: true}\n"), "routes[0].auth.none"));
    EXPECT_TRUE(startsWith(refusal("    auth: {allow_ips: [\"10.0.0.0/8\", \"not-an-ip\"]}\n"),
                           "routes[0].auth.allow_ips[1]"));
    EXPECT_TRUE(startsWith(refusal("    auth: {allow_ips: []}\n"), "routes[0].auth.allow_ips"));
    EXPECT_TRUE(startsWith(refusal("    auth: {shared_secret: {header: X-S, value: short}}\n"),
                           "routes[0].auth.shared_secret.value"));
    EXPECT_TRUE(startsWith(
        refusal("    auth: {shared_secret: {header: \"X S\", value: long-enough-secret-1}}\n"),
        "routes[0].auth.shared_secret.header"));
    EXPECT_TRUE(startsWith(refusal("    auth: {shared_secret: {value: long-enough-secret-1}}\n"),
                           "routes[0].auth.shared_secret.header"));
    EXPECT_TRUE(startsWith(refusal("    auth: {signatur: false}\n"), "routes[0].auth.signatur"));
    EXPECT_TRUE(startsWith(refusal("    rate_limit: {per_source_per_minute: 0}\n"),
                           "routes[0].rate_limit.per_source_per_minute"));
    EXPECT_TRUE(startsWith(refusal("    rate_limit: {per_minute: 5}\n"),
                           "routes[0].rate_limit.per_minute"));
    // A route cannot accept more than the server reads at all.
    EXPECT_TRUE(startsWith(refusal("    max_body_bytes: 2000000\n"), "routes[0].max_body_bytes"));
    EXPECT_TRUE(
        startsWith(refusal("", "limits:\n  max_header_count: 101\n"), "limits.max_header_count"));
    EXPECT_TRUE(startsWith(refusal("", "limits:\n  tenant_rate_limit: {burst: 5}\n"),
                           "limits.tenant_rate_limit.requests_per_second"));
    EXPECT_TRUE(startsWith(refusal("", "limits:\n  tenant_rate_limit: {requests_per_second: 0}\n"),
                           "limits.tenant_rate_limit.requests_per_second"));
}

TEST(WebhookGuardConfig, TheSharedSecretIsNeverEchoedInErrors) {
    ::setenv("SB_TEST_SHORT_SECRET", "tiny-secret", 1);
    const std::string message =
        refusal("    auth: {shared_secret: {header: X-S, value: \"${SB_TEST_SHORT_SECRET}\"}}\n");
    EXPECT_EQ(message.find("tiny-secret"), std::string::npos) << message;
}

config::RouteConfig route(const std::string& extra) { return load(extra).routes.at(0); }

TEST(WebhookGuard, AllowListAdmitsOnlyListedNetworks) {
    ManualClock clock;
    WebhookGuard guard(route("    auth: {signature: false, allow_ips: [\"203.0.113.0/24\", "
                             "\"2001:db8::/32\"]}\n"),
                       clock);
    EXPECT_FALSE(guard.rejection(from("203.0.113.77")));
    EXPECT_FALSE(guard.rejection(from("2001:db8::1")));
    EXPECT_FALSE(guard.rejection(from("::ffff:203.0.113.5")));  // IPv4-mapped peer
    auto refused = guard.rejection(from("198.51.100.1"));
    ASSERT_TRUE(refused);
    EXPECT_NE(refused->reason.find("198.51.100.1"), std::string::npos);
    EXPECT_NE(refused->reason.find("allow_ips"), std::string::npos);
    EXPECT_TRUE(guard.rejection(from("not-an-address")));
    EXPECT_FALSE(guard.verifySignature());
}

TEST(WebhookGuard, SharedSecretMustBePresentAndExact) {
    ManualClock clock;
    ::setenv("SB_TEST_ROUTE_SECRET", kSharedSecret, 1);
    WebhookGuard guard(route("    auth:\n      shared_secret: {header: X-Hook-Secret, value: "
                             "\"${SB_TEST_ROUTE_SECRET}\"}\n"),
                       clock);
    EXPECT_TRUE(guard.verifySignature());  // still on: both checks apply
    EXPECT_FALSE(guard.rejection(from("198.51.100.1", {{"x-hook-secret", kSharedSecret}})));
    const std::vector<std::vector<std::pair<std::string, std::string>>> wrong = {
        {},
        {{"x-other", kSharedSecret}},
        {{"x-hook-secret", ""}},
        {{"x-hook-secret", std::string(kSharedSecret).substr(0, 10)}},
        {{"x-hook-secret", std::string(kSharedSecret) + "x"}},
        {{"x-hook-secret", "ROUTE-SHARED-SECRET-0042"}},
    };
    for (const auto& headers : wrong) {
        auto refused = guard.rejection(from("198.51.100.1", headers));
        ASSERT_TRUE(refused);
        EXPECT_EQ(refused->reason.find(kSharedSecret), std::string::npos);  // never echoed
        EXPECT_NE(refused->reason.find("x-hook-secret"), std::string::npos);
    }
}

TEST(WebhookGuard, AllChecksMustPass) {
    ManualClock clock;
    ::setenv("SB_TEST_ROUTE_SECRET", kSharedSecret, 1);
    WebhookGuard guard(
        route("    auth:\n      signature: false\n      allow_ips: [\"10.1.0.0/16\"]\n"
              "      shared_secret: {header: X-Hook-Secret, value: "
              "\"${SB_TEST_ROUTE_SECRET}\"}\n"),
        clock);
    EXPECT_FALSE(guard.rejection(from("10.1.2.3", {{"x-hook-secret", kSharedSecret}})));
    EXPECT_TRUE(guard.rejection(from("10.2.2.3", {{"x-hook-secret", kSharedSecret}})));
    EXPECT_TRUE(guard.rejection(from("10.1.2.3", {{"x-hook-secret", "nope"}})));
}

TEST(WebhookGuard, ExplicitlyOpenRoutesCheckNothing) {
    ManualClock clock;
    WebhookGuard guard(route("    auth: {none: true}\n"), clock);
    EXPECT_FALSE(guard.verifySignature());
    EXPECT_FALSE(guard.rejection(from("198.51.100.1")));
}

TEST(WebhookGuard, EachSourceIsLimitedOnItsOwn) {
    ManualClock clock;
    WebhookGuard guard(route("    rate_limit: {per_source_per_minute: 60, burst: 2}\n"
                             "    max_body_bytes: 1024\n"),
                       clock);
    EXPECT_EQ(guard.maxBodyBytes(), 1024u);
    EXPECT_TRUE(guard.admit("198.51.100.1").allowed);
    EXPECT_TRUE(guard.admit("198.51.100.1").allowed);
    auto refused = guard.admit("198.51.100.1");
    EXPECT_FALSE(refused.allowed);
    EXPECT_EQ(refused.retryAfterS, 1);
    EXPECT_TRUE(refused.report);
    EXPECT_TRUE(guard.admit("198.51.100.2").allowed);  // another source is unaffected
    clock.advance(1000);
    EXPECT_TRUE(guard.admit("198.51.100.1").allowed);
}

}  // namespace
}  // namespace switchboard::http
