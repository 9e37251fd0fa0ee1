// Delivery receipts end to end: the real binary with the real sb_smsretail.so and
// sb_telecom23.so, a fake provider answering sends over loopback, and signed callbacks
// whose signatures come from the openssl CLI (not from the code under test).
#include "support/FakeProviderServer.h"
#include "support/HttpCall.h"
#include "support/JsonApi.h"
#include "support/OpensslOracle.h"
#include "support/ServiceProcess.h"
#include "support/TempDir.h"
#include "support/TestDatabase.h"

#include <Poco/Data/Session.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace switchboard::testing {
namespace {

using Poco::JSON::Object;

constexpr const char* kRetailSecret = "retail-signing-secret-42";
constexpr const char* kT23Secret = "t23-signing-secret-77";
constexpr const char* kT23Token = "t23-url-token-5150";

std::string yamlFor(int port, const std::string& storageBlock, const std::string& providerBase,
                    const std::string& serverExtra) {
    return "server:\n  bind: 127.0.0.1\n  port: " + std::to_string(port) +
           "\n  max_body_bytes: 65536\n" + serverExtra + storageBlock +
           "plugins:\n  directory: " SWITCHBOARD_PLUGIN_DIR
           "\n"
           "dispatch:\n  poll_interval_ms: 50\n  backoff_initial_ms: 100\n  max_attempts: 2\n"
           "admin:\n  api_key: ${SB_ADMIN_KEY}\n"
           "providers:\n"
           "  - id: retail-main\n    plugin: smsretail\n    label: Acme Direct\n    config:\n"
           "      webhook_secret: " +
           kRetailSecret + "\n      send_url: " + providerBase +
           "/retail/send\n      api_key: retail-api-key-000111\n" +
           "  - id: t23-main\n    plugin: telecom23\n    config:\n      api_key: "
           "t23-api-key-000222\n"
           "      sender_id: Acme\n      base_url: " +
           providerBase + "\n      webhook_secret: " + kT23Secret +
           "\n      webhook_token: " + kT23Token +
           "\n"
           "routes:\n"
           "  - path: /api/webhooks/sms\n    providers: [retail-main, t23-main]\n"
           "  - path: /api/webhooks/t23\n    providers: [t23-main]\n"
           "tenants:\n"
           "  - id: acme\n    name: Acme\n    default_provider: retail-main\n    api_keys: "
           "[\"${SB_TENANT_KEY}\"]\n"
           "  - id: globex\n    name: Globex\n    default_provider: t23-main\n"
           "    api_keys: [\"${SB_OTHER_TENANT_KEY}\"]\n";
}

// Runs on SQLite and on PostgreSQL.
class DeliveryReceipts : public ::testing::TestWithParam<std::string> {
  protected:
    void start(const std::string& serverExtra = "") {
        port_ = freePort();
        service_ = std::make_unique<ServiceProcess>(
            dir_, yamlFor(port_, storage_.storageYaml(), fake_.baseUrl(), serverExtra), port_);
    }

    /// Sends as `key` and waits until the dispatcher stored the provider's answer.
    std::int64_t sendAndSettle(const char* key, const std::string& to) {
        auto r = httpCall(port_, "POST", "/api/sms/send", bearer(key),
                          R"({"to":")" + to + R"(","message":"hello"})");
        EXPECT_EQ(r.status, 202) << r.body;
        auto id = json(r.body)->getValue<std::int64_t>("id");
        for (int i = 0; i < 200 && message(key, id)->getValue<std::string>("status") == "QUEUED";
             ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        EXPECT_EQ(message(key, id)->getValue<std::string>("status"), "SENT");
        return id;
    }

    Object::Ptr message(const char* key, std::int64_t id) {
        return json(
            httpCall(port_, "GET", "/api/messages/" + std::to_string(id), bearer(key)).body);
    }

    HttpResult retailDlr(const std::string& body, const std::string& signature,
                         Headers extra = {}) {
        Headers headers = {{"Content-Type", "application/json"}};
        if (!signature.empty()) headers.emplace_back("X-Signature", signature);
        headers.insert(headers.end(), extra.begin(), extra.end());
        return httpCall(port_, "POST", "/api/webhooks/sms", headers, body);
    }
    HttpResult retailDlr(const std::string& body) {
        return retailDlr(body, opensslHmacSha256Hex(kRetailSecret, body));
    }

    HttpResult t23Dlr(const std::string& body, long long timestampS,
                      const std::string& token = kT23Token,
                      const std::string& path = "/api/webhooks/sms") {
        const std::string ts = std::to_string(timestampS);
        Headers headers = {
            {"Content-Type", "application/json"},
            {"X-Webhook-Timestamp", ts},
            {"X-Webhook-Signature", "sha256=" + opensslHmacSha256Hex(kT23Secret, ts + "." + body)}};
        return httpCall(port_, "POST", path + (token.empty() ? "" : "?token=" + token), headers,
                        body);
    }

    static long long nowS() {
        return std::chrono::duration_cast<std::chrono::seconds>(
                   std::chrono::system_clock::now().time_since_epoch())
            .count();
    }

    Object::Ptr log(const char* key, const std::string& query = "") {
        auto r = httpCall(port_, "GET", "/api/sms-delivery-log" + query, bearer(key));
        EXPECT_EQ(r.status, 200) << r.body;
        return json(r.body);
    }
    /// The operator's view of a tenant's log (raw provider fields included).
    Object::Ptr adminLog(const std::string& tenantId, const std::string& query = "") {
        auto r = httpCall(port_, "GET", "/api/admin/sms-delivery-log?tenantId=" + tenantId + query,
                          bearer(kAdminKey));
        EXPECT_EQ(r.status, 200) << r.body;
        return json(r.body);
    }
    std::size_t eventCount(const char* key = kTenantKey) {
        return static_cast<std::size_t>(log(key)->getObject("pagination")->getValue<int>("total"));
    }
    Object::Ptr lastWebhook() {
        return json(httpCall(port_, "GET", "/api/admin/webhook/last",
                             {{"Authorization", std::string("Bearer ") + kAdminKey}})
                        .body)
            ->getObject("event");
    }

    TempDir dir_;
    TestDatabase storage_{GetParam(), dir_};
    FakeProviderServer fake_;
    int port_ = 0;
    std::unique_ptr<ServiceProcess> service_;
};

TEST_P(DeliveryReceipts, SmsRetailHappyPath) {
    fake_.setDefault(respond(200, R"({"id":12345})"));
    start();
    auto id = sendAndSettle(kTenantKey, "+15550107777");
    ASSERT_EQ(fake_.requests().front().uri, "/retail/send");

    EXPECT_EQ(retailDlr(R"({"id":12345,"status":"sent"})").status, 200);
    EXPECT_EQ(retailDlr(R"({"id":12345,"status":"delivered"})").status, 200);
    auto m = message(kTenantKey, id);
    EXPECT_EQ(m->getValue<std::string>("status"), "DELIVERED");
    EXPECT_FALSE(m->isNull("deliveredAt"));

    // The operator sees everything the provider sent.
    auto data = adminLog("acme")->getArray("data");
    ASSERT_EQ(data->size(), 2u);
    auto newest = data->getObject(0);  // newest first
    EXPECT_EQ(newest->getValue<std::string>("status"), "DELIVERED");
    EXPECT_EQ(newest->getValue<std::string>("rawStatus"), "delivered");
    EXPECT_EQ(newest->getValue<std::string>("providerRef"), "12345");
    EXPECT_EQ(newest->getValue<std::string>("provider"), "retail-main");
    EXPECT_EQ(newest->getValue<std::string>("ip"), "127.0.0.1");
    EXPECT_EQ(newest->getObject("contact")->getValue<std::string>("phone"), "+15550107777");

    // The tenant sees the same events through proxy mode: the channel's label, no provider
    // instance, raw status, error code, payload or callback address.
    auto mine = log(kTenantKey)->getArray("data");
    ASSERT_EQ(mine->size(), 2u);
    auto tenantNewest = mine->getObject(0);
    EXPECT_EQ(tenantNewest->getValue<std::string>("status"), "DELIVERED");
    EXPECT_EQ(tenantNewest->getValue<std::string>("providerRef"), "12345");
    EXPECT_EQ(tenantNewest->getValue<std::string>("channel"), "Acme Direct");
    EXPECT_EQ(tenantNewest->getObject("contact")->getValue<std::string>("phone"), "+15550107777");
    for (const char* hidden : {"provider", "rawStatus", "errorCode", "ip", "rawPayload"})
        EXPECT_FALSE(tenantNewest->has(hidden)) << hidden;

    const auto detailText =
        httpCall(port_, "GET", "/api/sms-delivery-log/" + std::to_string(id), bearer(kTenantKey))
            .body;
    EXPECT_EQ(detailText.find("retail"), std::string::npos) << detailText;
    auto detail = json(detailText);
    auto events = detail->getArray("events");
    ASSERT_EQ(events->size(), 2u);
    EXPECT_EQ(events->getObject(0)->getValue<std::string>("status"), "SENT");  // oldest first
    EXPECT_FALSE(events->getObject(1)->has("rawPayload"));
    EXPECT_EQ(detail->getObject("message")->getValue<std::string>("providerRef"), "12345");
    EXPECT_EQ(detail->getObject("message")->getValue<std::string>("channel"), "Acme Direct");

    auto adminDetail =
        json(httpCall(port_, "GET",
                      "/api/admin/sms-delivery-log/" + std::to_string(id) + "?tenantId=acme",
                      bearer(kAdminKey))
                 .body);
    auto raw = adminDetail->getArray("events");
    ASSERT_EQ(raw->size(), 2u);
    EXPECT_EQ(raw->getObject(0)->getValue<std::string>("rawStatus"), "sent");
    EXPECT_EQ(raw->getObject(1)->getValue<std::string>("rawPayload"),
              R"({"id":12345,"status":"delivered"})");
    EXPECT_EQ(adminDetail->getObject("message")->getValue<std::string>("provider"), "retail-main");
    // The admin view needs the tenant, and another tenant's id does not find the message.
    EXPECT_EQ(httpCall(port_, "GET", "/api/admin/sms-delivery-log/" + std::to_string(id),
                       bearer(kAdminKey))
                  .status,
              400);
    EXPECT_EQ(httpCall(port_, "GET",
                       "/api/admin/sms-delivery-log/" + std::to_string(id) + "?tenantId=globex",
                       bearer(kAdminKey))
                  .status,
              404);
    EXPECT_EQ(
        httpCall(port_, "GET", "/api/admin/sms-delivery-log?tenantId=acme", bearer(kTenantKey))
            .status,
        401);
}

TEST_P(DeliveryReceipts, Telecom23HappyPathOnSharedAndFixedRoutes) {
    fake_.setDefault(respond(
        200, R"({"status":true,"results":[{"message_id":"t23-abc-1","to":"+15550108888"}]})"));
    start();
    auto id = sendAndSettle(kOtherTenantKey, "+15550108888");
    auto sent = fake_.requests().front();
    EXPECT_EQ(sent.uri, "/api/v1/sms/send");
    EXPECT_EQ(sent.header("X-API-Key"), "t23-api-key-000222");

    EXPECT_EQ(t23Dlr(R"({"message_id":"t23-abc-1","status":"ENROUTE"})", nowS()).status, 200);
    EXPECT_EQ(t23Dlr(R"({"messageId":"t23-abc-1","status":"DELIVRD"})", nowS(), kT23Token,
                     "/api/webhooks/t23")
                  .status,
              200);
    EXPECT_EQ(message(kOtherTenantKey, id)->getValue<std::string>("status"), "DELIVERED");
    EXPECT_EQ(eventCount(kOtherTenantKey), 2u);
    EXPECT_EQ(eventCount(kTenantKey), 0u);  // the other tenant sees none of it
}

TEST_P(DeliveryReceipts, EveryDefaultRawStatusIsNormalised) {
    fake_.setDefault(respond(200, R"({"id":777})"));
    start();
    sendAndSettle(kTenantKey, "+15550107777");
    const std::vector<std::pair<std::string, std::string>> retail = {
        {"delivered", "DELIVERED"}, {"DELIVRD", "DELIVERED"},  {"sent", "SENT"},
        {"failed", "FAILED"},       {"undelivered", "FAILED"}, {"UNDELIV", "FAILED"},
        {"pending", "PENDING"},     {"queued", "PENDING"},     {"exploded", "UNKNOWN"}};
    for (const auto& [raw, canonical] : retail) {
        ASSERT_EQ(retailDlr(R"({"id":777,"status":")" + raw + R"("})").status, 200);
        auto newest = adminLog("acme")->getArray("data")->getObject(0);
        EXPECT_EQ(newest->getValue<std::string>("rawStatus"), raw);
        EXPECT_EQ(newest->getValue<std::string>("status"), canonical) << raw;
    }

    fake_.setDefault(respond(200, R"({"status":true,"results":[{"message_id":"t23-all"}]})"));
    sendAndSettle(kOtherTenantKey, "+15550108888");
    const std::vector<std::pair<std::string, std::string>> t23 = {
        {"DELIVRD", "DELIVERED"}, {"UNDELIV", "FAILED"},  {"SENT", "SENT"},
        {"PENDING", "PENDING"},   {"REJECTD", "FAILED"},  {"EXPIRED", "UNDELIVERED"},
        {"ENROUTE", "SENT"},      {"ACCEPTD", "PENDING"}, {"DELETED", "FAILED"},
        {"UNKNOWN", "UNKNOWN"},   {"failed", "FAILED"},   {"WHATEVER", "UNKNOWN"}};
    for (const auto& [raw, canonical] : t23) {
        ASSERT_EQ(t23Dlr(R"({"messageId":"t23-all","status":")" + raw + R"("})", nowS()).status,
                  200);
        auto newest = adminLog("globex")->getArray("data")->getObject(0);
        EXPECT_EQ(newest->getValue<std::string>("rawStatus"), raw);
        EXPECT_EQ(newest->getValue<std::string>("status"), canonical) << raw;
    }
}

TEST_P(DeliveryReceipts, OutOfOrderAndDuplicateCallbacksNeverMoveTheStatusBack) {
    fake_.setDefault(respond(200, R"({"id":4242})"));
    start();
    auto id = sendAndSettle(kTenantKey, "+15550107777");
    retailDlr(R"({"id":4242,"status":"delivered"})");
    auto deliveredAt = message(kTenantKey, id)->getValue<std::string>("deliveredAt");
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    retailDlr(R"({"id":4242,"status":"sent"})");       // late
    retailDlr(R"({"id":4242,"status":"delivered"})");  // duplicate
    retailDlr(R"({"id":4242,"status":"failed"})");     // a second terminal status
    auto m = message(kTenantKey, id);
    EXPECT_EQ(m->getValue<std::string>("status"), "DELIVERED");
    EXPECT_EQ(m->getValue<std::string>("deliveredAt"), deliveredAt);
    EXPECT_TRUE(m->isNull("failedAt"));
    auto events = json(httpCall(port_, "GET", "/api/sms-delivery-log/" + std::to_string(id),
                                bearer(kTenantKey))
                           .body)
                      ->getArray("events");
    ASSERT_EQ(events->size(), 4u);  // every callback is logged
    EXPECT_TRUE(events->getObject(0)->getValue<bool>("applied"));
    for (unsigned i = 1; i < 4; ++i) EXPECT_FALSE(events->getObject(i)->getValue<bool>("applied"));
    // A failure that did not apply raises no failure event.
    auto failures = httpCall(port_, "GET", "/api/admin/failure-events",
                             {{"Authorization", std::string("Bearer ") + kAdminKey}});
    EXPECT_EQ(json(failures.body)->getArray("data")->size(), 0u);
}

TEST_P(DeliveryReceipts, AFailedDeliveryRaisesAFailureEvent) {
    fake_.setDefault(respond(200, R"({"id":5150})"));
    start();
    auto id = sendAndSettle(kTenantKey, "+15550107777");
    retailDlr(R"({"id":5150,"status":"undelivered","error_code":"EC_ABSENT"})");
    auto m = message(kTenantKey, id);
    EXPECT_EQ(m->getValue<std::string>("status"), "FAILED");
    EXPECT_FALSE(m->isNull("failedAt"));
    auto failures = json(httpCall(port_, "GET", "/api/admin/failure-events",
                                  {{"Authorization", std::string("Bearer ") + kAdminKey}})
                             .body)
                        ->getArray("data");
    ASSERT_EQ(failures->size(), 1u);
    EXPECT_EQ(failures->getObject(0)->getValue<std::int64_t>("messageId"), id);
    EXPECT_EQ(failures->getObject(0)->getValue<std::string>("source"), "delivery_receipt");
    EXPECT_EQ(failures->getObject(0)->getValue<std::string>("tenantId"), "acme");
}

TEST_P(DeliveryReceipts, InauthenticCallbacksAreAnswered200AndNeverProcessed) {
    fake_.setDefault(respond(200, R"({"id":999})"));
    start();
    auto id = sendAndSettle(kTenantKey, "+15550107777");
    const std::string body = R"({"id":999,"status":"delivered"})";
    const std::string good = opensslHmacSha256Hex(kRetailSecret, body);
    const std::vector<std::pair<std::string, HttpResult>> attempts = {
        {"missing signature", retailDlr(body, "")},
        {"wrong secret", retailDlr(body, opensslHmacSha256Hex("not-the-secret", body))},
        {"truncated", retailDlr(body, good.substr(0, 40))},
        {"tampered body", retailDlr(R"({"id":999,"status":"delivered" })", good)},
        {"other tenant's body", retailDlr(R"({"id":998,"status":"delivered"})", good)},
    };
    for (const auto& [name, r] : attempts) {
        EXPECT_EQ(r.status, 200) << name;
        EXPECT_EQ(lastWebhook()->getValue<std::string>("outcome"), "rejected") << name;
    }

    fake_.setDefault(respond(200, R"({"status":true,"results":[{"message_id":"t23-x"}]})"));
    auto t23Id = sendAndSettle(kOtherTenantKey, "+15550108888");
    const std::string t23Body = R"({"messageId":"t23-x","status":"DELIVRD"})";
    const std::vector<std::pair<std::string, HttpResult>> t23Attempts = {
        {"wrong token", t23Dlr(t23Body, nowS(), "not-the-token")},
        {"token prefix", t23Dlr(t23Body, nowS(), std::string(kT23Token).substr(0, 6))},
        {"missing token", t23Dlr(t23Body, nowS(), "")},
        {"stale timestamp", t23Dlr(t23Body, nowS() - 301)},
        // nowS() truncates: +301 s is only 300.x s ahead of a receive time late in the second.
        {"future timestamp", t23Dlr(t23Body, nowS() + 310)},
    };
    for (const auto& [name, r] : t23Attempts) {
        EXPECT_EQ(r.status, 200) << name;
        EXPECT_EQ(lastWebhook()->getValue<std::string>("outcome"), "rejected") << name;
    }
    // Provably not processed: no event logged, statuses untouched.
    EXPECT_EQ(eventCount(kTenantKey), 0u);
    EXPECT_EQ(eventCount(kOtherTenantKey), 0u);
    EXPECT_EQ(message(kTenantKey, id)->getValue<std::string>("status"), "SENT");
    EXPECT_EQ(message(kOtherTenantKey, t23Id)->getValue<std::string>("status"), "SENT");
    // ...and the real thing still works.
    EXPECT_EQ(t23Dlr(t23Body, nowS()).status, 200);
    EXPECT_EQ(message(kOtherTenantKey, t23Id)->getValue<std::string>("status"), "DELIVERED");
}

TEST_P(DeliveryReceipts, MalformedUnknownAndOversizedCallbacks) {
    fake_.setDefault(respond(200, R"({"id":31337})"));
    start();
    auto id = sendAndSettle(kTenantKey, "+15550107777");
    // Unknown reference while nothing is being sent: logged and discarded (a receipt that
    // overtakes a send in flight is parked instead; see the test after this one).
    EXPECT_EQ(retailDlr(R"({"id":1,"status":"delivered"})").status, 200);
    EXPECT_EQ(lastWebhook()->getValue<std::string>("outcome"), "ignored");
    // Neither provider's shape: logged and answered 200.
    EXPECT_EQ(retailDlr(R"({"ref":"x","status":"delivered"})").status, 200);
    EXPECT_EQ(lastWebhook()->getValue<std::string>("outcome"), "ignored");
    // Malformed JSON.
    EXPECT_EQ(retailDlr(R"({"id":31337,"status":)").status, 200);
    EXPECT_NE(lastWebhook()->getValue<std::string>("outcome"), "accepted");
    // Correctly signed, but declared as a form.
    const std::string body = R"({"id":31337,"status":"delivered"})";
    EXPECT_EQ(httpCall(port_, "POST", "/api/webhooks/sms",
                       {{"Content-Type", "application/x-www-form-urlencoded"},
                        {"X-Signature", opensslHmacSha256Hex(kRetailSecret, body)}},
                       body)
                  .status,
              200);
    EXPECT_EQ(lastWebhook()->getValue<std::string>("outcome"), "rejected");
    // Oversized: refused before any plugin sees it.
    const std::string big =
        R"({"id":31337,"status":"delivered","pad":")" + std::string(70000, 'x') + "\"}";
    try {
        EXPECT_EQ(retailDlr(big).status, 413);
    } catch (const std::exception&) {
        // The server may close the connection while the body is still being sent.
    }
    EXPECT_EQ(eventCount(), 0u);
    EXPECT_EQ(message(kTenantKey, id)->getValue<std::string>("status"), "SENT");
}

TEST_P(DeliveryReceipts, AReceiptThatOvertakesTheSendAnswerIsAppliedOnceTheAnswerIsStored) {
    // A fast provider: it reports delivery (and waits for our 200) before it answers the
    // send, so the receipt arrives while no message carries its reference yet.
    std::atomic<int> callbackStatus{0};
    ScriptedResponse answer = respond(200, R"({"id":777001})");
    answer.beforeAnswer = [&](const RecordedRequest&) {
        callbackStatus = retailDlr(R"({"id":777001,"status":"delivered"})").status;
    };
    fake_.setDefault(answer);
    start();
    auto r = httpCall(port_, "POST", "/api/sms/send", bearer(kTenantKey),
                      R"({"to":"+15550107777","message":"fast"})");
    ASSERT_EQ(r.status, 202) << r.body;
    const auto id = json(r.body)->getValue<std::int64_t>("id");
    std::string status;
    for (int i = 0; i < 250; ++i) {
        status = message(kTenantKey, id)->getValue<std::string>("status");
        if (status == "DELIVERED") break;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    EXPECT_EQ(callbackStatus.load(), 200);
    EXPECT_EQ(status, "DELIVERED");
    EXPECT_EQ(lastWebhook()->getValue<std::string>("outcome"), "parked");
    auto events = adminLog("acme")->getArray("data");
    ASSERT_EQ(events->size(), 1u);
    EXPECT_EQ(events->getObject(0)->getValue<std::string>("providerRef"), "777001");
    EXPECT_EQ(events->getObject(0)->getValue<std::string>("ip"), "127.0.0.1");
    Poco::Int64 parked = -1;
    storage_.open(1)->read([&](Poco::Data::Session& s) {
        s << "SELECT COUNT(*) FROM parked_receipts", Poco::Data::Keywords::into(parked),
            Poco::Data::Keywords::now;
    });
    EXPECT_EQ(parked, 0) << "the parked receipt was not consumed";
}

TEST_P(DeliveryReceipts, PaginationFiltersAndSummary) {
    start();
    // Three messages with known references, one contact each.
    std::vector<std::int64_t> ids;
    for (int ref : {101, 102, 103}) {
        fake_.setDefault(respond(200, R"({"id":)" + std::to_string(ref) + "}"));
        ids.push_back(sendAndSettle(kTenantKey, "+1555010" + std::to_string(7000 + ref)));
    }
    retailDlr(R"({"id":101,"status":"sent"})");
    retailDlr(R"({"id":101,"status":"delivered"})");
    retailDlr(R"({"id":102,"status":"sent"})");
    retailDlr(R"({"id":102,"status":"failed"})");
    retailDlr(R"({"id":103,"status":"delivered"})");  // 5 events: 2 delivered, 1 failed

    // Empty filter result, pages, last page, limit above the maximum.
    auto empty = log(kTenantKey, "?status=PENDING");
    EXPECT_EQ(empty->getArray("data")->size(), 0u);
    EXPECT_EQ(empty->getObject("pagination")->getValue<int>("total"), 0);
    EXPECT_EQ(empty->getObject("pagination")->getValue<int>("totalPages"), 0);
    auto first = log(kTenantKey, "?limit=2&page=1");
    EXPECT_EQ(first->getArray("data")->size(), 2u);
    EXPECT_EQ(first->getObject("pagination")->getValue<int>("totalPages"), 3);
    auto last = log(kTenantKey, "?limit=2&page=3");
    EXPECT_EQ(last->getArray("data")->size(), 1u);
    EXPECT_EQ(log(kTenantKey, "?limit=2&page=4")->getArray("data")->size(), 0u);
    auto capped = log(kTenantKey, "?limit=500");
    EXPECT_EQ(capped->getObject("pagination")->getValue<int>("limit"), 100);
    EXPECT_EQ(capped->getArray("data")->size(), 5u);

    // Each filter.
    EXPECT_EQ(log(kTenantKey, "?status=DELIVERED")->getObject("pagination")->getValue<int>("total"),
              2);
    // Tenants filter by channel name; instance ids mean nothing to them (proxy mode).
    EXPECT_EQ(
        log(kTenantKey, "?provider=Acme%20Direct")->getObject("pagination")->getValue<int>("total"),
        5);
    EXPECT_EQ(
        log(kTenantKey, "?provider=Switchboard")->getObject("pagination")->getValue<int>("total"),
        0);
    EXPECT_EQ(
        log(kTenantKey, "?provider=retail-main")->getObject("pagination")->getValue<int>("total"),
        0);
    // The admin filters by instance id.
    EXPECT_EQ(
        adminLog("acme", "&provider=retail-main")->getObject("pagination")->getValue<int>("total"),
        5);
    EXPECT_EQ(
        adminLog("acme", "&provider=t23-main")->getObject("pagination")->getValue<int>("total"), 0);
    EXPECT_EQ(log(kTenantKey, "?providerRef=102")->getObject("pagination")->getValue<int>("total"),
              2);
    auto contactId = message(kTenantKey, ids[2])->getValue<std::int64_t>("contactId");
    EXPECT_EQ(log(kTenantKey, "?contactId=" + std::to_string(contactId))
                  ->getObject("pagination")
                  ->getValue<int>("total"),
              1);
    EXPECT_EQ(log(kTenantKey, "?from=2000-01-01&to=2999-12-31")
                  ->getObject("pagination")
                  ->getValue<int>("total"),
              5);
    EXPECT_EQ(log(kTenantKey, "?to=2000-01-01")->getObject("pagination")->getValue<int>("total"),
              0);
    EXPECT_EQ(log(kTenantKey, "?from=2999-01-01T00:00:00Z")
                  ->getObject("pagination")
                  ->getValue<int>("total"),
              0);

    // Invalid filters name the parameter.
    for (const std::string bad :
         {"?status=LOST", "?from=yesterday", "?to=2026-13-40", "?contactId=abc", "?page=0",
          "?limit=-1", "?from=2026-02-02&to=2026-02-01"}) {
        auto r = httpCall(port_, "GET", "/api/sms-delivery-log" + bad, bearer(kTenantKey));
        EXPECT_EQ(r.status, 400) << bad;
        EXPECT_NE(r.body.find("invalid_parameter"), std::string::npos) << bad;
    }

    auto summary =
        json(httpCall(port_, "GET", "/api/sms-delivery-log/summary", bearer(kTenantKey)).body);
    EXPECT_EQ(summary->getValue<int>("totalEvents"), 5);
    EXPECT_EQ(summary->getValue<int>("delivered"), 2);
    EXPECT_DOUBLE_EQ(summary->getValue<double>("deliveredPercent"), 40.0);
    EXPECT_EQ(summary->getValue<int>("failed"), 1);
    EXPECT_DOUBLE_EQ(summary->getValue<double>("failedPercent"), 20.0);
    EXPECT_FALSE(summary->isNull("meanSecondsToDeliver"));
    EXPECT_GE(summary->getValue<double>("meanSecondsToDeliver"), 0.0);
    auto filtered = json(
        httpCall(port_, "GET", "/api/sms-delivery-log/summary?status=FAILED", bearer(kTenantKey))
            .body);
    EXPECT_EQ(filtered->getValue<int>("totalEvents"), 1);
    EXPECT_TRUE(filtered->isNull("meanSecondsToDeliver"));

    // Isolation: the other tenant sees no events, no counts, and not the message.
    EXPECT_EQ(
        json(httpCall(port_, "GET", "/api/sms-delivery-log/summary", bearer(kOtherTenantKey)).body)
            ->getValue<int>("totalEvents"),
        0);
    EXPECT_EQ(httpCall(port_, "GET", "/api/sms-delivery-log/" + std::to_string(ids[0]),
                       bearer(kOtherTenantKey))
                  .status,
              404);
}

TEST_P(DeliveryReceipts, SenderIpComesFromForwardedHeadersOnlyBehindATrustedProxy) {
    fake_.setDefault(respond(200, R"({"id":6060})"));
    start();
    sendAndSettle(kTenantKey, "+15550107777");
    retailDlr(R"({"id":6060,"status":"sent"})",
              opensslHmacSha256Hex(kRetailSecret, R"({"id":6060,"status":"sent"})"),
              {{"X-Forwarded-For", "203.0.113.9"}, {"X-Real-IP", "203.0.113.10"}});
    EXPECT_EQ(adminLog("acme")->getArray("data")->getObject(0)->getValue<std::string>("ip"),
              "127.0.0.1");
    service_->stop();

    start("  trusted_proxies: [\"127.0.0.1\"]\n");
    const std::string body = R"({"id":6060,"status":"delivered"})";
    retailDlr(body, opensslHmacSha256Hex(kRetailSecret, body),
              {{"X-Forwarded-For", "198.51.100.1, 203.0.113.9"}});
    EXPECT_EQ(adminLog("acme")->getArray("data")->getObject(0)->getValue<std::string>("ip"),
              "203.0.113.9");
}

INSTANTIATE_TEST_SUITE_P(Backends, DeliveryReceipts, ::testing::ValuesIn(storageBackends()),
                         backendName);

}  // namespace
}  // namespace switchboard::testing
