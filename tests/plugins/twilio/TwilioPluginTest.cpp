// Tests the built sb_twilio.so through the host's own loader and ABI wrapper, so what is
// covered is exactly what the service will run: descriptor checks, JSON across the C
// boundary, and the codec's behaviour on fixture payloads (see fixtures/README.md).
// Every signature used here was computed by Twilio's official Node SDK (fixtures/*.sig), not
// by the code under test; TwilioSignatureOracleTest.cpp runs that SDK live over many more
// URLs and parameter sets.
#include "support/PluginTestHarness.h"

#include <Poco/Base64Encoder.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <gtest/gtest.h>

#include <cctype>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#ifndef SWITCHBOARD_TWILIO_FIXTURES
#error "SWITCHBOARD_TWILIO_FIXTURES must name tests/plugins/twilio/fixtures"
#endif

namespace {

using Poco::JSON::Object;
using switchboard::plugin::HookResult;
using switchboard::plugin::ProviderInstance;
using switchboard::plugin::WebhookRequest;
using switchboard::testing::expectNoFailuresAcrossThreads;
using switchboard::testing::expectRejected;
using switchboard::testing::keysOf;
using switchboard::testing::parseEvent;
using switchboard::testing::parseJson;
using switchboard::testing::sendRequest;
using switchboard::testing::sendResult;
using switchboard::testing::statusTableOf;

constexpr const char* kAccountSid = "AC0123456789abcdef0123456789abcdef";
constexpr const char* kServiceSid = "MG0123456789abcdef0123456789abcdef";
constexpr const char* kFrom = "+15550100001";
constexpr const char* kPublicUrl = "https://sms.example.com/api/webhooks/twilio";
constexpr const char* kDefaultSendUrl =
    "https://api.twilio.com/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Messages.json";
constexpr const char* kSid = "SM1f0e8ae6ade43cb3c0ce4525424e404f";
constexpr const char* kTwiml = R"(<?xml version="1.0" encoding="UTF-8"?><Response/>)";

std::string fixture(const std::string& name) {
    return switchboard::testing::readFixture(SWITCHBOARD_TWILIO_FIXTURES, name);
}

std::string fixtureValue(const std::string& name) {
    return switchboard::testing::readFixtureValue(SWITCHBOARD_TWILIO_FIXTURES, name);
}

const std::string& authToken() {
    static const std::string value = fixtureValue("auth_token.txt");
    return value;
}

std::string base64(const std::string& data) {
    std::ostringstream out;
    Poco::Base64Encoder encoder(out);
    encoder.rdbuf()->setLineLength(0);
    encoder << data;
    encoder.close();
    return out.str();
}

// A webhook as the host hands it over: publicUrl = public base URL + path (+ '?' + query).
WebhookRequest webhook(const std::string& body, const std::string& signature = {},
                       const std::string& publicUrl = kPublicUrl,
                       const std::string& contentType = "application/x-www-form-urlencoded") {
    WebhookRequest request;
    request.method = "POST";
    request.path = "/api/webhooks/twilio";
    const auto q = publicUrl.find('?');
    if (q != std::string::npos) request.query = publicUrl.substr(q + 1);
    if (!contentType.empty()) request.headers.emplace_back("content-type", contentType);
    request.headers.emplace_back("user-agent", "TwilioProxy/1.1");
    request.headers.emplace_back("i-twilio-idempotency-token",
                                 "7b2e0a5c-1111-2222-3333-444455556666");
    if (!signature.empty()) request.headers.emplace_back("x-twilio-signature", signature);
    request.body = body;
    request.remoteAddr = "54.172.60.1";
    request.publicUrl = publicUrl;
    request.receivedAtMs = 1767225600000;
    return request;
}

// A fixture body with its oracle signature.
WebhookRequest signedWebhook(const std::string& bodyFixture, const std::string& sigFixture,
                             const std::string& publicUrl = kPublicUrl) {
    return webhook(fixture(bodyFixture), fixtureValue(sigFixture), publicUrl);
}

std::string outbound(const std::string& to, const std::string& text, const std::string& from = {},
                     const std::string& callback = kPublicUrl,
                     const std::string& kind = "initial") {
    return switchboard::testing::outboundMessage(
        kind, to, text, from.empty() ? std::nullopt : std::optional<std::string>(from),
        kind == "reply" ? Object::Ptr(new Object) : Object::Ptr(),
        callback.empty() ? std::nullopt : std::optional<std::string>(callback));
}

class TwilioPluginTest : public switchboard::testing::PluginSuite<TwilioPluginTest> {
  public:
    static constexpr const char* kPluginFile = "sb_twilio.so";

  protected:
    static std::unique_ptr<ProviderInstance> make(const std::string& extraConfig = {}) {
        std::string config = std::string(R"({"account_sid":")") + kAccountSid +
                             R"(","auth_token":")" + authToken() + "\"" + extraConfig + "}";
        return std::make_unique<ProviderInstance>(*library_, "twilio-test", config);
    }
    static std::unique_ptr<ProviderInstance> withFrom() {
        return make(std::string(R"(,"from":")") + kFrom + "\"");
    }
    static std::unique_ptr<ProviderInstance> create(const std::string& json) {
        return std::make_unique<ProviderInstance>(*library_, "t", json);
    }
};

// ---- descriptor and config ----------------------------------------------------------------

TEST_F(TwilioPluginTest, DescriptorNamesThePluginAndDeclaresItsSchema) {
    EXPECT_EQ(library_->name(), "twilio");
    EXPECT_FALSE(library_->version().empty());
    EXPECT_EQ(library_->descriptor().capabilities & SB_CAP_MESSAGING, SB_CAP_MESSAGING);

    auto properties = parseJson(library_->descriptor().config_schema_json)->getObject("properties");
    EXPECT_EQ(keysOf(*properties),
              (std::set<std::string>{"account_sid", "auth_token", "base_url", "from",
                                     "messaging_service_sid", "validate_signatures"}));
    auto token = properties->getObject("auth_token");
    EXPECT_TRUE(token->getValue<bool>("required"));
    EXPECT_TRUE(token->getValue<bool>("secret"));
    auto sid = properties->getObject("account_sid");
    EXPECT_TRUE(sid->getValue<bool>("required"));
    EXPECT_FALSE(sid->optValue<bool>("secret", false));
    for (const char* key : {"from", "messaging_service_sid"}) {
        EXPECT_FALSE(properties->getObject(key)->getValue<bool>("required")) << key;
        EXPECT_EQ(properties->getObject(key)->getValue<std::string>("type"), "string") << key;
    }
    EXPECT_EQ(properties->getObject("base_url")->getValue<std::string>("default"),
              "https://api.twilio.com");
    auto validate = properties->getObject("validate_signatures");
    EXPECT_EQ(validate->getValue<std::string>("type"), "boolean");
    EXPECT_TRUE(validate->getValue<bool>("default"));
}

TEST_F(TwilioPluginTest, DefaultStatusTable) {
    const std::map<std::string, std::string> actual = statusTableOf(*library_);
    const std::map<std::string, std::string> expected = {
        {"accepted", "PENDING"},
        {"scheduled", "PENDING"},
        {"queued", "PENDING"},
        {"sending", "PENDING"},
        {"sent", "SENT"},
        {"delivered", "DELIVERED"},
        {"read", "DELIVERED"},
        {"undelivered", "UNDELIVERED"},
        {"failed", "FAILED"},
        {"canceled", "FAILED"},
        {"receiving", "UNKNOWN"},
        {"received", "UNKNOWN"},
        {"partially_delivered", "UNKNOWN"},
    };
    EXPECT_EQ(actual, expected);
}

TEST_F(TwilioPluginTest, RefusesMissingOrMalformedCredentials) {
    const std::string token = authToken();
    for (const std::string& json : {
             std::string("{}"),
             R"({"auth_token":")" + token + "\"}",
             std::string(R"({"account_sid":")") + kAccountSid + "\"}",
             std::string(R"({"account_sid":")") + kAccountSid + R"(","auth_token":"  "})",
             R"({"account_sid":"AC123","auth_token":")" + token + "\"}",
             R"({"account_sid":"MG0123456789abcdef0123456789abcdef","auth_token":")" + token +
                 "\"}",
             R"({"account_sid":"AC0123456789abcdef0123456789abcdeg","auth_token":")" + token +
                 "\"}",
             R"({"account_sid":"AC0123456789abcdef0123456789abcdef0","auth_token":")" + token +
                 "\"}",
             std::string(R"({"account_sid":")") + kAccountSid + R"(","auth_token":"abc\r\nX: 1"})",
         }) {
        EXPECT_THROW(create(json), std::runtime_error) << json;
    }
    try {
        create(R"({"auth_token":")" + token + "\"}");
        ADD_FAILURE() << "accepted a config without account_sid";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("account_sid"), std::string::npos) << e.what();
    }
    // Upper-case hex is still a SID; surrounding whitespace from a pasted value is dropped.
    EXPECT_NO_THROW(create(
        R"({"account_sid":" AC0123456789ABCDEF0123456789ABCDEF ","auth_token":")" + token + "\"}"));
}

TEST_F(TwilioPluginTest, RefusesInvalidOptionalValues) {
    for (const char* extra :
         {R"(,"base_url":"api.twilio.com")", R"(,"base_url":"ftp://api.twilio.com")",
          R"(,"base_url":"https://api.twilio .com")", R"(,"from":"")", R"(,"from":"  ")",
          R"(,"from":"+1555\n0100001")", R"(,"messaging_service_sid":"")",
          R"(,"messaging_service_sid":"MG123")",
          R"(,"messaging_service_sid":"AC0123456789abcdef0123456789abcdef")"}) {
        EXPECT_THROW(make(extra), std::runtime_error) << extra;
    }
    EXPECT_NO_THROW(make(std::string(R"(,"messaging_service_sid":")") + kServiceSid + "\""));
    EXPECT_NO_THROW(make(R"(,"from":"MyClinic","validate_signatures":false)"));
}

// ---- detect --------------------------------------------------------------------------------

TEST_F(TwilioPluginTest, DetectsInboundAndStatusForms) {
    auto instance = make();
    for (const char* name : {"inbound_sms.txt", "inbound_mms.txt", "status_sent.txt",
                             "status_delivered.txt", "status_undelivered.txt"}) {
        EXPECT_EQ(instance->detect(webhook(fixture(name))).status, SB_OK) << name;
    }
    // SmsSid alone (older callbacks) is enough; values are not judged here.
    EXPECT_EQ(instance->detect(webhook("SmsSid=SM1&AccountSid=AC1")).status, SB_OK);
    EXPECT_EQ(instance->detect(webhook("MessageSid=&AccountSid=")).status, SB_OK);
}

TEST_F(TwilioPluginTest, DetectsJsonBodiesSignedWithBodySha256) {
    auto instance = make();
    EXPECT_EQ(instance
                  ->detect(webhook(fixture("status.json"), {}, fixtureValue("status_json.url"),
                                   "application/json"))
                  .status,
              SB_OK);
}

TEST_F(TwilioPluginTest, DoesNotDetectOtherPayloads) {
    auto instance = make();
    for (const char* name : {"other_extreme_inbound.json", "other_smsretail_dlr.json",
                             "other_telecom23_dlr.json", "status.json"}) {
        EXPECT_EQ(
            instance->detect(webhook(fixture(name), {}, kPublicUrl, "application/json")).status,
            SB_NOT_MINE)
            << name;
    }
    for (const char* body : {"", "MessageSid=SM1", "AccountSid=AC1", "From=%2B1555&Body=hi",
                             "messagesid=SM1&accountsid=AC1",
                             R"({"MessageSid":"SM1","AccountSid":"AC1"})", "\xff\xfe"}) {
        EXPECT_EQ(instance->detect(webhook(body)).status, SB_NOT_MINE) << body;
    }
    // bodySHA256 but no JSON object: not a Twilio JSON webhook.
    const std::string url = std::string(kPublicUrl) + "?bodySHA256=abc";
    EXPECT_EQ(instance->detect(webhook("MessageSid=SM1&AccountSid=AC1", {}, url)).status,
              SB_NOT_MINE);
    EXPECT_EQ(instance->detect(webhook("[1,2]", {}, url, "application/json")).status, SB_NOT_MINE);
}

// ---- verify --------------------------------------------------------------------------------

TEST_F(TwilioPluginTest, AcceptsTheSdksSignatureOnEveryFixture) {
    auto instance = make();
    for (const auto& [body, sig] : std::vector<std::pair<std::string, std::string>>{
             {"inbound_sms.txt", "inbound_sms.sig"},
             {"inbound_mms.txt", "inbound_mms.sig"},
             {"status_sent.txt", "status_sent.sig"},
             {"status_delivered.txt", "status_delivered.sig"},
             {"status_undelivered.txt", "status_undelivered.sig"}}) {
        HookResult result = instance->verify(signedWebhook(body, sig));
        EXPECT_EQ(result.status, SB_OK) << body << ": " << result.output;
    }
}

TEST_F(TwilioPluginTest, TwiliosPublishedExampleVerifies) {
    // https://www.twilio.com/docs/usage/webhooks/webhooks-security (and its predecessor
    // https://www.twilio.com/docs/usage/security#validating-requests): auth token 12345, URL
    // https://mycompany.com/myapp.php?foo=1&bar=2, five POST parameters → this signature.
    auto instance =
        create(std::string(R"({"account_sid":")") + kAccountSid + R"(","auth_token":"12345"})");
    const std::string url = "https://mycompany.com/myapp.php?foo=1&bar=2";
    const std::string body =
        "To=%2B18005551212&CallSid=CA1234567890ABCDE&Digits=1234&From=%2B12349013030&Caller="
        "%2B12349013030";
    EXPECT_EQ(instance->verify(webhook(body, "0/KCTR6DLpKmkAf8muzZqo1nDgQ=", url)).status, SB_OK);
    expectRejected(instance->verify(webhook(body, "0/KCTR6DLpKmkAf8muzZqo1nDgQ=",
                                            "https://mycompany.com/myapp.php?foo=1&bar=3")),
                   "signature mismatch", "query changed");
    expectRejected(
        instance->verify(webhook("To=%2B18005551212&CallSid=CA1234567890ABCDE&Digits=9999&From="
                                 "%2B12349013030&Caller=%2B12349013030",
                                 "0/KCTR6DLpKmkAf8muzZqo1nDgQ=", url)),
        "signature mismatch", "Digits changed");
}

TEST_F(TwilioPluginTest, PortIsTriedWithAndWithoutTheDefault) {
    auto instance = make();
    const std::string withPort = "https://sms.example.com:443/api/webhooks/twilio";
    // Twilio signed without the port; the operator's public_base_url carries :443.
    EXPECT_EQ(
        instance->verify(signedWebhook("inbound_sms.txt", "inbound_sms.sig", withPort)).status,
        SB_OK);
    // Twilio signed with :443; the public URL has none.
    EXPECT_EQ(instance->verify(signedWebhook("inbound_sms.txt", "inbound_sms_port443.sig")).status,
              SB_OK);
    EXPECT_EQ(
        instance->verify(signedWebhook("inbound_sms.txt", "inbound_sms_port443.sig", withPort))
            .status,
        SB_OK);
    // A non-default port is part of what was signed: it may be dropped (Twilio's HTTPS rule)
    // but never invented.
    const std::string custom = "https://sms.example.com:8443/api/webhooks/twilio";
    EXPECT_EQ(instance->verify(signedWebhook("inbound_sms.txt", "inbound_sms_port8443.sig", custom))
                  .status,
              SB_OK);
    expectRejected(instance->verify(signedWebhook("inbound_sms.txt", "inbound_sms_port8443.sig")),
                   "signature mismatch", "8443 signed, none received");
    EXPECT_EQ(instance->verify(signedWebhook("inbound_sms.txt", "inbound_sms.sig", custom)).status,
              SB_OK);
    // The scheme is signed: http is not https.
    expectRejected(instance->verify(signedWebhook("inbound_sms.txt", "inbound_sms.sig",
                                                  "http://sms.example.com/api/webhooks/twilio")),
                   "signature mismatch", "http");
}

TEST_F(TwilioPluginTest, TheQueryStringIsPartOfTheSignedUrl) {
    auto instance = make();
    const std::string url = std::string(kPublicUrl) + "?tenant=acme&note=a+b%20c";
    EXPECT_EQ(
        instance->verify(signedWebhook("inbound_sms.txt", "inbound_sms_query.sig", url)).status,
        SB_OK);
    for (const std::string& other :
         {std::string(kPublicUrl), std::string(kPublicUrl) + "?tenant=acme",
          std::string(kPublicUrl) + "?note=a+b%20c&tenant=acme",
          std::string(kPublicUrl) + "?tenant=globex&note=a+b%20c"}) {
        expectRejected(
            instance->verify(signedWebhook("inbound_sms.txt", "inbound_sms_query.sig", other)),
            "signature mismatch", other);
    }
}

TEST_F(TwilioPluginTest, CredentialsInThePublicUrlAreDroppedAsTwilioDoes) {
    auto instance = make();
    // https://www.twilio.com/docs/usage/security#notes: Twilio drops user:password@ before
    // signing, so a signature over the bare URL must verify against a URL that has them.
    EXPECT_EQ(instance
                  ->verify(signedWebhook("inbound_sms.txt", "inbound_sms.sig",
                                         "https://hook:s3cret@sms.example.com/api/webhooks/twilio"))
                  .status,
              SB_OK);
}

TEST_F(TwilioPluginTest, TamperedOrIncompleteFormsAreRejected) {
    auto instance = make();
    const std::string body = fixture("inbound_sms.txt");
    const std::string signature = fixtureValue("inbound_sms.sig");
    auto replaced = [&](const std::string& from, const std::string& to) {
        std::string copy = body;
        auto at = copy.find(from);
        EXPECT_NE(at, std::string::npos) << from;
        return copy.replace(at, from.size(), to);
    };
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"body changed", replaced("Body=Can+I", "Body=Can+U")},
        {"sender changed", replaced("From=%2B14155551234", "From=%2B14155551235")},
        {"parameter added", body + "&Extra=1"},
        {"empty parameter added", body + "&Extra="},
        {"parameter removed", replaced("&ToZip=94105", "")},
        {"value repeated with another value", body + "&Body=second"},
        {"key case changed", replaced("Body=", "body=")},
    };
    for (const auto& [name, tampered] : cases)
        expectRejected(instance->verify(webhook(tampered, signature)), "signature mismatch", name);
    // Same parameters in another order, '+' spelled %20, a repeated identical pair: what is
    // signed is the decoded, sorted set, so these still verify (as in twilio-node).
    std::string reordered = "AccountSid=AC0123456789abcdef0123456789abcdef&" +
                            replaced("&AccountSid=AC0123456789abcdef0123456789abcdef", "");
    EXPECT_EQ(instance->verify(webhook(reordered, signature)).status, SB_OK) << reordered;
    EXPECT_EQ(instance->verify(webhook(replaced("Can+I+book", "Can%20I%20book"), signature)).status,
              SB_OK);
    EXPECT_EQ(instance->verify(webhook(body + "&NumMedia=0", signature)).status, SB_OK);
}

TEST_F(TwilioPluginTest, WrongMissingOrMalformedSignaturesAreRejected) {
    auto instance = make();
    const std::string body = fixture("inbound_sms.txt");
    const std::string good = fixtureValue("inbound_sms.sig");
    expectRejected(instance->verify(webhook(body)), "missing X-Twilio-Signature");
    WebhookRequest empty = webhook(body);
    empty.headers.emplace_back("x-twilio-signature", "");
    expectRejected(instance->verify(empty), "signature mismatch", "empty header");
    for (const std::string& bad :
         {fixtureValue("inbound_sms_wrong_token.sig"), good.substr(0, good.size() - 1), good + "=",
          " " + good, std::string("0/KCTR6DLpKmkAf8muzZqo1nDgQ="), good + "," + good}) {
        expectRejected(instance->verify(webhook(body, bad)), "signature mismatch", bad);
    }
    std::string flipped = good;
    flipped[3] = flipped[3] == 'A' ? 'B' : 'A';
    expectRejected(instance->verify(webhook(body, flipped)), "signature mismatch", "one char");
    // The same signature under another token.
    auto other = create(std::string(R"({"account_sid":")") + kAccountSid +
                        R"(","auth_token":"another-auth-token-9876543210"})");
    expectRejected(other->verify(webhook(body, good)), "signature mismatch", "other token");
    EXPECT_EQ(other->verify(webhook(body, fixtureValue("inbound_sms_wrong_token.sig"))).status,
              SB_OK);
    // The signed URL is the public one, not a path elsewhere.
    expectRejected(
        instance->verify(webhook(body, good, "https://sms.example.com/api/webhooks/other")),
        "signature mismatch", "other path");
    expectRejected(instance->verify(webhook(body, good, "")), "no public URL to verify against");
}

TEST_F(TwilioPluginTest, JsonBodiesAreCheckedThroughBodySha256) {
    auto instance = make();
    const std::string url = fixtureValue("status_json.url");
    const std::string body = fixture("status.json");
    const std::string signature = fixtureValue("status_json.sig");
    EXPECT_EQ(instance->verify(webhook(body, signature, url, "application/json")).status, SB_OK);
    // The URL (with its hash) is signed; the body is bound to it by the hash.
    expectRejected(instance->verify(webhook(body + " ", signature, url, "application/json")),
                   "bodySHA256 mismatch", "body changed");
    std::string upper = url;
    for (auto i = upper.find('=') + 1; i < upper.size(); ++i)
        upper[i] = static_cast<char>(std::toupper(static_cast<unsigned char>(upper[i])));
    expectRejected(instance->verify(webhook(body, signature, upper, "application/json")),
                   "signature mismatch", "hash in upper case");
    expectRejected(
        instance->verify(webhook(body, fixtureValue("inbound_sms.sig"), url, "application/json")),
        "signature mismatch", "wrong signature");
}

TEST_F(TwilioPluginTest, ValidationCanBeSwitchedOff) {
    auto instance = make(R"(,"validate_signatures":false)");
    EXPECT_EQ(instance->verify(webhook(fixture("inbound_sms.txt"))).status, SB_OK);
    EXPECT_EQ(instance->verify(webhook(fixture("inbound_sms.txt"), "junk")).status, SB_OK);
}

// ---- parse ---------------------------------------------------------------------------------

TEST_F(TwilioPluginTest, ParsesAnInboundSms) {
    auto instance = make();
    auto event = parseEvent(*instance, webhook(fixture("inbound_sms.txt")), "inbound");
    EXPECT_EQ(keysOf(*event),
              (std::set<std::string>{"type", "from", "to", "text", "provider_message_id",
                                     "reply_context", "media"}));
    EXPECT_EQ(event->getValue<std::string>("from"), "+14155551234");
    EXPECT_EQ(event->getValue<std::string>("to"), "+15550100001");
    EXPECT_EQ(event->getValue<std::string>("text"), "Can I book Tuesday? \xF0\x9F\x98\x80");
    EXPECT_EQ(event->getValue<std::string>("provider_message_id"), kSid);
    EXPECT_EQ(event->getObject("reply_context")->size(), 0u);
    EXPECT_EQ(event->getArray("media")->size(), 0u);
}

TEST_F(TwilioPluginTest, ParsesAnInboundMmsWithItsMediaInOrder) {
    auto instance = make();
    auto event = parseEvent(*instance, webhook(fixture("inbound_mms.txt")), "inbound");
    EXPECT_EQ(event->getValue<std::string>("text"), "");
    EXPECT_EQ(event->getValue<std::string>("provider_message_id"),
              "MM9e3f1c2b4a5d6e7f8091a2b3c4d5e6f7");
    auto media = event->getArray("media");
    ASSERT_EQ(media->size(), 2u);
    const std::string prefix = std::string("https://api.twilio.com/2010-04-01/Accounts/") +
                               kAccountSid + "/Messages/MM9e3f1c2b4a5d6e7f8091a2b3c4d5e6f7/Media/";
    EXPECT_EQ(media->getElement<std::string>(0), prefix + "ME11111111111111111111111111111111");
    EXPECT_EQ(media->getElement<std::string>(1), prefix + "ME22222222222222222222222222222222");
}

TEST_F(TwilioPluginTest, MediaUrlsFollowNumMedia) {
    auto instance = make();
    // A media-only MMS carries an empty Body, as every incoming message carries Body.
    const std::string base =
        "MessageSid=MM1&AccountSid=AC1&From=%2B14155551234&To=%2B15550100001&Body=";
    // Without NumMedia: consecutive MediaUrlN from 0.
    auto consecutive = parseEvent(
        *instance,
        webhook(base + "&MediaUrl0=https%3A%2F%2Fa&MediaUrl1=https%3A%2F%2Fb&MediaUrl3=x"),
        "inbound");
    EXPECT_EQ(consecutive->getArray("media")->size(), 2u);
    // NumMedia bounds the list.
    auto bounded = parseEvent(
        *instance,
        webhook(base + "&NumMedia=1&MediaUrl0=https%3A%2F%2Fa&MediaUrl1=https%3A%2F%2Fb"),
        "inbound");
    ASSERT_EQ(bounded->getArray("media")->size(), 1u);
    EXPECT_EQ(bounded->getArray("media")->getElement<std::string>(0), "https://a");
    for (const char* bad : {"abc", "-1", "1.5", "101", "99999999999999999999"}) {
        HookResult result = instance->parse(webhook(base + "&NumMedia=" + bad));
        EXPECT_EQ(result.status, SB_BAD_INPUT) << bad << ": " << result.output;
    }
}

TEST_F(TwilioPluginTest, FormValuesAreDecodedAsNodeDecodesThem) {
    auto instance = make();
    auto event = parseEvent(
        *instance,
        webhook("MessageSid=SM1&AccountSid=AC1&From=%2B14155551234&To=%2B15550100001&Body="
                "caf%C3%A9+%26+cr%C3%A8me%3D1%2B1%20100%25+%zz+%FF"),
        "inbound");
    // '+' is a space, %2B a plus, a broken escape stays as typed, an invalid byte is U+FFFD.
    EXPECT_EQ(event->getValue<std::string>("text"),
              "caf\xC3\xA9 & cr\xC3\xA8me=1+1 100% %zz \xEF\xBF\xBD");
}

TEST_F(TwilioPluginTest, ParsesStatusCallbacks) {
    auto instance = make();
    auto sent = parseEvent(*instance, webhook(fixture("status_sent.txt")), "delivery_receipt");
    EXPECT_EQ(keysOf(*sent),
              (std::set<std::string>{"type", "provider_ref", "raw_status", "callback_id"}));
    EXPECT_EQ(sent->getValue<std::string>("provider_ref"), kSid);
    EXPECT_EQ(sent->getValue<std::string>("raw_status"), "sent");
    // The request's I-Twilio-Idempotency-Token, which Twilio repeats on a retry [overrides].
    EXPECT_EQ(sent->getValue<std::string>("callback_id"), "7b2e0a5c-1111-2222-3333-444455556666");

    auto delivered =
        parseEvent(*instance, webhook(fixture("status_delivered.txt")), "delivery_receipt");
    EXPECT_EQ(delivered->getValue<std::string>("raw_status"), "delivered");

    auto undelivered =
        parseEvent(*instance, webhook(fixture("status_undelivered.txt")), "delivery_receipt");
    EXPECT_EQ(undelivered->getValue<std::string>("raw_status"), "undelivered");
    EXPECT_EQ(undelivered->getValue<std::string>("error_code"), "30003");

    auto message =
        parseEvent(*instance,
                   webhook("MessageSid=SM2&MessageStatus=failed&ErrorCode=30007&ErrorMessage=" +
                           std::string(300, 'x')),
                   "delivery_receipt");
    EXPECT_EQ(message->getValue<std::string>("error_message").size(), 200u);
}

TEST_F(TwilioPluginTest, EveryDefaultRawStatusIsEmittedVerbatim) {
    auto instance = make();
    auto table = parseJson(library_->descriptor().default_status_table_json);
    for (const auto& [raw, canonical] : *table) {
        auto event = parseEvent(*instance, webhook("MessageSid=SM9&MessageStatus=" + raw),
                                "delivery_receipt");
        EXPECT_EQ(event->getValue<std::string>("raw_status"), raw);
    }
    for (const char* raw : {"Delivered", "SENT", "exploded"}) {
        auto event = parseEvent(*instance, webhook(std::string("SmsSid=SM9&MessageStatus=") + raw),
                                "delivery_receipt");
        EXPECT_EQ(event->getValue<std::string>("raw_status"), raw);
        EXPECT_EQ(event->getValue<std::string>("provider_ref"), "SM9");
    }
}

TEST_F(TwilioPluginTest, ParsesJsonBodies) {
    auto instance = make();
    auto event = parseEvent(
        *instance,
        webhook(fixture("status.json"), {}, fixtureValue("status_json.url"), "application/json"),
        "delivery_receipt");
    EXPECT_EQ(event->getValue<std::string>("provider_ref"), kSid);
    EXPECT_EQ(event->getValue<std::string>("raw_status"), "delivered");
    EXPECT_FALSE(event->has("error_code"));  // null
}

TEST_F(TwilioPluginTest, MalformedWebhooksAreBadInput) {
    auto instance = make();
    const std::vector<std::pair<std::string, WebhookRequest>> cases = {
        {"no sid", webhook("AccountSid=AC1&From=%2B14155551234&Body=hi")},
        {"empty sid", webhook("MessageSid=&AccountSid=AC1&From=%2B14155551234")},
        {"sids disagree", webhook("MessageSid=SM1&SmsSid=SM2&From=%2B14155551234")},
        {"no From", webhook("MessageSid=SM1&AccountSid=AC1&Body=hi")},
        {"empty From", webhook("MessageSid=SM1&From=&Body=hi")},
        {"empty MessageStatus", webhook("MessageSid=SM1&MessageStatus=")},
        {"JSON declared", webhook(fixture("inbound_sms.txt"), {}, kPublicUrl, "application/json")},
        {"JSON body without bodySHA256",
         webhook(fixture("status.json"), {}, kPublicUrl, "application/json")},
        {"bodySHA256 with a form body",
         webhook(fixture("status_sent.txt"), {}, fixtureValue("status_json.url"),
                 "application/x-www-form-urlencoded")},
        {"bodySHA256 with a JSON array",
         webhook("[1]", {}, fixtureValue("status_json.url"), "application/json")},
        {"other provider", webhook(fixture("other_extreme_inbound.json"))},
    };
    for (const auto& [name, request] : cases) {
        HookResult result = instance->parse(request);
        EXPECT_EQ(result.status, SB_BAD_INPUT) << name << ": " << result.output;
        EXPECT_FALSE(result.output.empty()) << name;
    }
    std::string many = "MessageSid=SM1&From=%2B14155551234";
    for (int i = 0; i < 1000; ++i) many += "&P" + std::to_string(i) + "=1";
    EXPECT_EQ(instance->parse(webhook(many)).status, SB_BAD_INPUT);
    expectRejected(instance->verify(webhook(many, "x")), "too many form parameters");
    // SmsSid alone is fine; a form body whose sender did not declare it is not read as one.
    auto legacy = parseEvent(*instance,
                             webhook("SmsSid=SM7&From=%2B14155551234&Body=hi", {}, kPublicUrl,
                                     "application/x-www-form-urlencoded"),
                             "inbound");
    EXPECT_EQ(legacy->getValue<std::string>("provider_message_id"), "SM7");
    HookResult undeclared =
        instance->parse(webhook("SmsSid=SM7&From=%2B14155551234&Body=hi", {}, kPublicUrl, ""));
    EXPECT_EQ(undeclared.status, SB_BAD_INPUT) << undeclared.output;
    EXPECT_NE(undeclared.output.find("no Content-Type"), std::string::npos) << undeclared.output;
}

TEST_F(TwilioPluginTest, AStatusCallbackWithoutAStatusIsNeverAnInboundMessage) {
    auto instance = make();
    // A status callback that lost MessageStatus and SmsStatus: no Body, so no MO either.
    HookResult statusless = instance->parse(
        webhook("SmsSid=SM1f0e8ae6ade43cb3c0ce4525424e404f&To=%2B14155551234&MessageSid="
                "SM1f0e8ae6ade43cb3c0ce4525424e404f&AccountSid=AC1&From=%2B15550100001"));
    EXPECT_EQ(statusless.status, SB_BAD_INPUT) << statusless.output;
    EXPECT_NE(statusless.output.find("nor Body"), std::string::npos) << statusless.output;
    // The deprecated SmsStatus alone still reports the status [callbacks]...
    auto legacy =
        parseEvent(*instance, webhook("MessageSid=SM1&SmsStatus=delivered&From=%2B15550100001"),
                   "delivery_receipt");
    EXPECT_EQ(legacy->getValue<std::string>("raw_status"), "delivered");
    // ...but "received" on an incoming message is not a delivery status.
    auto inbound = parseEvent(
        *instance, webhook("MessageSid=SM2&SmsStatus=received&From=%2B14155551234&Body=hi"),
        "inbound");
    EXPECT_EQ(inbound->getValue<std::string>("text"), "hi");
}

// ---- build_send ----------------------------------------------------------------------------

TEST_F(TwilioPluginTest, BuildsTheDocumentedSendRequest) {
    auto instance = withFrom();
    auto request = sendRequest(*instance, outbound("+14155551234", "Hello there"));
    EXPECT_EQ(request->getValue<std::string>("method"), "POST");
    EXPECT_EQ(request->getValue<std::string>("url"), kDefaultSendUrl);
    auto headers = request->getObject("headers");
    EXPECT_EQ(keysOf(*headers), (std::set<std::string>{"Authorization", "Content-Type", "Accept"}));
    EXPECT_EQ(headers->getValue<std::string>("Authorization"),
              "Basic " + base64(std::string(kAccountSid) + ":" + authToken()));
    EXPECT_EQ(headers->getValue<std::string>("Content-Type"), "application/x-www-form-urlencoded");
    EXPECT_EQ(headers->getValue<std::string>("Accept"), "application/json");
    EXPECT_EQ(request->getValue<std::string>("body"),
              "To=%2B14155551234&From=%2B15550100001&Body=Hello%20there&StatusCallback=https%3A%2F%"
              "2Fsms.example.com%2Fapi%2Fwebhooks%2Ftwilio");
}

TEST_F(TwilioPluginTest, TheAuthTokenTravelsOnlyInsideBasicAuth) {
    auto instance = withFrom();
    HookResult result = instance->buildSend(outbound("+14155551234", "Hi"));
    ASSERT_EQ(result.status, SB_OK) << result.output;
    EXPECT_EQ(result.output.find(authToken()), std::string::npos);
    auto request = parseJson(result.output);
    EXPECT_EQ(request->getValue<std::string>("url").find(authToken()), std::string::npos);
}

TEST_F(TwilioPluginTest, StatusCallbackOnlyWhenGiven) {
    auto instance = withFrom();
    auto without = sendRequest(*instance, outbound("+14155551234", "Hi", {}, ""));
    EXPECT_EQ(without->getValue<std::string>("body"),
              "To=%2B14155551234&From=%2B15550100001&Body=Hi");
    auto other = sendRequest(
        *instance,
        outbound("+14155551234", "Hi", {}, "https://sms.example.com:8443/hooks/t?tenant=a b"));
    EXPECT_EQ(other->getValue<std::string>("body"),
              "To=%2B14155551234&From=%2B15550100001&Body=Hi&StatusCallback=https%3A%2F%2Fsms."
              "example.com%3A8443%2Fhooks%2Ft%3Ftenant%3Da%20b");
}

TEST_F(TwilioPluginTest, SenderFallsBackToConfigThenToTheMessagingService) {
    const std::string mg = std::string(R"(,"messaging_service_sid":")") + kServiceSid + "\"";
    auto both = make(std::string(R"(,"from":")") + kFrom + "\"" + mg);
    EXPECT_EQ(sendRequest(*both, outbound("+14155551234", "Hi", "+15550100099", ""))
                  ->getValue<std::string>("body"),
              "To=%2B14155551234&From=%2B15550100099&Body=Hi");
    EXPECT_EQ(
        sendRequest(*both, outbound("+14155551234", "Hi", {}, ""))->getValue<std::string>("body"),
        "To=%2B14155551234&From=%2B15550100001&Body=Hi");

    auto serviceOnly = make(mg);
    EXPECT_EQ(sendRequest(*serviceOnly, outbound("+14155551234", "Hi", {}, ""))
                  ->getValue<std::string>("body"),
              "To=%2B14155551234&MessagingServiceSid=MG0123456789abcdef0123456789abcdef&Body=Hi");
    EXPECT_EQ(sendRequest(*serviceOnly, outbound("+14155551234", "Hi", "+15550100099", ""))
                  ->getValue<std::string>("body"),
              "To=%2B14155551234&From=%2B15550100099&Body=Hi");

    // The sender that goes on the wire is reported for the host to store; a Messaging
    // Service picks its own number, so none is reported then.
    EXPECT_EQ(
        sendRequest(*both, outbound("+14155551234", "Hi", {}, ""))->getValue<std::string>("sender"),
        "+15550100001");
    EXPECT_EQ(sendRequest(*both, outbound("+14155551234", "Hi", "+15550100099", ""))
                  ->getValue<std::string>("sender"),
              "+15550100099");
    EXPECT_FALSE(sendRequest(*serviceOnly, outbound("+14155551234", "Hi", {}, ""))->has("sender"));

    HookResult none = make()->buildSend(outbound("+14155551234", "Hi"));
    EXPECT_EQ(none.status, SB_BAD_INPUT);
    EXPECT_NE(none.output.find("messaging_service_sid"), std::string::npos) << none.output;
    EXPECT_EQ(make()->buildSend(outbound("+14155551234", "Hi", "+15550100099")).status, SB_OK);
}

TEST_F(TwilioPluginTest, EveryReservedCharacterIsPercentEncoded) {
    auto instance = withFrom();
    auto request = sendRequest(
        *instance,
        outbound("+14155551234", "caf\xC3\xA9 & cr\xC3\xA8me = 1+1? 100%#/\n", "My Clinic", ""));
    EXPECT_EQ(
        request->getValue<std::string>("body"),
        "To=%2B14155551234&From=My%20Clinic&Body=caf%C3%A9%20%26%20cr%C3%A8me%20%3D%201%2B1%3F%"
        "20100%25%23%2F%0A");
}

TEST_F(TwilioPluginTest, RepliesAreSentLikeAnyMessage) {
    auto instance = withFrom();
    HookResult initial = instance->buildSend(outbound("+14155551234", "Same", {}, kPublicUrl));
    HookResult reply =
        instance->buildSend(outbound("+14155551234", "Same", {}, kPublicUrl, "reply"));
    ASSERT_EQ(initial.status, SB_OK);
    EXPECT_EQ(initial.output, reply.output);
    EXPECT_EQ(instance->buildSend(outbound(" ", "x")).status, SB_BAD_INPUT);
}

TEST_F(TwilioPluginTest, BaseUrlIsConfigurable) {
    auto instance = make(R"(,"from":"+15550100001","base_url":"http://127.0.0.1:4010/")");
    EXPECT_EQ(sendRequest(*instance, outbound("+14155551234", "x"))->getValue<std::string>("url"),
              "http://127.0.0.1:4010/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/"
              "Messages.json");
}

// ---- parse_send_response -------------------------------------------------------------------

TEST_F(TwilioPluginTest, CreatedIsAcceptedWithTheSid) {
    auto instance = make();
    auto created = sendResult(*instance, 201, fixture("send_201.json"));
    EXPECT_EQ(keysOf(*created), (std::set<std::string>{"outcome", "provider_ref"}));
    EXPECT_EQ(created->getValue<std::string>("outcome"), "ACCEPTED");
    EXPECT_EQ(created->getValue<std::string>("provider_ref"), "SMaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    auto accepted = sendResult(*instance, 201, fixture("send_201_accepted.json"));
    EXPECT_EQ(accepted->getValue<std::string>("outcome"), "ACCEPTED");
    EXPECT_EQ(accepted->getValue<std::string>("provider_ref"),
              "SMbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");
}

TEST_F(TwilioPluginTest, ACreatedMessageThatAlreadyFailedIsRejected) {
    auto instance = make();
    auto failed = sendResult(*instance, 201, fixture("send_201_failed.json"));
    EXPECT_EQ(failed->getValue<std::string>("outcome"), "REJECTED");
    EXPECT_EQ(failed->getValue<std::string>("error_code"), "30007");
    EXPECT_EQ(failed->getValue<std::string>("error_message"), "Message filtered by the carrier");
}

TEST_F(TwilioPluginTest, ASuccessWithoutASidIsAcceptedAndFlagged) {
    auto instance = make();
    for (const std::string& body : {fixture("send_201_no_sid.json"), std::string("created"),
                                    std::string(""), std::string("[]")}) {
        auto result = sendResult(*instance, 201, body);
        EXPECT_EQ(result->getValue<std::string>("outcome"), "ACCEPTED") << body;
        EXPECT_FALSE(result->has("provider_ref")) << body;
        EXPECT_EQ(result->getValue<std::string>("error_code"), "missing_sid") << body;
    }
}

TEST_F(TwilioPluginTest, TooManyRequestsIsThrottledAndHonoursRetryAfter) {
    auto instance = make();
    auto limited = sendResult(*instance, 429, fixture("send_429.json"), {{"retry-after", "3"}});
    EXPECT_EQ(limited->getValue<std::string>("outcome"), "THROTTLED");
    EXPECT_EQ(limited->getValue<int>("retry_after_s"), 3);
    EXPECT_EQ(limited->getValue<std::string>("error_code"), "20429");
    EXPECT_EQ(limited->getValue<std::string>("error_message"), "Too Many Requests");

    // Twilio's code 20429 decides, whatever the HTTP status.
    auto as400 = sendResult(*instance, 400, fixture("send_400_20429.json"), {{"retry-after", "7"}});
    EXPECT_EQ(as400->getValue<std::string>("outcome"), "THROTTLED");
    EXPECT_EQ(as400->getValue<int>("retry_after_s"), 7);

    auto bare = sendResult(*instance, 429, "");
    EXPECT_EQ(bare->getValue<std::string>("outcome"), "THROTTLED");
    EXPECT_EQ(bare->getValue<std::string>("error_code"), "http_429");
    EXPECT_FALSE(bare->has("retry_after_s"));
    auto date = sendResult(*instance, 429, fixture("send_429.json"),
                           {{"retry-after", "Wed, 21 Oct 2015 07:28:00 GMT"}});
    EXPECT_FALSE(date->has("retry_after_s"));
}

TEST_F(TwilioPluginTest, ServerErrorsAreRetried) {
    auto instance = make();
    auto internal = sendResult(*instance, 500, fixture("send_500.json"));
    EXPECT_EQ(internal->getValue<std::string>("outcome"), "RETRY");
    EXPECT_EQ(internal->getValue<std::string>("error_code"), "20500");
    auto unavailable =
        sendResult(*instance, 503, fixture("send_503.html"), {{"retry-after", "120"}});
    EXPECT_EQ(unavailable->getValue<std::string>("outcome"), "RETRY");
    EXPECT_EQ(unavailable->getValue<std::string>("error_code"), "http_503");
    EXPECT_EQ(unavailable->getValue<int>("retry_after_s"), 120);
    EXPECT_EQ(unavailable->getValue<std::string>("error_message").rfind("<html>", 0), 0u);
    EXPECT_EQ(sendResult(*instance, 502, "")->getValue<std::string>("outcome"), "RETRY");
    EXPECT_EQ(sendResult(*instance, 408, "")->getValue<std::string>("outcome"), "RETRY");
}

TEST_F(TwilioPluginTest, ClientErrorsAreRejectedWithTwiliosCode) {
    auto instance = make();
    auto invalid = sendResult(*instance, 400, fixture("send_400_21211.json"));
    EXPECT_EQ(invalid->getValue<std::string>("outcome"), "REJECTED");
    EXPECT_EQ(invalid->getValue<std::string>("error_code"), "21211");
    EXPECT_EQ(invalid->getValue<std::string>("error_message"),
              "The 'To' number 5551234567 is not a valid phone number.");
    EXPECT_FALSE(invalid->has("retry_after_s"));
    EXPECT_FALSE(invalid->has("provider_ref"));

    const std::map<int, std::pair<std::string, std::string>> cases = {
        {401, {"send_401.json", "20003"}},
        {404, {"send_404.json", "20404"}},
        {422, {"send_422_prism.json", "http_422"}},
    };
    for (const auto& [status, expected] : cases) {
        auto result = sendResult(*instance, status, fixture(expected.first));
        EXPECT_EQ(result->getValue<std::string>("outcome"), "REJECTED") << status;
        EXPECT_EQ(result->getValue<std::string>("error_code"), expected.second) << status;
    }
    auto html = sendResult(*instance, 400, "<html><body>Bad Request</body></html>");
    EXPECT_EQ(html->getValue<std::string>("outcome"), "REJECTED");
    EXPECT_EQ(html->getValue<std::string>("error_code"), "http_400");
    for (const char* body : {"[]", "null", "{\"code\":", "\xff\xfe"}) {
        EXPECT_EQ(instance->parseSendResponse(400, {}, body).status, SB_OK) << body;
        EXPECT_EQ(instance->parseSendResponse(201, {}, body).status, SB_OK) << body;
    }
}

// ---- webhook_response ----------------------------------------------------------------------

TEST_F(TwilioPluginTest, EveryWebhookIsAnsweredWithEmptyTwiml) {
    auto instance = make();
    for (const char* outcome : {"accepted", "rejected", "ignored", "error"}) {
        HookResult result =
            instance->webhookResponse(std::string(R"({"result":")") + outcome + R"("})");
        ASSERT_EQ(result.status, SB_OK) << result.output;
        auto reply = parseJson(result.output);
        EXPECT_EQ(reply->getValue<int>("status"), 200) << outcome;
        EXPECT_EQ(reply->getValue<std::string>("content_type"), "text/xml") << outcome;
        EXPECT_EQ(reply->getValue<std::string>("body"), kTwiml) << outcome;
    }
}

// ---- threading -----------------------------------------------------------------------------

TEST_F(TwilioPluginTest, HooksRunConcurrentlyOnOneInstance) {
    auto instance = withFrom();
    const auto good = signedWebhook("inbound_sms.txt", "inbound_sms.sig");
    const auto bad = signedWebhook("inbound_sms.txt", "inbound_sms_wrong_token.sig");
    const auto created = fixture("send_201.json");
    constexpr int kThreads = 8;
    expectNoFailuresAcrossThreads(kThreads, 100, [&] {
        int failures = 0;
        if (instance->detect(good).status != SB_OK) ++failures;
        if (instance->verify(good).status != SB_OK) ++failures;
        if (instance->verify(bad).output != "signature mismatch") ++failures;
        if (instance->parse(good).status != SB_OK) ++failures;
        if (instance->buildSend(outbound("+14155551234", "x")).status != SB_OK) ++failures;
        if (instance->parseSendResponse(201, {}, created).output.find("ACCEPTED") ==
            std::string::npos)
            ++failures;
        return failures;
    });
}

}  // namespace
