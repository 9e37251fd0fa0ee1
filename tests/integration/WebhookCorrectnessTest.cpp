// Webhook correctness as a provider and an operator meet it, end to end: the real binary with
// the real sb_twilio.so, a fake Twilio on loopback for sends, and callbacks signed by
// Twilio's official Node SDK (never by the code under test). Each test here fails on the code
// before issue 14:
//  - a status callback that lost its status never becomes an inbound message;
//  - a form body without a declared Content-Type is malformed, not parsed;
//  - a retried callback (same I-Twilio-Idempotency-Token) and a repeated MO are stored once;
//  - routes[].reject_status and the refusal counts of /api/admin/webhook/last;
//  - providers[].status_callback_route picks the URL sends carry;
//  - the sender that went on the wire is stored and returned;
//  - GET /api/admin/messages traces a provider's id to the message.
#include "plugins/twilio/TwilioNodeOracle.h"
#include "support/FakeProviderServer.h"
#include "support/FormBodies.h"
#include "support/HttpCall.h"
#include "support/JsonApi.h"
#include "support/ServiceProcess.h"
#include "support/TempDir.h"
#include "support/TestDatabase.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/URI.h>
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <thread>

namespace switchboard::testing {
namespace {

using Poco::JSON::Object;
using Params = FormParams;

constexpr const char* kAccountSid = "AC0123456789abcdef0123456789abcdef";
constexpr const char* kAuthToken = "e2e-twilio-auth-token-0123456789abcdef";
constexpr const char* kAcmeNumber = "+15550100001";
constexpr const char* kRoute = "/api/webhooks/twilio";
constexpr const char* kStatusRoute = "/api/webhooks/twilio-status";
constexpr const char* kPublicBase = "https://sms.example.com";
constexpr const char* kSid = "SM0123456789abcdef0123456789abcdef";
constexpr const char* kInboundSid = "SMaaaabbbbccccddddeeeeffff00001111";
constexpr const char* kFormType = "application/x-www-form-urlencoded";

Headers tenantAuth() {
    return {{"Authorization", std::string("Bearer ") + kTenantKey},
            {"Content-Type", "application/json"}};
}
Headers adminAuth() { return {{"Authorization", std::string("Bearer ") + kAdminKey}}; }

/// `routeExtra` is appended to the Twilio route; `providerExtra` to the instance (both
/// indented already); `secondRoute` adds the status route serving the same instance.
std::string yamlFor(int port, const std::string& storageBlock, const std::string& twilioBaseUrl,
                    const std::string& routeExtra, const std::string& providerExtra,
                    bool secondRoute) {
    return "server:\n  bind: 127.0.0.1\n  port: " + std::to_string(port) +
           "\n  max_body_bytes: 65536\n  public_base_url: " + kPublicBase + "\n" + storageBlock +
           "plugins:\n  directory: " SWITCHBOARD_PLUGIN_DIR
           "\n"
           "dispatch:\n  poll_interval_ms: 50\n  backoff_initial_ms: 100\n  max_attempts: 3\n"
           "admin:\n  api_key: ${SB_ADMIN_KEY}\n"
           "providers:\n"
           "  - id: twilio-main\n    plugin: twilio\n" +
           providerExtra + "    config:\n      account_sid: " + kAccountSid +
           "\n      auth_token: ${SB_TWILIO_AUTH_TOKEN}\n      base_url: " + twilioBaseUrl +
           "\n      from: \"" + kAcmeNumber + "\"\nroutes:\n  - path: " + kRoute +
           "\n    providers: [twilio-main]\n" + routeExtra +
           (secondRoute
                ? std::string("  - path: ") + kStatusRoute + "\n    providers: [twilio-main]\n"
                : std::string()) +
           "tenants:\n  - id: acme\n    name: Acme\n    default_provider: twilio-main\n"
           "    numbers: [\"" +
           kAcmeNumber + "\"]\n    api_keys: [\"${SB_TENANT_KEY}\"]\n";
}

class WebhookCorrectness : public ::testing::TestWithParam<std::string> {
  protected:
    void start(const std::string& routeExtra = "", const std::string& providerExtra = "",
               bool secondRoute = false) {
        fake_.setDefault(
            respond(201, std::string(R"({"sid":")") + kSid + R"(","status":"queued"})"));
        port_ = freePort();
        service_ = std::make_unique<ServiceProcess>(
            dir_,
            yamlFor(port_, storage_.storageYaml(), fake_.baseUrl(), routeExtra, providerExtra,
                    secondRoute),
            port_, std::map<std::string, std::string>{{"SB_TWILIO_AUTH_TOKEN", kAuthToken}});
    }

    /// Sends without a `from` and waits until the fake Twilio's answer is stored.
    std::int64_t sendAndSettle() {
        auto r = httpCall(port_, "POST", "/api/sms/send", tenantAuth(),
                          R"({"to":"+14155551234","message":"Track me"})");
        EXPECT_EQ(r.status, 202) << r.body;
        const auto id = json(r.body)->getValue<std::int64_t>("id");
        for (int i = 0; i < 300 && message(id)->getValue<std::string>("status") == "QUEUED"; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        EXPECT_EQ(message(id)->getValue<std::string>("status"), "SENT");
        return id;
    }

    Object::Ptr message(std::int64_t id) {
        return json(
            httpCall(port_, "GET", "/api/messages/" + std::to_string(id), tenantAuth()).body);
    }

    /// Posts `params` as Twilio would, signed over the route's public URL with `token`.
    HttpResult post(const Params& params, const std::string& route = kRoute,
                    const std::string& contentType = kFormType,
                    const std::string& token = kAuthToken, const std::string& idempotency = "") {
        Headers headers = {
            {"User-Agent", "TwilioProxy/1.1"},
            {"X-Twilio-Signature", twilio::twilioSignature(token, kPublicBase + route, params)}};
        if (!contentType.empty()) headers.emplace_back("Content-Type", contentType);
        if (!idempotency.empty()) headers.emplace_back("I-Twilio-Idempotency-Token", idempotency);
        return httpCall(port_, "POST", route, headers, formEncode(params));
    }

    Object::Ptr webhookLast() {
        return json(httpCall(port_, "GET", "/api/admin/webhook/last", adminAuth()).body);
    }
    Object::Ptr lastEvent() { return webhookLast()->getObject("event"); }

    int inboundTotal() {
        return json(httpCall(port_, "GET", "/api/admin/messages?direction=inbound", adminAuth())
                        .body)
            ->getObject("pagination")
            ->getValue<int>("total");
    }
    std::size_t deliveryEvents(std::int64_t id) {
        return json(httpCall(port_, "GET", "/api/sms-delivery-log/" + std::to_string(id),
                             tenantAuth())
                        .body)
            ->getArray("events")
            ->size();
    }

    static Params statusCallback(const std::string& status) {
        Params p = {{"SmsSid", kSid},      {"MessageSid", kSid},   {"AccountSid", kAccountSid},
                    {"From", kAcmeNumber}, {"To", "+14155551234"}, {"ApiVersion", "2010-04-01"}};
        if (!status.empty()) {
            p.emplace_back("SmsStatus", status);
            p.emplace_back("MessageStatus", status);
        }
        return p;
    }
    static Params inbound(const std::string& text) {
        return {{"SmsMessageSid", kInboundSid},
                {"NumMedia", "0"},
                {"SmsSid", kInboundSid},
                {"SmsStatus", "received"},
                {"Body", text},
                {"To", kAcmeNumber},
                {"MessageSid", kInboundSid},
                {"AccountSid", kAccountSid},
                {"From", "+14155551234"},
                {"ApiVersion", "2010-04-01"}};
    }

    TempDir dir_;
    TestDatabase storage_{GetParam(), dir_};
    FakeProviderServer fake_;
    int port_ = 0;
    std::unique_ptr<ServiceProcess> service_;
};

TEST_P(WebhookCorrectness, AStatusCallbackWithoutAStatusNeverBecomesAnInboundMessage) {
    start();
    const auto id = sendAndSettle();

    // Signed, about our message, but with neither MessageStatus nor SmsStatus (nor Body).
    auto r = post(statusCallback(""));
    EXPECT_EQ(r.status, 200) << r.body;  // the SPEC's default: the sender learns nothing
    auto event = lastEvent();
    EXPECT_EQ(event->getValue<std::string>("outcome"), "rejected");
    EXPECT_EQ(event->getValue<std::string>("reasonCode"), "malformed");

    // Even a plugin that reads such a callback as an MO (an empty Body) cannot make one: its
    // id is the provider reference of a message we sent.
    Params withBody = statusCallback("");
    withBody.emplace_back("Body", "");
    EXPECT_EQ(post(withBody).status, 200);
    event = lastEvent();
    EXPECT_EQ(event->getValue<std::string>("outcome"), "rejected");
    EXPECT_EQ(event->getValue<std::string>("reasonCode"), "malformed");
    EXPECT_NE(event->getValue<std::string>("reason").find(kSid), std::string::npos);

    EXPECT_EQ(inboundTotal(), 0);
    EXPECT_EQ(message(id)->getValue<std::string>("status"), "SENT");
    EXPECT_EQ(deliveryEvents(id), 0u);
    auto refusals = webhookLast()->getObject("refusals");
    EXPECT_EQ(refusals->getValue<int>("total"), 2);
    EXPECT_EQ(refusals->getObject("byReason")->getValue<int>("malformed"), 2);

    // A real message is never refused for its id: a provider that numbers MO and MT apart
    // (a modem gateway) may reuse one.
    Params real = inbound("a real reply");
    for (auto& [key, value] : real)
        if (key == "MessageSid" || key == "SmsSid" || key == "SmsMessageSid") value = kSid;
    EXPECT_EQ(post(real).status, 200);
    EXPECT_EQ(lastEvent()->getValue<std::string>("outcome"), "accepted");
    EXPECT_EQ(inboundTotal(), 1);
}

TEST_P(WebhookCorrectness, AFormBodyWithoutADeclaredContentTypeIsMalformed) {
    start();
    EXPECT_EQ(post(inbound("no type"), kRoute, "").status, 200);
    EXPECT_EQ(lastEvent()->getValue<std::string>("outcome"), "rejected");
    EXPECT_EQ(lastEvent()->getValue<std::string>("reasonCode"), "malformed");
    EXPECT_EQ(inboundTotal(), 0);
    // The same request declaring its form is stored.
    EXPECT_EQ(post(inbound("typed")).status, 200);
    EXPECT_EQ(lastEvent()->getValue<std::string>("outcome"), "accepted");
    EXPECT_EQ(inboundTotal(), 1);
}

TEST_P(WebhookCorrectness, RetriedCallbacksAndRepeatedMessagesAreStoredOnce) {
    start();
    const auto id = sendAndSettle();
    // Twilio retries a status callback with the same I-Twilio-Idempotency-Token.
    for (int attempt = 0; attempt < 3; ++attempt)
        EXPECT_EQ(post(statusCallback("delivered"), kRoute, kFormType, kAuthToken,
                       "7b2e0a5c-1111-2222-3333-444455556666")
                      .status,
                  200);
    EXPECT_EQ(lastEvent()->getValue<std::string>("outcome"), "duplicate");
    EXPECT_EQ(message(id)->getValue<std::string>("status"), "DELIVERED");
    EXPECT_EQ(deliveryEvents(id), 1u);
    // A callback Twilio did not number is a callback of its own, logged as the SPEC says.
    EXPECT_EQ(post(statusCallback("delivered")).status, 200);
    EXPECT_EQ(lastEvent()->getValue<std::string>("outcome"), "accepted");
    EXPECT_EQ(deliveryEvents(id), 2u);

    // The same MO twice (the MessageSid names it) is one inbound message.
    EXPECT_EQ(post(inbound("hello")).status, 200);
    EXPECT_EQ(post(inbound("hello")).status, 200);
    EXPECT_EQ(lastEvent()->getValue<std::string>("outcome"), "duplicate");
    EXPECT_EQ(inboundTotal(), 1);
}

TEST_P(WebhookCorrectness, ARouteMayAnswerRejectionsWithItsRejectStatus) {
    start("    reject_status: 403\n");
    auto forged = post(inbound("forged"), kRoute, kFormType, "not-the-auth-token");
    EXPECT_EQ(forged.status, 403) << forged.body;
    auto error = json(forged.body)->getObject("error");
    ASSERT_TRUE(error) << forged.body;
    EXPECT_EQ(error->getValue<std::string>("code"), "webhook_rejected");
    EXPECT_EQ(error->getValue<std::string>("message").rfind("signature: ", 0), 0u) << forged.body;
    EXPECT_EQ(forged.body.find(kAuthToken), std::string::npos);

    auto untyped = post(inbound("untyped"), kRoute, "");
    EXPECT_EQ(untyped.status, 403) << untyped.body;
    EXPECT_NE(untyped.body.find("malformed"), std::string::npos) << untyped.body;

    // An authentic one is still answered as Twilio expects.
    auto good = post(inbound("good"));
    EXPECT_EQ(good.status, 200);
    EXPECT_NE(good.body.find("<Response/>"), std::string::npos) << good.body;

    auto refusals = webhookLast()->getObject("refusals");
    EXPECT_EQ(refusals->getValue<int>("total"), 2);
    EXPECT_EQ(refusals->getObject("byReason")->getValue<int>("signature"), 1);
    EXPECT_EQ(refusals->getObject("byReason")->getValue<int>("malformed"), 1);
    EXPECT_FALSE(refusals->getValue<std::string>("since").empty());
    EXPECT_EQ(inboundTotal(), 1);
}

TEST_P(WebhookCorrectness, SendsCarryTheStatusCallbackRouteTheOperatorNamed) {
    start("", std::string("    status_callback_route: ") + kStatusRoute + "\n", true);
    sendAndSettle();
    ASSERT_EQ(fake_.requestCount(), 1u);
    EXPECT_EQ(formFields(fake_.requests().front().body)["StatusCallback"],
              std::string(kPublicBase) + kStatusRoute);
}

TEST_P(WebhookCorrectness, TheSenderOnTheWireIsStoredAndTheProviderIdTracesTheMessage) {
    start();
    const auto id = sendAndSettle();
    // No "from" in the request: Twilio's instance sender went on the wire, and is shown.
    EXPECT_EQ(formFields(fake_.requests().front().body)["From"], kAcmeNumber);
    EXPECT_EQ(message(id)->getValue<std::string>("from"), kAcmeNumber);

    auto found = json(
        httpCall(port_, "GET", std::string("/api/admin/messages?providerRef=") + kSid, adminAuth())
            .body);
    ASSERT_EQ(found->getArray("data")->size(), 1u);
    auto m = found->getArray("data")->getObject(0);
    EXPECT_EQ(m->getValue<std::int64_t>("id"), id);
    EXPECT_EQ(m->getValue<std::string>("tenantId"), "acme");
    EXPECT_EQ(m->getValue<std::string>("provider"), "twilio-main");
    EXPECT_EQ(m->getValue<std::string>("providerRef"), kSid);
    EXPECT_EQ(m->getValue<std::string>("direction"), "outbound");

    ASSERT_EQ(post(inbound("hi")).status, 200);
    auto in = json(httpCall(port_, "GET",
                            std::string("/api/admin/messages?direction=inbound&providerRef=") +
                                kInboundSid + "&provider=twilio-main",
                            adminAuth())
                       .body);
    ASSERT_EQ(in->getArray("data")->size(), 1u);
    EXPECT_EQ(in->getArray("data")->getObject(0)->getValue<std::string>("message"), "hi");
    auto none =
        json(httpCall(port_, "GET", "/api/admin/messages?providerRef=SMnothing", adminAuth()).body);
    EXPECT_EQ(none->getObject("pagination")->getValue<int>("total"), 0);

    auto bad = httpCall(port_, "GET", "/api/admin/messages?direction=sideways", adminAuth());
    EXPECT_EQ(bad.status, 400);
    EXPECT_EQ(json(bad.body)->getObject("error")->getValue<std::string>("code"),
              "invalid_parameter");
    EXPECT_EQ(httpCall(port_, "GET", "/api/admin/messages", tenantAuth()).status, 401);
}

INSTANTIATE_TEST_SUITE_P(Backends, WebhookCorrectness, ::testing::ValuesIn(storageBackends()),
                         backendName);

}  // namespace
}  // namespace switchboard::testing
