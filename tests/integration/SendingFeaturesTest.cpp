// Bulk send, Idempotency-Key and segment accounting through the real binary, with the
// Extreme instance sending to a fake ExtremeSMS server on loopback.
#include "support/FakeProviderServer.h"
#include "support/HttpCall.h"
#include "support/JsonApi.h"
#include "support/ServiceProcess.h"
#include "support/TempDir.h"
#include "support/TestDatabase.h"
#include "util/Digest.h"

#include <Poco/Data/Session.h>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <thread>

namespace switchboard::testing {
namespace {

using Poco::JSON::Object;

Headers tenant(const std::string& idempotencyKey = "") {
    Headers h = {{"Authorization", std::string("Bearer ") + kTenantKey},
                 {"Content-Type", "application/json"}};
    if (!idempotencyKey.empty()) h.emplace_back("Idempotency-Key", idempotencyKey);
    return h;
}

// Runs on SQLite and on PostgreSQL.
class SendingFeatures : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        port_ = freePort();
        const std::string dispatch =
            "dispatch:\n  poll_interval_ms: 50\n  backoff_initial_ms: 100\n"
            "messaging:\n  bulk_max_recipients: 5\n  max_segments: 3\n";
        service_ = std::make_unique<ServiceProcess>(
            dir_,
            serviceYamlOn(port_, storage_.storageYaml(), "http", fake_.baseUrl(), "", dispatch),
            port_,
            std::map<std::string, std::string>{
                {"SWITCHBOARD_TEST_CLOCK_OFFSET_FILE", dir_.file("clock-offset")}});
    }
    HttpResult post(const std::string& path, const std::string& body,
                    const Headers& headers = tenant()) {
        return httpCall(port_, "POST", path, headers, body);
    }
    int messageTotal() {
        return json(httpCall(port_, "GET", "/api/messages", tenant()).body)
            ->getObject("pagination")
            ->getValue<int>("total");
    }

    TempDir dir_;
    TestDatabase storage_{GetParam(), dir_};
    FakeProviderServer fake_;
    int port_ = 0;
    std::unique_ptr<ServiceProcess> service_;
};

TEST_P(SendingFeatures, BulkQueuesValidRecipientsAndReportsEachOne) {
    auto r = post(
        "/api/sms/bulk",
        R"({"recipients":["+15550100011","bogus","+15550100012","+15550100011","+15550100013"],)"
        R"("message":"Clinic closed Friday"})");
    ASSERT_EQ(r.status, 202) << r.body;
    auto body = json(r.body);
    EXPECT_EQ(body->getValue<int>("accepted"), 3);
    EXPECT_EQ(body->getValue<int>("rejected"), 2);
    auto results = body->getArray("results");
    ASSERT_EQ(results->size(), 5u);
    EXPECT_EQ(results->getObject(0)->getValue<std::string>("status"), "QUEUED");
    EXPECT_EQ(results->getObject(1)->getObject("error")->getValue<std::string>("code"),
              "invalid_phone");
    EXPECT_EQ(results->getObject(3)->getObject("error")->getValue<std::string>("code"),
              "duplicate_recipient");
    EXPECT_EQ(results->getObject(4)->getValue<std::string>("to"), "+15550100013");
    EXPECT_EQ(messageTotal(), 3);
    ASSERT_TRUE(fake_.waitForRequests(3, 5000));
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    EXPECT_EQ(fake_.requestCount(), 3u);
}

TEST_P(SendingFeatures, BulkAboveTheConfiguredMaximumIsRefusedWhole) {
    auto r = post(
        "/api/sms/bulk",
        R"({"recipients":["+15550100011","+15550100012","+15550100013","+15550100014","+15550100015",)"
        R"("+15550100016"],"message":"too many"})");
    EXPECT_EQ(r.status, 400);
    EXPECT_NE(r.body.find("too_many_recipients"), std::string::npos);
    EXPECT_EQ(post("/api/sms/bulk", R"({"recipients":[],"message":"none"})").status, 400);
    EXPECT_EQ(
        post("/api/sms/bulk", R"({"recipients":"+15550100011","message":"not a list"})").status,
        400);
    EXPECT_EQ(
        post("/api/sms/bulk", R"({"recipients":[15550100011],"message":"not strings"})").status,
        400);
    EXPECT_EQ(messageTotal(), 0);
}

TEST_P(SendingFeatures, ARepeatedIdempotencyKeyReturnsTheOriginalAndSendsNothingNew) {
    const std::string body = R"({"to":"+15550107777","message":"once only"})";
    auto first = post("/api/sms/send", body, tenant("order-4711"));
    ASSERT_EQ(first.status, 202) << first.body;
    ASSERT_TRUE(fake_.waitForRequests(1, 5000));
    auto second = post("/api/sms/send", body, tenant("order-4711"));
    EXPECT_EQ(second.status, 202);
    EXPECT_EQ(second.body, first.body);  // the original result, byte for byte
    EXPECT_EQ(second.header("Idempotent-Replayed"), "true");
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    EXPECT_EQ(fake_.requestCount(), 1u);
    EXPECT_EQ(messageTotal(), 1);

    // The same key for a different request is refused; a different key is a new send.
    auto other = post("/api/sms/send", R"({"to":"+15550107777","message":"something else"})",
                      tenant("order-4711"));
    EXPECT_EQ(other.status, 422);
    EXPECT_NE(other.body.find("idempotency_key_mismatch"), std::string::npos);
    EXPECT_EQ(post("/api/sms/send", body, tenant("order-4712")).status, 202);
    EXPECT_EQ(messageTotal(), 2);
    // Keys are per tenant: another tenant may use the same key.
    Headers globex = {{"Authorization", std::string("Bearer ") + kOtherTenantKey},
                      {"Content-Type", "application/json"},
                      {"Idempotency-Key", "order-4711"}};
    EXPECT_EQ(post("/api/sms/send", body, globex).status, 202);
}

TEST_P(SendingFeatures, AFailedRequestFreesItsKeyAndBadKeysAreRefused) {
    auto bad = post("/api/sms/send", R"({"to":"not-a-number","message":"hi"})", tenant("retry-me"));
    EXPECT_EQ(bad.status, 400);
    auto fixed =
        post("/api/sms/send", R"({"to":"+15550107777","message":"hi"})", tenant("retry-me"));
    EXPECT_EQ(fixed.status, 202) << fixed.body;
    EXPECT_EQ(post("/api/sms/send", R"({"to":"+15550107777","message":"hi"})",
                   tenant(std::string(256, 'k')))
                  .status,
              400);
    EXPECT_EQ(messageTotal(), 1);
}

TEST_P(SendingFeatures, AKeyAbandonedByADeadProcessIsRefusedForAMinuteThenRunsOnce) {
    // What a process killed between reserving the key and committing leaves behind: a
    // pending reservation and no message (the two commit together or not at all).
    const std::string body = R"({"to":"+15550107777","message":"after the crash"})";
    const auto reservedAt = std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::system_clock::now().time_since_epoch())
                                .count();
    auto db = storage_.open(1);
    db->write([&](Poco::Data::Session& s) {
        s << "INSERT INTO idempotency_keys (tenant_id, idempotency_key, endpoint, fingerprint, "
             "state, created_at) VALUES ('acme', 'crash-1', 'POST /api/sms/send', $1, "
             "'pending', $2)",
            Poco::Data::Keywords::bind(util::sha256Hex("POST /api/sms/send\n" + body)),
            Poco::Data::Keywords::bind(static_cast<Poco::Int64>(reservedAt)),
            Poco::Data::Keywords::now;
    });
    auto early = post("/api/sms/send", body, tenant("crash-1"));
    EXPECT_EQ(early.status, 409) << early.body;
    EXPECT_NE(early.body.find("idempotency_in_progress"), std::string::npos);
    EXPECT_EQ(messageTotal(), 0);

    dir_.write("clock-offset", "61000");  // a minute later: the reservation is abandoned
    auto retried = post("/api/sms/send", body, tenant("crash-1"));
    ASSERT_EQ(retried.status, 202) << retried.body;
    auto replayed = post("/api/sms/send", body, tenant("crash-1"));
    EXPECT_EQ(replayed.body, retried.body);
    EXPECT_EQ(replayed.header("Idempotent-Replayed"), "true");
    ASSERT_TRUE(fake_.waitForRequests(1, 5000));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    EXPECT_EQ(fake_.requestCount(), 1u);
    EXPECT_EQ(messageTotal(), 1);
}

TEST_P(SendingFeatures, ReplyAndBulkHonourIdempotencyKeys) {
    auto inbound = post("/api/webhook/extreme",
                        R"({"sender":"+15550109999","receiver":"+15550100001","message":"hi",)"
                        R"("id":"in-1","usedmodem":"1","port":"2"})",
                        {{"Content-Type", "application/json"}});
    ASSERT_EQ(inbound.status, 200);
    const std::string reply = R"({"conversationKey":"+15550109999","message":"hello back"})";
    auto a = post("/api/sms/reply", reply, tenant("reply-1"));
    auto b = post("/api/sms/reply", reply, tenant("reply-1"));
    EXPECT_EQ(a.status, 202);
    EXPECT_EQ(b.body, a.body);
    const std::string bulk = R"({"recipients":["+15550100011","+15550100012"],"message":"news"})";
    auto c = post("/api/sms/bulk", bulk, tenant("bulk-1"));
    auto d = post("/api/sms/bulk", bulk, tenant("bulk-1"));
    EXPECT_EQ(c.status, 202);
    EXPECT_EQ(d.body, c.body);
    EXPECT_EQ(json(httpCall(port_, "GET", "/api/messages?direction=outbound", tenant()).body)
                  ->getObject("pagination")
                  ->getValue<int>("total"),
              3);
}

TEST_P(SendingFeatures, EncodingAndSegmentsAreStoredAndTheLimitIsEnforced) {
    auto gsm = json(
        post("/api/sms/send", R"({"to":"+15550107777","message":")" + std::string(161, 'a') + "\"}")
            .body);
    EXPECT_EQ(gsm->getValue<std::string>("encoding"), "GSM-7");
    EXPECT_EQ(gsm->getValue<int>("segments"), 2);
    auto ucs = json(post("/api/sms/send", R"({"to":"+15550107777","message":"Привет 😀"})").body);
    EXPECT_EQ(ucs->getValue<std::string>("encoding"), "UCS-2");
    EXPECT_EQ(ucs->getValue<int>("segments"), 1);
    // max_segments: 3 in this configuration → 3 × 153 = 459 septets at most.
    EXPECT_EQ(
        post("/api/sms/send", R"({"to":"+15550107777","message":")" + std::string(459, 'a') + "\"}")
            .status,
        202);
    auto tooLong = post("/api/sms/send",
                        R"({"to":"+15550107777","message":")" + std::string(460, 'a') + "\"}");
    EXPECT_EQ(tooLong.status, 400);
    EXPECT_NE(tooLong.body.find("message_too_long"), std::string::npos);
    EXPECT_NE(tooLong.body.find("4 SMS segments"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Backends, SendingFeatures, ::testing::ValuesIn(storageBackends()),
                         backendName);

}  // namespace
}  // namespace switchboard::testing
