// End to end: the real switchboard binary with the real sb_extreme.so, talking HTTP over
// loopback to a fake ExtremeSMS server (a real HTTP server in this process). Checks the
// exact provider requests, retries, rejections, routing and the stored state as the
// tenant API shows it.
#include "support/FakeProviderServer.h"
#include "support/HttpCall.h"
#include "support/JsonApi.h"
#include "support/ServiceProcess.h"
#include "support/TempDir.h"
#include "support/TestDatabase.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <set>
#include <thread>

namespace switchboard::testing {
namespace {

using Poco::JSON::Object;

std::set<std::string> keysOf(const Object& o) {
    std::set<std::string> keys;
    for (const auto& [k, v] : o) keys.insert(k);
    return keys;
}

Headers tenantAuth(const char* key = kTenantKey) {
    return {{"Authorization", std::string("Bearer ") + key}, {"Content-Type", "application/json"}};
}

Headers adminAuth() { return {{"Authorization", std::string("Bearer ") + kAdminKey}}; }

// Runs on SQLite and on PostgreSQL.
class ExtremeEndToEnd : public ::testing::TestWithParam<std::string> {
  protected:
    void startService(const std::string& transport = "http", const std::string& extraConfig = "",
                      const std::string& dispatch = "") {
        port_ = freePort();
        service_ =
            std::make_unique<ServiceProcess>(dir_,
                                             serviceYamlOn(port_, storage_.storageYaml(), transport,
                                                           fake_.baseUrl(), extraConfig, dispatch),
                                             port_);
    }

    HttpResult post(const std::string& path, const std::string& body,
                    const Headers& headers = tenantAuth()) {
        return httpCall(port_, "POST", path, headers, body);
    }
    HttpResult get(const std::string& path, const Headers& headers = tenantAuth()) {
        return httpCall(port_, "GET", path, headers);
    }

    std::int64_t sendSms(const std::string& to, const std::string& text) {
        auto r = post("/api/sms/send", R"({"to":")" + to + R"(","message":")" + text + R"("})");
        EXPECT_EQ(r.status, 202) << r.body;
        return json(r.body)->getValue<std::int64_t>("id");
    }

    std::int64_t inbound(const std::string& payload, const Headers& extra = {}) {
        Headers headers = {{"Content-Type", "application/json"}};
        headers.insert(headers.end(), extra.begin(), extra.end());
        auto r = post("/api/webhook/extreme", payload, headers);
        EXPECT_EQ(r.status, 200) << r.body;
        auto last = json(get("/api/admin/webhook/last", adminAuth()).body)->getObject("event");
        return last && !last->isNull("messageId") ? last->getValue<std::int64_t>("messageId") : 0;
    }

    /// Polls the tenant's view of a message until it leaves QUEUED (or `timeoutMs`).
    Object::Ptr waitSettled(std::int64_t id, int timeoutMs = 8000, const char* key = kTenantKey) {
        auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
        Object::Ptr message;
        do {
            message = json(get("/api/messages/" + std::to_string(id), tenantAuth(key)).body);
            if (message->getValue<std::string>("status") != "QUEUED") return message;
            std::this_thread::sleep_for(std::chrono::milliseconds(30));
        } while (std::chrono::steady_clock::now() < deadline);
        return message;
    }

    TempDir dir_;
    TestDatabase storage_{GetParam(), dir_};
    FakeProviderServer fake_;
    int port_ = 0;
    std::unique_ptr<ServiceProcess> service_;
};

constexpr const char* kInbound =
    R"({"sender":"+15550109999","receiver":"+15550100001","message":"Can I book Tuesday?","id":"ext-1001","usedmodem":"3","port":"12"})";

TEST_P(ExtremeEndToEnd, InitialSendCarriesNoModemOrPortAndUsesBearerJson) {
    startService();
    auto id = sendSms("+15550107777", "Welcome to Acme");
    auto settled = waitSettled(id);
    EXPECT_EQ(settled->getValue<std::string>("status"), "SENT");
    ASSERT_EQ(fake_.requestCount(), 1u);
    auto request = fake_.requests().front();
    EXPECT_EQ(request.method, "POST");
    EXPECT_EQ(request.uri, "/api/v2/sms/sendsingle");
    EXPECT_EQ(request.header("Authorization"), std::string("Bearer ") + kExtremeKey);
    EXPECT_EQ(request.header("Content-Type").rfind("application/json", 0), 0u);
    auto body = json(request.body);
    EXPECT_EQ(keysOf(*body), (std::set<std::string>{"recipient", "message"}));
    EXPECT_EQ(body->getValue<std::string>("recipient"), "+15550107777");
    EXPECT_EQ(body->getValue<std::string>("message"), "Welcome to Acme");
    // The contact was captured on first send.
    auto contacts = json(get("/api/contacts").body)->getArray("data");
    ASSERT_EQ(contacts->size(), 1u);
    EXPECT_EQ(contacts->getObject(0)->getValue<std::string>("phone"), "+15550107777");
    EXPECT_EQ(contacts->getObject(0)->getValue<std::string>("business"), "Acme Clinic");
}

TEST_P(ExtremeEndToEnd, ReplyCarriesTheInboundModemAndPort) {
    startService();
    auto inboundId = inbound(kInbound);
    ASSERT_GT(inboundId, 0);
    // The inbound landed in acme's inbox (receiver is acme's number) and created the contact.
    auto inbox = json(get("/api/messages?direction=inbox").body);
    ASSERT_EQ(inbox->getArray("data")->size(), 1u);
    EXPECT_EQ(inbox->getArray("data")->getObject(0)->getValue<std::string>("from"), "+15550109999");
    EXPECT_EQ(json(get("/api/contacts").body)->getObject("pagination")->getValue<int>("total"), 1);

    auto r = post("/api/sms/reply", R"({"inboundMessageId":)" + std::to_string(inboundId) +
                                        R"(,"message":"Yes, 10:00"})");
    ASSERT_EQ(r.status, 202) << r.body;
    auto reply = json(r.body);
    EXPECT_EQ(reply->getValue<std::string>("kind"), "reply");
    EXPECT_EQ(reply->getValue<std::int64_t>("replyToMessageId"), inboundId);
    EXPECT_EQ(waitSettled(reply->getValue<std::int64_t>("id"))->getValue<std::string>("status"),
              "SENT");

    // By conversation key too.
    r = post("/api/sms/reply", R"({"conversationKey":"+15550109999","message":"See you"})");
    ASSERT_EQ(r.status, 202) << r.body;
    waitSettled(json(r.body)->getValue<std::int64_t>("id"));

    ASSERT_EQ(fake_.requestCount(), 2u);
    for (const auto& request : fake_.requests()) {
        auto body = json(request.body);
        EXPECT_EQ(keysOf(*body),
                  (std::set<std::string>{"recipient", "message", "usemodem", "port"}));
        EXPECT_EQ(body->getValue<std::string>("recipient"), "+15550109999");
        EXPECT_EQ(body->getValue<std::string>("usemodem"), "3");
        EXPECT_EQ(body->getValue<std::string>("port"), "12");
        EXPECT_EQ(request.header("Authorization"), std::string("Bearer ") + kExtremeKey);
    }
}

TEST_P(ExtremeEndToEnd, ServerErrorIsRetriedAndEndsSent) {
    startService();
    fake_.enqueue(respond(500, R"({"error":"temporary"})"));
    fake_.enqueue(respond(200, R"({"success":true,"id":"ext-77"})"));
    auto id = sendSms("+15550107777", "Retry me");
    auto settled = waitSettled(id);
    EXPECT_EQ(settled->getValue<std::string>("status"), "SENT");
    EXPECT_EQ(settled->getValue<int>("attempts"), 2);
    EXPECT_EQ(fake_.requestCount(), 2u);
    auto requests = fake_.requests();
    EXPECT_EQ(requests[0].body, requests[1].body);  // the retry is the same request
}

TEST_P(ExtremeEndToEnd, RejectionIsFinalAndTheProviderReasonStaysInternal) {
    startService();
    fake_.setDefault(
        respond(400, R"({"success":false,"message":"Recipient blacklisted at ExtremeSMS"})"));
    auto id = sendSms("+15550107777", "Hello");
    auto settled = waitSettled(id);
    EXPECT_EQ(settled->getValue<std::string>("status"), "FAILED");
    EXPECT_EQ(settled->getValue<std::string>("errorCode"), "provider_rejected");
    EXPECT_EQ(settled->getValue<int>("attempts"), 1);
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    EXPECT_EQ(fake_.requestCount(), 1u);  // never retried
    // Proxy mode: the tenant never sees the provider, its URL or its error text.
    std::string tenantView = get("/api/messages/" + std::to_string(id)).body;
    EXPECT_EQ(tenantView.find("blacklisted"), std::string::npos);
    EXPECT_EQ(tenantView.find("xtreme"), std::string::npos);
    EXPECT_EQ(tenantView.find("127.0.0.1"), std::string::npos);
}

TEST_P(ExtremeEndToEnd, RetriesStopAtMaxAttempts) {
    startService();
    fake_.setDefault(respond(503, "unavailable", "text/plain"));
    auto settled = waitSettled(sendSms("+15550107777", "Never arrives"));
    EXPECT_EQ(settled->getValue<std::string>("status"), "FAILED");
    EXPECT_EQ(settled->getValue<std::string>("errorCode"), "retries_exhausted");
    EXPECT_EQ(fake_.requestCount(), 3u);  // max_attempts: 3 in the test config
}

TEST_P(ExtremeEndToEnd, DryRunRecordsTheExactRequestWithTheSecretMasked) {
    startService("dry-run");
    auto inboundId = inbound(kInbound);
    auto r = post("/api/sms/reply",
                  R"({"inboundMessageId":)" + std::to_string(inboundId) + R"(,"message":"Dry"})");
    ASSERT_EQ(r.status, 202);
    auto id = json(r.body)->getValue<std::int64_t>("id");
    EXPECT_EQ(waitSettled(id)->getValue<std::string>("status"), "SENT");
    EXPECT_EQ(fake_.requestCount(), 0u);  // nothing left the machine
    auto records = get("/api/admin/dry-run?messageId=" + std::to_string(id), adminAuth());
    ASSERT_EQ(records.status, 200);
    EXPECT_EQ(records.body.find(kExtremeKey), std::string::npos);
    auto record = json(records.body)->getArray("data")->getObject(0);
    EXPECT_EQ(record->getValue<std::string>("url"), fake_.baseUrl() + "/api/v2/sms/sendsingle");
    EXPECT_EQ(record->getObject("headers")->getValue<std::string>("Authorization"), "Bearer ****");
    auto body = json(record->getValue<std::string>("body"));
    EXPECT_EQ(body->getValue<std::string>("usemodem"), "3");
    EXPECT_EQ(body->getValue<std::string>("port"), "12");
}

TEST_P(ExtremeEndToEnd, ReplyReadinessShowsTheReplyRequestWithoutSendingOrStoring) {
    startService();
    auto none = get("/api/admin/reply-readiness?tenantId=acme", adminAuth());
    EXPECT_EQ(none.status, 404);
    EXPECT_NE(none.body.find("no_inbound"), std::string::npos);

    auto inboundId = inbound(kInbound);
    const std::string before = get("/api/messages").body;
    auto r = get("/api/admin/reply-readiness?tenantId=acme", adminAuth());
    ASSERT_EQ(r.status, 200) << r.body;
    auto check = json(r.body);
    EXPECT_TRUE(check->getValue<bool>("ready"));
    EXPECT_EQ(check->getValue<std::int64_t>("inboundMessageId"), inboundId);
    auto request = check->getObject("request");
    EXPECT_EQ(request->getValue<std::string>("url"), fake_.baseUrl() + "/api/v2/sms/sendsingle");
    EXPECT_EQ(request->getObject("headers")->getValue<std::string>("Authorization"), "Bearer ****");
    auto body = json(request->getValue<std::string>("body"));
    EXPECT_EQ(body->getValue<std::string>("recipient"), "+15550109999");
    EXPECT_EQ(body->getValue<std::string>("usemodem"), "3");
    EXPECT_EQ(body->getValue<std::string>("port"), "12");
    EXPECT_EQ(r.body.find(kExtremeKey), std::string::npos);
    // Nothing was sent or stored.
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    EXPECT_EQ(fake_.requestCount(), 0u);
    EXPECT_EQ(get("/api/messages").body, before);
    EXPECT_EQ(get("/api/admin/reply-readiness?tenantId=acme", tenantAuth()).status, 401);
    EXPECT_EQ(get("/api/admin/reply-readiness?tenantId=nobody", adminAuth()).status, 404);
}

TEST_P(ExtremeEndToEnd, UnknownReceiverIsStoredUnlinkedThenRoutedByLearnedModemPort) {
    startService();
    // Unassigned receiver, modem/port never seen: stored, not dropped, linked to no tenant.
    auto unlinked = inbound(
        R"({"sender":"+15550101111","receiver":"+19990000000","message":"lost?","id":"a1","usedmodem":"9","port":"1"})");
    EXPECT_GT(unlinked, 0);
    EXPECT_EQ(json(get("/api/messages").body)->getObject("pagination")->getValue<int>("total"), 0);
    auto last = json(get("/api/admin/webhook/last", adminAuth()).body)->getObject("event");
    EXPECT_EQ(last->getObject("routing")->getValue<std::string>("routedBy"), "unlinked");

    // Traffic to acme's number through modem 5/port 2 teaches the route table...
    inbound(
        R"({"sender":"+15550102222","receiver":"+15550100001","message":"hi","id":"a2","usedmodem":5,"port":2})");
    auto routes = json(get("/api/admin/modem-routes", adminAuth()).body)->getArray("data");
    ASSERT_EQ(routes->size(), 1u);
    EXPECT_EQ(routes->getObject(0)->getValue<std::string>("tenantId"), "acme");
    EXPECT_EQ(routes->getObject(0)->getValue<std::string>("source"), "traffic");
    // ...so a later message through that modem/port with an unknown receiver reaches acme.
    inbound(
        R"({"sender":"+15550103333","receiver":"MODEM5","message":"via route","id":"a3","usedmodem":"5","port":"2"})");
    last = json(get("/api/admin/webhook/last", adminAuth()).body)->getObject("event");
    EXPECT_EQ(last->getValue<std::string>("tenantId"), "acme");
    EXPECT_EQ(last->getObject("routing")->getValue<std::string>("routedBy"), "modem_route");

    // A manual override wins over traffic.
    auto put =
        httpCall(port_, "PUT", "/api/admin/modem-routes",
                 {{"Authorization", std::string("Bearer ") + kAdminKey},
                  {"Content-Type", "application/json"}},
                 R"({"provider":"extreme-main","modem":"5","port":"2","tenantId":"globex"})");
    ASSERT_EQ(put.status, 200) << put.body;
    inbound(
        R"({"sender":"+15550104444","receiver":"MODEM5","message":"now globex","id":"a4","usedmodem":"5","port":"2"})");
    last = json(get("/api/admin/webhook/last", adminAuth()).body)->getObject("event");
    EXPECT_EQ(last->getValue<std::string>("tenantId"), "globex");
    inbound(
        R"({"sender":"+15550105555","receiver":"+15550100001","message":"acme again","id":"a5","usedmodem":"5","port":"2"})");
    routes = json(get("/api/admin/modem-routes", adminAuth()).body)->getArray("data");
    EXPECT_EQ(routes->getObject(0)->getValue<std::string>("tenantId"), "globex");
    EXPECT_EQ(routes->getObject(0)->getValue<std::string>("source"), "manual");
}

TEST_P(ExtremeEndToEnd, DuplicateWebhookDeliveryIsStoredOnce) {
    startService();
    inbound(kInbound);
    inbound(kInbound);
    EXPECT_EQ(json(get("/api/messages?direction=inbound").body)
                  ->getObject("pagination")
                  ->getValue<int>("total"),
              1);
    auto last = json(get("/api/admin/webhook/last", adminAuth()).body)->getObject("event");
    EXPECT_EQ(last->getValue<std::string>("outcome"), "duplicate");
}

TEST_P(ExtremeEndToEnd, SharedSecretWebhooksAreRejectedQuietlyAndNeverStored) {
    startService("http", "webhook_secret: wh-secret-0123456789");
    for (const Headers& headers : {Headers{}, Headers{{"X-Webhook-Secret", "wrong-secret"}},
                                   Headers{{"X-Webhook-Secret", "wh-secret-012345678"}}}) {
        auto r = post("/api/webhook/extreme", kInbound, [&] {
            Headers h = {{"Content-Type", "application/json"}};
            h.insert(h.end(), headers.begin(), headers.end());
            return h;
        }());
        EXPECT_EQ(r.status, 200);  // the sender learns nothing
        auto last = json(get("/api/admin/webhook/last", adminAuth()).body)->getObject("event");
        EXPECT_EQ(last->getValue<std::string>("outcome"), "rejected");
        EXPECT_TRUE(last->isNull("messageId"));
    }
    EXPECT_EQ(json(get("/api/messages").body)->getObject("pagination")->getValue<int>("total"), 0);
    EXPECT_GT(inbound(kInbound, {{"X-Webhook-Secret", "wh-secret-0123456789"}}), 0);
    EXPECT_EQ(json(get("/api/messages").body)->getObject("pagination")->getValue<int>("total"), 1);
    EXPECT_EQ(service_->log().find("wh-secret-0123456789"), std::string::npos);
}

TEST_P(ExtremeEndToEnd, MalformedWebhookIsRecordedAndNotStored) {
    startService();
    for (const std::string& body : {std::string("{not json"), std::string("[1,2]"),
                                    std::string(R"({"sender":"+15550109999"})")}) {
        auto r = post("/api/webhook/extreme", body, {{"Content-Type", "application/json"}});
        EXPECT_EQ(r.status, 200) << body;
    }
    EXPECT_EQ(json(get("/api/messages").body)->getObject("pagination")->getValue<int>("total"), 0);
    auto events =
        json(get("/api/admin/webhook/events?limit=50", adminAuth()).body)->getArray("data");
    ASSERT_EQ(events->size(), 3u);
    for (std::size_t i = 0; i < events->size(); ++i)
        EXPECT_NE(events->getObject(static_cast<unsigned>(i))->getValue<std::string>("outcome"),
                  "accepted");
}

TEST_P(ExtremeEndToEnd, SigtermFinishesAnInFlightDispatchAndExitsZero) {
    startService();
    fake_.setDefault(respond(200, R"({"success":true,"id":"slow-1"})", "application/json", 1200));
    auto id = sendSms("+15550107777", "Slow provider");
    ASSERT_TRUE(fake_.waitForRequests(1, 5000));
    EXPECT_EQ(service_->stop(SIGTERM), 0);
    // The attempt in flight at SIGTERM was completed and stored before exit.
    fake_.setDefault(respond(200, R"({"success":true,"id":"second"})"));
    service_ = std::make_unique<ServiceProcess>(
        dir_, serviceYamlOn(port_, storage_.storageYaml(), "http", fake_.baseUrl()), port_);
    auto message = json(get("/api/messages/" + std::to_string(id)).body);
    EXPECT_EQ(message->getValue<std::string>("status"), "SENT");
    EXPECT_EQ(fake_.requestCount(), 1u);
}

TEST_P(ExtremeEndToEnd, LogsCarryOneLinePerWebhookAndAttemptAndNoSecrets) {
    startService();
    inbound(kInbound);
    waitSettled(sendSms("+15550107777", "Logged"));
    EXPECT_EQ(service_->stop(SIGTERM), 0);
    std::string log = service_->log();
    EXPECT_NE(log.find("webhook route=/api/webhook/extreme provider=extreme-main"),
              std::string::npos)
        << log;
    EXPECT_NE(log.find("dispatch message="), std::string::npos) << log;
    for (const char* secret : {kExtremeKey, kTenantKey, kOtherTenantKey, kAdminKey})
        EXPECT_EQ(log.find(secret), std::string::npos) << secret;
}

INSTANTIATE_TEST_SUITE_P(Backends, ExtremeEndToEnd, ::testing::ValuesIn(storageBackends()),
                         backendName);

}  // namespace
}  // namespace switchboard::testing
