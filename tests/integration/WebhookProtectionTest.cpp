// Webhook protection through the real binary: per-route authentication (shared-secret
// header, IP allow-list with CIDRs, the plugin's signature, or all of them), per-source
// rate limits, per-route body limits. Every refusal is recorded with its reason and logged
// with it, nothing refused is processed, and no secret value ever reaches the log.
// Signatures come from the openssl CLI, not from the code under test.
#include "support/HttpCall.h"
#include "support/JsonApi.h"
#include "support/OpensslOracle.h"
#include "support/ServiceProcess.h"
#include "support/TempDir.h"
#include "support/TestDatabase.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

namespace switchboard::testing {
namespace {

using Poco::JSON::Object;

constexpr const char* kSharedSecret = "route-shared-secret-7d1f";
constexpr const char* kRetailSecret = "retail-signing-secret-3c9a";
constexpr const char* kRetailKey = "retail-api-key-5e2b";
constexpr const char* kT23Secret = "t23-signing-secret-81aa";
constexpr const char* kT23Token = "t23-url-token-66f0";
constexpr const char* kT23Key = "t23-api-key-0b7c";

std::string inbound(const std::string& id) {
    return R"({"sender":"+15550109999","receiver":"+15550100001","message":"hello","id":")" + id +
           "\"}";
}

std::string yamlFor(int port, const std::string& storageBlock) {
    return "server:\n  bind: 127.0.0.1\n  port: " + std::to_string(port) +
           "\n  threads: 8\n  max_body_bytes: 65536\n  trusted_proxies: [\"127.0.0.1\"]\n"
           // Debug level: the more the service logs, the more a leak would show.
           "logging:\n  level: debug\n" +
           storageBlock +
           "plugins:\n  directory: " SWITCHBOARD_PLUGIN_DIR
           "\n"
           "admin:\n  api_key: ${SB_ADMIN_KEY}\n"
           "providers:\n"
           "  - id: extreme-main\n    plugin: extreme\n    transport: dry-run\n"
           "    config:\n      api_key: ${SB_EXTREME_KEY}\n"
           "  - id: retail-main\n    plugin: smsretail\n    transport: dry-run\n    config:\n"
           "      webhook_secret: ${WH_RETAIL_SECRET}\n"
           "      send_url: http://127.0.0.1:9/retail/send\n      api_key: ${WH_RETAIL_KEY}\n"
           "  - id: t23-main\n    plugin: telecom23\n    transport: dry-run\n    config:\n"
           "      api_key: ${WH_T23_KEY}\n      sender_id: Acme\n"
           "      base_url: http://127.0.0.1:9\n      webhook_secret: ${WH_T23_SECRET}\n"
           "      webhook_token: ${WH_T23_TOKEN}\n"
           "routes:\n"
           "  - path: /hooks/secret\n    providers: [extreme-main]\n"
           "    auth:\n      signature: false\n"
           "      shared_secret: {header: X-Webhook-Secret, value: \"${WH_SHARED}\"}\n"
           "  - path: /hooks/office\n    providers: [extreme-main]\n"
           "    auth: {signature: false, allow_ips: [\"198.51.100.0/24\", \"2001:db8::/32\"]}\n"
           "  - path: /hooks/receipts\n    providers: [retail-main, t23-main]\n"
           "    auth: {allow_ips: [\"127.0.0.0/8\"]}\n"
           "  - path: /hooks/limited\n    providers: [extreme-main]\n    auth: {none: true}\n"
           "    rate_limit: {per_source_per_minute: 60, burst: 3}\n    max_body_bytes: 1024\n"
           "tenants:\n"
           "  - id: acme\n    name: Acme\n    default_provider: extreme-main\n"
           "    numbers: [\"+15550100001\"]\n    api_keys: [\"${SB_TENANT_KEY}\"]\n";
}

// Runs on SQLite and on PostgreSQL (every refusal is a stored record).
class WebhookProtection : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        port_ = freePort();
        service_ = std::make_unique<ServiceProcess>(
            dir_, yamlFor(port_, storage_.storageYaml()), port_,
            std::map<std::string, std::string>{{"WH_SHARED", kSharedSecret},
                                               {"WH_RETAIL_SECRET", kRetailSecret},
                                               {"WH_RETAIL_KEY", kRetailKey},
                                               {"WH_T23_SECRET", kT23Secret},
                                               {"WH_T23_TOKEN", kT23Token},
                                               {"WH_T23_KEY", kT23Key}});
    }

    HttpResult post(const std::string& path, Headers headers, const std::string& body) {
        headers.emplace_back("Content-Type", "application/json");
        return httpCall(port_, "POST", path, headers, body);
    }

    Object::Ptr lastWebhook() {
        auto r = httpCall(port_, "GET", "/api/admin/webhook/last",
                          {{"Authorization", std::string("Bearer ") + kAdminKey}});
        return json(r.body)->getObject("event");
    }

    Poco::JSON::Array::Ptr webhookEvents() {
        auto r = httpCall(port_, "GET", "/api/admin/webhook/events?limit=50",
                          {{"Authorization", std::string("Bearer ") + kAdminKey}});
        return json(r.body)->getArray("data");
    }

    int inboxSize() {
        auto r = httpCall(port_, "GET", "/api/messages?direction=inbox",
                          {{"Authorization", std::string("Bearer ") + kTenantKey}});
        return json(r.body)->getObject("pagination")->getValue<int>("total");
    }

    /// Asserts the last webhook request was refused with a reason containing `reasonPart`,
    /// and that the log has a line saying so.
    void expectRejected(const std::string& what, const std::string& reasonPart) {
        auto event = lastWebhook();
        ASSERT_FALSE(event.isNull()) << what;
        EXPECT_EQ(event->getValue<std::string>("outcome"), "rejected") << what;
        const std::string reason = event->getValue<std::string>("reason");
        EXPECT_NE(reason.find(reasonPart), std::string::npos) << what << ": " << reason;
        EXPECT_NE(service_->log().find("outcome=rejected reason=" + reason), std::string::npos)
            << what << ": no log line with the reason";
    }

    TempDir dir_;
    TestDatabase storage_{GetParam(), dir_};
    int port_ = 0;
    std::unique_ptr<ServiceProcess> service_;
};

TEST_P(WebhookProtection, SharedSecretHeaderRoute) {
    const std::vector<std::pair<std::string, Headers>> wrong = {
        {"missing header", {}},
        {"wrong value", {{"X-Webhook-Secret", "route-shared-secret-0000"}}},
        {"prefix of the secret", {{"X-Webhook-Secret", std::string(kSharedSecret).substr(0, 12)}}},
        {"secret in another header", {{"X-Other-Secret", kSharedSecret}}},
    };
    int n = 0;
    for (const auto& [what, headers] : wrong) {
        auto r = post("/hooks/secret", headers, inbound("sec-" + std::to_string(++n)));
        EXPECT_EQ(r.status, 200) << what;  // the sender learns nothing
        expectRejected(what, "x-webhook-secret");
    }
    EXPECT_EQ(inboxSize(), 0);  // nothing refused was processed

    EXPECT_EQ(
        post("/hooks/secret", {{"X-Webhook-Secret", kSharedSecret}}, inbound("sec-ok")).status,
        200);
    EXPECT_EQ(lastWebhook()->getValue<std::string>("outcome"), "accepted");
    EXPECT_EQ(inboxSize(), 1);
}

TEST_P(WebhookProtection, IpAllowListWithCidrsHonoursOnlyTrustedProxies) {
    // Straight from 127.0.0.1, which is not on the list.
    EXPECT_EQ(post("/hooks/office", {}, inbound("ip-1")).status, 200);
    expectRejected("loopback source", "127.0.0.1");
    // Through the trusted proxy, for a client inside 198.51.100.0/24 and 2001:db8::/32.
    EXPECT_EQ(post("/hooks/office", {{"X-Forwarded-For", "198.51.100.23"}}, inbound("ip-2")).status,
              200);
    EXPECT_EQ(lastWebhook()->getValue<std::string>("outcome"), "accepted");
    EXPECT_EQ(post("/hooks/office", {{"X-Forwarded-For", "2001:db8::5"}}, inbound("ip-3")).status,
              200);
    EXPECT_EQ(lastWebhook()->getValue<std::string>("outcome"), "accepted");
    // A client outside the networks, and a forged left-most entry behind a real outsider.
    EXPECT_EQ(post("/hooks/office", {{"X-Forwarded-For", "198.51.101.1"}}, inbound("ip-4")).status,
              200);
    expectRejected("outside the CIDR", "198.51.101.1");
    EXPECT_EQ(
        post("/hooks/office", {{"X-Forwarded-For", "198.51.100.23, 203.0.113.9"}}, inbound("ip-5"))
            .status,
        200);
    expectRejected("forged hop", "203.0.113.9");
    EXPECT_EQ(inboxSize(), 2);
}

TEST_P(WebhookProtection, SignatureAndAllowListMustBothPass) {
    const std::string body = R"({"id":4711,"status":"delivered"})";
    // Allowed source, bad signature: the plugin's verify still runs and refuses it.
    EXPECT_EQ(post("/hooks/receipts", {{"X-Signature", opensslHmacSha256Hex("wrong", body)}}, body)
                  .status,
              200);
    EXPECT_EQ(lastWebhook()->getValue<std::string>("outcome"), "rejected");
    EXPECT_EQ(lastWebhook()->getValue<std::string>("provider"), "retail-main");
    // Good signature from a source outside the list (via the trusted proxy): refused first.
    EXPECT_EQ(post("/hooks/receipts",
                   {{"X-Signature", opensslHmacSha256Hex(kRetailSecret, body)},
                    {"X-Forwarded-For", "203.0.113.50"}},
                   body)
                  .status,
              200);
    expectRejected("outside source", "203.0.113.50");
    // Both right: authentic (the unknown reference is then logged and discarded).
    EXPECT_EQ(
        post("/hooks/receipts", {{"X-Signature", opensslHmacSha256Hex(kRetailSecret, body)}}, body)
            .status,
        200);
    EXPECT_EQ(lastWebhook()->getValue<std::string>("outcome"), "ignored");
    // The token-authenticated plugin on the same route.
    const std::string t23 = R"({"messageId":"t23-none","status":"DELIVRD"})";
    const std::string ts = std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                                              std::chrono::system_clock::now().time_since_epoch())
                                              .count());
    EXPECT_EQ(post(std::string("/hooks/receipts?token=") + kT23Token,
                   {{"X-Webhook-Timestamp", ts},
                    {"X-Webhook-Signature",
                     "sha256=" + opensslHmacSha256Hex(kT23Secret, ts + "." + t23)}},
                   t23)
                  .status,
              200);
    EXPECT_EQ(lastWebhook()->getValue<std::string>("outcome"), "ignored");
}

TEST_P(WebhookProtection, EachSourceIsRateLimitedWith429AndRetryAfter) {
    for (int i = 0; i < 3; ++i)
        ASSERT_EQ(post("/hooks/limited", {}, inbound("rl-" + std::to_string(i))).status, 200);
    std::vector<HttpResult> refused;
    for (int i = 0; i < 5; ++i) refused.push_back(post("/hooks/limited", {}, inbound("rl-x")));
    for (const auto& r : refused) {
        EXPECT_EQ(r.status, 429);
        EXPECT_NE(r.body.find("\"code\":\"rate_limited\""), std::string::npos) << r.body;
        const int retryAfter = std::stoi(r.header("Retry-After"));
        EXPECT_GE(retryAfter, 1);
        EXPECT_LE(retryAfter, 2);
    }
    // Another source (through the trusted proxy) has its own bucket.
    EXPECT_EQ(
        post("/hooks/limited", {{"X-Forwarded-For", "198.51.100.7"}}, inbound("rl-other")).status,
        200);
    // A flood is recorded and logged once per source per 10 s, not once per request.
    int recorded = 0;
    auto events = webhookEvents();
    for (unsigned i = 0; i < events->size(); ++i)
        recorded += events->getObject(i)->getValue<std::string>("outcome") == "rate_limited";
    EXPECT_EQ(recorded, 1);
    const std::string log = service_->log();
    std::size_t lines = 0;
    for (auto at = log.find("outcome=rate_limited"); at != std::string::npos;
         at = log.find("outcome=rate_limited", at + 1))
        ++lines;
    EXPECT_EQ(lines, 1u);
    EXPECT_EQ(inboxSize(), 4);  // 3 + the other source; none of the refused ones

    // One token per second comes back.
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    EXPECT_EQ(post("/hooks/limited", {}, inbound("rl-later")).status, 200);
}

TEST_P(WebhookProtection, OversizedBodiesAreRefusedBeforeAnyPluginReadsThem) {
    const std::string big = R"({"sender":"+15550109999","receiver":"+15550100001","message":")" +
                            std::string(2000, 'x') + R"(","id":"big"})";
    HttpResult r;
    try {
        r = post("/hooks/limited", {}, big);
        EXPECT_EQ(r.status, 413);
        EXPECT_NE(r.body.find("body_too_large"), std::string::npos);
    } catch (const std::exception&) {
        // The server may close while the body is still being sent.
    }
    expectRejected("over the route's limit", "1024 bytes");
    EXPECT_EQ(lastWebhook()->getValue<std::string>("payload"), "");  // never stored
    // Over the server-wide limit on another route: the same refusal.
    try {
        post("/hooks/secret", {{"X-Webhook-Secret", kSharedSecret}},
             std::string(70000, ' ') + inbound("huge"));
    } catch (const std::exception&) {
    }
    expectRejected("over the server limit", "65536 bytes");
    EXPECT_EQ(inboxSize(), 0);
    // Under the limit still works.
    EXPECT_EQ(post("/hooks/limited", {}, inbound("small")).status, 200);
    EXPECT_EQ(inboxSize(), 1);
}

TEST_P(WebhookProtection, NoSecretValueEverReachesTheLog) {
    // Traffic that carries every secret: right and wrong shared secrets, signed and
    // token-bearing callbacks, tenant and admin keys, refusals of every kind.
    post("/hooks/secret", {{"X-Webhook-Secret", kSharedSecret}}, inbound("log-1"));
    post("/hooks/secret", {{"X-Webhook-Secret", "not-it"}}, inbound("log-2"));
    const std::string body = R"({"id":1,"status":"sent"})";
    post("/hooks/receipts", {{"X-Signature", opensslHmacSha256Hex(kRetailSecret, body)}}, body);
    post(std::string("/hooks/receipts?token=") + kT23Token, {},
         R"({"messageId":"m","status":"x"})");
    post("/hooks/receipts?token=wrong-token", {}, R"({"messageId":"m","status":"x"})");
    for (int i = 0; i < 6; ++i) post("/hooks/limited", {}, inbound("log-rl"));
    httpCall(port_, "POST", "/api/sms/send",
             {{"Authorization", std::string("Bearer ") + kTenantKey},
              {"Content-Type", "application/json"}},
             R"({"to":"+15550107777","message":"hi"})");
    httpCall(port_, "GET", "/api/admin/webhook/events",
             {{"Authorization", std::string("Bearer ") + kAdminKey}});
    service_->stop();

    const std::string log = service_->log();
    ASSERT_NE(log.find("outcome=rejected"), std::string::npos) << "refusals were not logged";
    for (const char* secret : {kSharedSecret, kRetailSecret, kRetailKey, kT23Secret, kT23Token,
                               kT23Key, kAdminKey, kTenantKey, kExtremeKey}) {
        EXPECT_EQ(log.find(secret), std::string::npos) << "the log contains " << secret;
    }
}

INSTANTIATE_TEST_SUITE_P(Backends, WebhookProtection, ::testing::ValuesIn(storageBackends()),
                         backendName);

}  // namespace
}  // namespace switchboard::testing
