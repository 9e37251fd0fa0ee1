// Twilio end to end: the real switchboard binary with the real sb_twilio.so.
//  - Conformance: Stoplight Prism serves a mock of Twilio's API from Twilio's own OpenAPI
//    description (../shared/conformance/twilio_api_v2010.json) and validates every request
//    against it; a tenant's send through it must end SENT with the mock's sid.
//  - A fake Twilio (a real HTTP server in this process) answers 429 + Retry-After, 500 and
//    400 21211 with Twilio's error JSON, and records the exact send requests.
//  - Webhooks (inbound SMS, status callbacks) are signed by Twilio's official Node SDK over
//    the public URL (server.public_base_url + route), never by the code under test.
#include "plugins/twilio/TwilioNodeOracle.h"
#include "support/FakeProviderServer.h"
#include "support/FormBodies.h"
#include "support/HttpCall.h"
#include "support/JsonApi.h"
#include "support/ServiceProcess.h"
#include "support/TempDir.h"
#include "support/TestDatabase.h"

#include <Poco/Base64Encoder.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Process.h>
#include <Poco/String.h>
#include <Poco/URI.h>
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <regex>
#include <sstream>
#include <thread>

namespace switchboard::testing {
namespace {

using Poco::JSON::Object;
using Params = FormParams;

constexpr const char* kAccountSid = "AC0123456789abcdef0123456789abcdef";
constexpr const char* kAuthToken = "e2e-twilio-auth-token-0123456789abcdef";
constexpr const char* kAcmeNumber = "+15550100001";
constexpr const char* kRoute = "/api/webhooks/twilio";
constexpr const char* kSid = "SM0123456789abcdef0123456789abcdef";
constexpr const char* kTwiml = R"(<?xml version="1.0" encoding="UTF-8"?><Response/>)";

Headers tenantAuth() {
    return {{"Authorization", std::string("Bearer ") + kTenantKey},
            {"Content-Type", "application/json"}};
}
Headers adminAuth() { return {{"Authorization", std::string("Bearer ") + kAdminKey}}; }

std::string base64(const std::string& data) {
    std::ostringstream out;
    Poco::Base64Encoder encoder(out);
    encoder.rdbuf()->setLineLength(0);
    encoder << data;
    encoder.close();
    return out.str();
}

// A YAML configuration written out by hand: `storageBlock` (TestDatabase::storageYaml()), one
// Twilio instance at `twilioBaseUrl`, its webhook route, tenant acme owning +15550100001 with
// Twilio as its provider.
std::string yamlFor(int port, const std::string& storageBlock, const std::string& twilioBaseUrl,
                    const std::string& publicBaseUrl) {
    return "server:\n  bind: 127.0.0.1\n  port: " + std::to_string(port) +
           "\n  max_body_bytes: 65536\n  public_base_url: " + publicBaseUrl + "\n" + storageBlock +
           "plugins:\n  directory: " SWITCHBOARD_PLUGIN_DIR
           "\n"
           "dispatch:\n  poll_interval_ms: 50\n  backoff_initial_ms: 100\n  max_attempts: 3\n"
           "  connect_timeout_ms: 2000\n  read_timeout_ms: 5000\n"
           "admin:\n  api_key: ${SB_ADMIN_KEY}\n"
           "providers:\n"
           "  - id: twilio-main\n    plugin: twilio\n    config:\n"
           "      account_sid: " +
           std::string(kAccountSid) +
           "\n      auth_token: ${SB_TWILIO_AUTH_TOKEN}\n      base_url: " + twilioBaseUrl +
           "\n      from: \"" + kAcmeNumber +
           "\"\n"
           "routes:\n  - path: " +
           kRoute +
           "\n    providers: [twilio-main]\n"
           "tenants:\n"
           "  - id: acme\n    name: Acme\n    business_name: Acme Clinic\n"
           "    default_provider: twilio-main\n    numbers: [\"" +
           kAcmeNumber + "\"]\n    api_keys: [\"${SB_TENANT_KEY}\"]\n";
}

// Runs on SQLite and on PostgreSQL.
class TwilioEndToEnd : public ::testing::TestWithParam<std::string> {
  protected:
    void start(const std::string& twilioBaseUrl, const std::string& publicBaseUrl) {
        port_ = freePort();
        publicBaseUrl_ = publicBaseUrl;
        service_ = std::make_unique<ServiceProcess>(
            dir_, yamlFor(port_, storage_.storageYaml(), twilioBaseUrl, publicBaseUrl), port_,
            std::map<std::string, std::string>{{"SB_TWILIO_AUTH_TOKEN", kAuthToken}});
    }

    std::int64_t send(const std::string& to, const std::string& text) {
        Object body;
        body.set("to", to);
        body.set("message", text);
        std::ostringstream out;
        body.stringify(out);
        auto r = httpCall(port_, "POST", "/api/sms/send", tenantAuth(), out.str());
        EXPECT_EQ(r.status, 202) << r.body;
        return json(r.body)->getValue<std::int64_t>("id");
    }

    Object::Ptr message(std::int64_t id) {
        return json(
            httpCall(port_, "GET", "/api/messages/" + std::to_string(id), tenantAuth()).body);
    }
    std::string messageText(std::int64_t id) {
        return httpCall(port_, "GET", "/api/messages/" + std::to_string(id), tenantAuth()).body;
    }

    /// Polls the tenant's view until the message leaves QUEUED (or `timeoutMs`).
    Object::Ptr waitSettled(std::int64_t id, int timeoutMs = 10000) {
        auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
        Object::Ptr m;
        do {
            m = message(id);
            if (m->getValue<std::string>("status") != "QUEUED") return m;
            std::this_thread::sleep_for(std::chrono::milliseconds(30));
        } while (std::chrono::steady_clock::now() < deadline);
        return m;
    }

    /// Posts a form webhook to the Twilio route as Twilio would, with `signature` (none if
    /// empty).
    HttpResult webhook(const Params& params, const std::string& signature) {
        Headers headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                           {"User-Agent", "TwilioProxy/1.1"}};
        if (!signature.empty()) headers.emplace_back("X-Twilio-Signature", signature);
        return httpCall(port_, "POST", kRoute, headers, formEncode(params));
    }

    Object::Ptr lastWebhook() {
        return json(httpCall(port_, "GET", "/api/admin/webhook/last", adminAuth()).body)
            ->getObject("event");
    }
    int inboxTotal() {
        return json(httpCall(port_, "GET", "/api/messages?direction=inbox", tenantAuth()).body)
            ->getObject("pagination")
            ->getValue<int>("total");
    }

    static Params inboundSms(const std::string& body) {
        return {{"ToCountry", "US"},
                {"SmsMessageSid", "SMaaaabbbbccccddddeeeeffff00001111"},
                {"NumMedia", "0"},
                {"SmsSid", "SMaaaabbbbccccddddeeeeffff00001111"},
                {"SmsStatus", "received"},
                {"Body", body},
                {"To", kAcmeNumber},
                {"NumSegments", "1"},
                {"MessageSid", "SMaaaabbbbccccddddeeeeffff00001111"},
                {"AccountSid", kAccountSid},
                {"From", "+14155551234"},
                {"ApiVersion", "2010-04-01"}};
    }
    static Params statusCallback(const std::string& status) {
        return {{"SmsSid", kSid},       {"SmsStatus", status},       {"MessageStatus", status},
                {"To", "+14155551234"}, {"MessageSid", kSid},        {"AccountSid", kAccountSid},
                {"From", kAcmeNumber},  {"ApiVersion", "2010-04-01"}};
    }

    static void expectTwiml(const HttpResult& r, const std::string& context) {
        EXPECT_EQ(r.status, 200) << context;
        EXPECT_EQ(r.header("Content-Type").rfind("text/xml", 0), 0u)
            << context << ": " << r.header("Content-Type");
        EXPECT_EQ(r.body, kTwiml) << context;
    }

    /// Every "next_in_ms=" the dispatcher logged for `outcome` (e.g. provider_throttled).
    std::vector<long long> retryDelays(const std::string& outcome) {
        std::vector<long long> delays;
        const std::regex pattern("outcome=" + outcome + " next_in_ms=([0-9]+)");
        const std::string log = service_->log();
        for (std::sregex_iterator it(log.begin(), log.end(), pattern), end; it != end; ++it)
            delays.push_back(std::stoll((*it)[1]));
        return delays;
    }

    TempDir dir_;
    TestDatabase storage_{GetParam(), dir_};
    FakeProviderServer fake_;
    int port_ = 0;
    std::string publicBaseUrl_;
    std::unique_ptr<ServiceProcess> service_;
};

// ---- conformance against Twilio's OpenAPI description --------------------------------------

// Prism on loopback, started for each test of this fixture and killed (by its own pid) in
// TearDown. Failing to start fails the test: conformance is not optional.
class TwilioPrismConformance : public TwilioEndToEnd {
  protected:
    void SetUp() override {
        const std::string prism = std::string(SWITCHBOARD_NODE_DIR) + "/node_modules/.bin/prism";
        const std::string spec =
            std::string(SWITCHBOARD_SOURCE_DIR) + "/../shared/conformance/twilio_api_v2010.json";
        prismPort_ = freePort();
        prismLog_ = dir_.file("prism.log");
        Poco::Process::Env env;
        env["PRISM_LOG"] = prismLog_;
        // exec through sh only to send both streams to a file; the pid is then Prism's own.
        Poco::Process::Args args = {
            "-c", "exec \"$@\" >\"$PRISM_LOG\" 2>&1", "sh", prism, "mock", "-h", "127.0.0.1",
            "-p", std::to_string(prismPort_),         spec};
        prismHandle_ = std::make_unique<Poco::ProcessHandle>(
            Poco::Process::launch("/bin/sh", args, dir_.path(), nullptr, nullptr, nullptr, env));
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
        while (std::chrono::steady_clock::now() < deadline) {
            try {
                httpCall(prismPort_, "GET", "/");
                return;  // any answer: Prism is listening
            } catch (const std::exception&) {
                // not listening yet
            }
            if (!Poco::Process::isRunning(*prismHandle_)) break;
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
        }
        FAIL() << "Prism did not start within 30 s (" << prism << " mock " << spec << "); log:\n"
               << prismLogText();
    }
    void TearDown() override {
        if (prismHandle_ && Poco::Process::isRunning(*prismHandle_)) {
            Poco::Process::kill(*prismHandle_);
            prismHandle_->wait();
        }
    }
    std::string prismLogText() const {
        try {
            return readFile(prismLog_);
        } catch (const std::exception&) {
            return {};
        }
    }
    std::string prismUrl() const { return "http://127.0.0.1:" + std::to_string(prismPort_); }

    int prismPort_ = 0;
    std::string prismLog_;
    std::unique_ptr<Poco::ProcessHandle> prismHandle_;
};

TEST_P(TwilioPrismConformance, ASendIsAcceptedByTwiliosOpenApiMock) {
    start(prismUrl(), "https://sms.example.com");
    auto id = send("+14155551234", "Hello from Acme & friends: caf\xC3\xA9, 10% off \xE2\x9C\x93");
    auto settled = waitSettled(id);
    // FAILED would mean Prism refused the request (422 invalid body, 401 no basic auth) or
    // the plugin could not read its 201.
    EXPECT_EQ(settled->getValue<std::string>("status"), "SENT") << messageText(id) << "\n"
                                                                << prismLogText();
    EXPECT_EQ(settled->getValue<int>("attempts"), 1);
    // The sid is the one in the 201 example of Twilio's OpenAPI description.
    auto detail = json(
        httpCall(port_, "GET", "/api/sms-delivery-log/" + std::to_string(id), tenantAuth()).body);
    EXPECT_EQ(detail->getObject("message")->getValue<std::string>("providerRef"),
              "SMaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    const std::string log = prismLogText();
    EXPECT_NE(log.find("The request passed the validation rules"), std::string::npos) << log;
    EXPECT_EQ(log.find("did not pass the validation rules"), std::string::npos) << log;
}

TEST_P(TwilioPrismConformance, TheMockRefusesWhatTwilioWouldRefuse) {
    // The same mock that accepted the plugin's request rejects a send without basic auth and
    // a send without To, so its acceptance above means something.
    const std::string path = std::string("/2010-04-01/Accounts/") + kAccountSid + "/Messages.json";
    const Headers form = {{"Content-Type", "application/x-www-form-urlencoded"},
                          {"Accept", "application/json"}};
    auto noAuth =
        httpCall(prismPort_, "POST", path, form, "To=%2B14155551234&From=%2B15550100001&Body=x");
    EXPECT_EQ(noAuth.status, 401) << noAuth.body;
    Headers withAuth = form;
    withAuth.emplace_back("Authorization",
                          "Basic " + base64(std::string(kAccountSid) + ":" + kAuthToken));
    auto noTo = httpCall(prismPort_, "POST", path, withAuth, "From=%2B15550100001&Body=x");
    EXPECT_EQ(noTo.status, 422) << noTo.body;
    auto ok = httpCall(prismPort_, "POST", path, withAuth,
                       "To=%2B14155551234&From=%2B15550100001&Body=x");
    EXPECT_EQ(ok.status, 201) << ok.body;
}

// ---- sends against a fake Twilio -----------------------------------------------------------

TEST_P(TwilioEndToEnd, ASendIsTheDocumentedFormPostWithBasicAuthAndStatusCallback) {
    fake_.setDefault(respond(201, std::string(R"({"sid":")") + kSid + R"(","status":"queued"})"));
    start(fake_.baseUrl(), "https://sms.example.com");
    auto id = send("+14155551234", "Hi there + welcome");
    EXPECT_EQ(waitSettled(id)->getValue<std::string>("status"), "SENT");
    ASSERT_EQ(fake_.requestCount(), 1u);
    auto request = fake_.requests().front();
    EXPECT_EQ(request.method, "POST");
    EXPECT_EQ(request.uri, std::string("/2010-04-01/Accounts/") + kAccountSid + "/Messages.json");
    EXPECT_EQ(request.header("Authorization"),
              "Basic " + base64(std::string(kAccountSid) + ":" + kAuthToken));
    EXPECT_EQ(request.header("Content-Type").rfind("application/x-www-form-urlencoded", 0), 0u);
    auto fields = formFields(request.body);
    EXPECT_EQ(fields["To"], "+14155551234");
    EXPECT_EQ(fields["From"], kAcmeNumber);
    EXPECT_EQ(fields["Body"], "Hi there + welcome");
    // Twilio posts status callbacks to the public URL of the instance's route.
    EXPECT_EQ(fields["StatusCallback"], std::string("https://sms.example.com") + kRoute);
    EXPECT_EQ(fields.size(), 4u) << request.body;
}

TEST_P(TwilioEndToEnd, TooManyRequestsIsThrottledHonouringRetryAfterThenSent) {
    start(fake_.baseUrl(), "https://sms.example.com");
    auto throttled = respond(
        429,
        R"({"code":20429,"message":"Too Many Requests","more_info":"https://www.twilio.com/docs/errors/20429","status":429})");
    throttled.headers = {{"Retry-After", "1"}};
    fake_.enqueue(throttled);
    fake_.enqueue(respond(201, std::string(R"({"sid":")") + kSid + R"(","status":"queued"})"));
    const auto before = std::chrono::steady_clock::now();
    auto id = send("+14155551234", "Throttled first");
    auto settled = waitSettled(id);
    EXPECT_EQ(settled->getValue<std::string>("status"), "SENT");
    EXPECT_EQ(settled->getValue<int>("attempts"), 2);
    EXPECT_GE(std::chrono::steady_clock::now() - before, std::chrono::milliseconds(1000));
    auto requests = fake_.requests();
    ASSERT_EQ(requests.size(), 2u);
    EXPECT_EQ(requests[0].body, requests[1].body);  // the retry is the same request
    auto delays = retryDelays("provider_throttled");
    ASSERT_EQ(delays.size(), 1u) << service_->log();
    EXPECT_GE(delays.front(), 1000);  // Retry-After: 1 s, above the 100 ms backoff
}

TEST_P(TwilioEndToEnd, AServerErrorIsRetriedThenSent) {
    start(fake_.baseUrl(), "https://sms.example.com");
    fake_.enqueue(respond(
        500,
        R"({"code":20500,"message":"An internal server error has occurred","more_info":"https://www.twilio.com/docs/errors/20500","status":500})"));
    fake_.enqueue(respond(201, std::string(R"({"sid":")") + kSid + R"(","status":"queued"})"));
    auto id = send("+14155551234", "Retry me");
    auto settled = waitSettled(id);
    EXPECT_EQ(settled->getValue<std::string>("status"), "SENT");
    EXPECT_EQ(settled->getValue<int>("attempts"), 2);
    EXPECT_EQ(fake_.requestCount(), 2u);
    EXPECT_EQ(retryDelays("provider_retry").size(), 1u) << service_->log();
    EXPECT_TRUE(retryDelays("provider_throttled").empty());
}

TEST_P(TwilioEndToEnd, AnInvalidNumberIsRejectedAndTwiliosTextStaysInternal) {
    start(fake_.baseUrl(), "https://sms.example.com");
    fake_.setDefault(respond(
        400,
        R"({"code":21211,"message":"The 'To' number +15005550001 is not a valid phone number.","more_info":"https://www.twilio.com/docs/errors/21211","status":400})"));
    auto id = send("+15005550001", "Hello");
    auto settled = waitSettled(id);
    EXPECT_EQ(settled->getValue<std::string>("status"), "FAILED");
    EXPECT_EQ(settled->getValue<std::string>("errorCode"), "provider_rejected");
    EXPECT_EQ(settled->getValue<int>("attempts"), 1);
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    EXPECT_EQ(fake_.requestCount(), 1u);  // final: never retried
    const std::string tenantView = messageText(id);
    for (const char* hidden :
         {"not a valid phone number", "21211", "twilio", "Twilio", "127.0.0.1"})
        EXPECT_EQ(tenantView.find(hidden), std::string::npos) << hidden << " in " << tenantView;
    // The operator's log keeps Twilio's code for diagnosis.
    EXPECT_NE(service_->log().find("21211"), std::string::npos);
}

// ---- inbound webhooks, signed by Twilio's Node SDK -----------------------------------------

TEST_P(TwilioEndToEnd, SignedInboundIsStoredAndAnsweredWithTwimlBehindA443PublicUrl) {
    // The operator's public URL spells the default port; Twilio signs the URL without it.
    start(fake_.baseUrl(), "https://sms.example.com:443");
    const Params params = inboundSms("Can I book Tuesday? caf\xC3\xA9 + 2");
    const std::string signature = twilio::twilioSignature(
        kAuthToken, std::string("https://sms.example.com") + kRoute, params);
    expectTwiml(webhook(params, signature), "signed inbound");
    auto last = lastWebhook();
    EXPECT_EQ(last->getValue<std::string>("outcome"), "accepted")
        << last->getValue<std::string>("reason");
    EXPECT_EQ(last->getValue<std::string>("provider"), "twilio-main");
    EXPECT_EQ(last->getValue<std::string>("tenantId"), "acme");
    auto inbox = json(httpCall(port_, "GET", "/api/messages?direction=inbox", tenantAuth()).body)
                     ->getArray("data");
    ASSERT_EQ(inbox->size(), 1u);
    EXPECT_EQ(inbox->getObject(0)->getValue<std::string>("from"), "+14155551234");
    EXPECT_EQ(inbox->getObject(0)->getValue<std::string>("message"),
              "Can I book Tuesday? caf\xC3\xA9 + 2");

    // Tampered after signing, unsigned, signed with another token: answered exactly alike
    // (SPEC item 5), logged as rejected, never stored.
    Params tampered = inboundSms("Can I book Wednesday? caf\xC3\xA9 + 2");
    const std::vector<std::pair<std::string, HttpResult>> attempts = {
        {"tampered", webhook(tampered, signature)},
        {"unsigned", webhook(params, "")},
        {"other token",
         webhook(params,
                 twilio::twilioSignature("another-auth-token",
                                         std::string("https://sms.example.com") + kRoute, params))},
        {"signed for another URL",
         webhook(params,
                 twilio::twilioSignature(
                     kAuthToken, "https://evil.example.com" + std::string(kRoute), params))},
    };
    for (const auto& [name, r] : attempts) {
        expectTwiml(r, name);
        EXPECT_EQ(lastWebhook()->getValue<std::string>("outcome"), "rejected") << name;
    }
    EXPECT_EQ(inboxTotal(), 1);
}

TEST_P(TwilioEndToEnd, SignedInboundVerifiesWhenTwilioSignedThePortTheOperatorLeftOut) {
    start(fake_.baseUrl(), "https://sms.example.com");
    const Params params = inboundSms("Port 443 signed");
    const std::string signature = twilio::twilioSignature(
        kAuthToken, std::string("https://sms.example.com:443") + kRoute, params);
    expectTwiml(webhook(params, signature), "signed with :443");
    EXPECT_EQ(lastWebhook()->getValue<std::string>("outcome"), "accepted");
    EXPECT_EQ(inboxTotal(), 1);
}

// ---- status callbacks ------------------------------------------------------------------------

TEST_P(TwilioEndToEnd, StatusCallbacksMoveTheMessageToDelivered) {
    fake_.setDefault(respond(201, std::string(R"({"sid":")") + kSid + R"(","status":"queued"})"));
    start(fake_.baseUrl(), "https://sms.example.com");
    auto id = send("+14155551234", "Track me");
    ASSERT_EQ(waitSettled(id)->getValue<std::string>("status"), "SENT");
    // Twilio calls back the StatusCallback it was given and signs that URL.
    const std::string callbackUrl = formFields(fake_.requests().front().body)["StatusCallback"];
    ASSERT_EQ(callbackUrl, std::string("https://sms.example.com") + kRoute);

    // A forged "delivered" first: answered 200 TwiML, not processed.
    expectTwiml(
        webhook(statusCallback("delivered"),
                twilio::twilioSignature("not-the-token", callbackUrl, statusCallback("delivered"))),
        "forged");
    EXPECT_EQ(lastWebhook()->getValue<std::string>("outcome"), "rejected");
    EXPECT_EQ(message(id)->getValue<std::string>("status"), "SENT");

    for (const std::string status : {"sent", "delivered"}) {
        const Params params = statusCallback(status);
        expectTwiml(webhook(params, twilio::twilioSignature(kAuthToken, callbackUrl, params)),
                    status);
        EXPECT_EQ(lastWebhook()->getValue<std::string>("outcome"), "accepted") << status;
    }
    auto m = message(id);
    EXPECT_EQ(m->getValue<std::string>("status"), "DELIVERED");
    EXPECT_FALSE(m->isNull("deliveredAt"));

    auto detail =
        json(httpCall(port_, "GET",
                      "/api/admin/sms-delivery-log/" + std::to_string(id) + "?tenantId=acme",
                      adminAuth())
                 .body);
    EXPECT_EQ(detail->getObject("message")->getValue<std::string>("providerRef"), kSid);
    auto events = detail->getArray("events");
    ASSERT_EQ(events->size(), 2u);  // the forged callback left no trace in the log
    EXPECT_EQ(events->getObject(0)->getValue<std::string>("rawStatus"), "sent");
    EXPECT_EQ(events->getObject(0)->getValue<std::string>("status"), "SENT");
    EXPECT_EQ(events->getObject(1)->getValue<std::string>("rawStatus"), "delivered");
    EXPECT_EQ(events->getObject(1)->getValue<std::string>("status"), "DELIVERED");
}

TEST_P(TwilioEndToEnd, AnUndeliveredCallbackCarriesTwiliosErrorCode) {
    fake_.setDefault(respond(201, std::string(R"({"sid":")") + kSid + R"(","status":"queued"})"));
    start(fake_.baseUrl(), "https://sms.example.com");
    auto id = send("+14155551234", "Unreachable");
    ASSERT_EQ(waitSettled(id)->getValue<std::string>("status"), "SENT");
    Params params = statusCallback("undelivered");
    params.emplace_back("ErrorCode", "30003");
    expectTwiml(
        webhook(params, twilio::twilioSignature(
                            kAuthToken, std::string("https://sms.example.com") + kRoute, params)),
        "undelivered");
    EXPECT_EQ(message(id)->getValue<std::string>("status"), "UNDELIVERED");
    auto events =
        json(httpCall(port_, "GET",
                      "/api/admin/sms-delivery-log/" + std::to_string(id) + "?tenantId=acme",
                      adminAuth())
                 .body)
            ->getArray("events");
    ASSERT_EQ(events->size(), 1u);
    EXPECT_EQ(events->getObject(0)->getValue<std::string>("rawStatus"), "undelivered");
    EXPECT_EQ(events->getObject(0)->getValue<std::string>("errorCode"), "30003");
    // The tenant learns the outcome, not Twilio's error code or name.
    auto mine = httpCall(port_, "GET", "/api/sms-delivery-log/" + std::to_string(id), tenantAuth());
    EXPECT_EQ(mine.status, 200);
    EXPECT_NE(mine.body.find("UNDELIVERED"), std::string::npos);
    EXPECT_EQ(mine.body.find("30003"), std::string::npos) << mine.body;
    EXPECT_EQ(Poco::toLower(mine.body).find("twilio"), std::string::npos) << mine.body;
}

INSTANTIATE_TEST_SUITE_P(Backends, TwilioEndToEnd, ::testing::ValuesIn(storageBackends()),
                         backendName);
INSTANTIATE_TEST_SUITE_P(Backends, TwilioPrismConformance, ::testing::ValuesIn(storageBackends()),
                         backendName);

}  // namespace
}  // namespace switchboard::testing
