// Tests the built sb_telecom23.so through the host's own loader and ABI wrapper, so what is
// covered is exactly what the service will run: descriptor checks, JSON across the C
// boundary, and the codec's behaviour on fixture payloads (see fixtures/README.md).
// Every signature used here was computed by the openssl CLI, not by the code under test.
#include "support/PluginTestHarness.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>

#ifndef SWITCHBOARD_TELECOM23_FIXTURES
#error "SWITCHBOARD_TELECOM23_FIXTURES must name tests/plugins/telecom23/fixtures"
#endif

namespace {

using Poco::JSON::Object;
using switchboard::plugin::HookResult;
using switchboard::plugin::ProviderInstance;
using switchboard::plugin::WebhookRequest;
using switchboard::testing::expectNoFailuresAcrossThreads;
using switchboard::testing::expectRejected;
using switchboard::testing::Headers;
using switchboard::testing::keysOf;
using switchboard::testing::parseEvent;
using switchboard::testing::parseJson;
using switchboard::testing::sendResult;
using switchboard::testing::statusTableOf;

constexpr const char* kApiKey = "t23-test-key-0123456789abcdef";
constexpr const char* kToken = "tok_8f3a2b1c9d7e6f50";
constexpr const char* kSenderId = "MyApp";
constexpr const char* kDefaultUrl = "https://restlink23telecom.com/api/v1/sms/send";
constexpr std::int64_t kToleranceMs = 300 * 1000;

std::string fixture(const std::string& name) {
    return switchboard::testing::readFixture(SWITCHBOARD_TELECOM23_FIXTURES, name);
}

std::string fixtureValue(const std::string& name) {
    return switchboard::testing::readFixtureValue(SWITCHBOARD_TELECOM23_FIXTURES, name);
}

const std::string& secret() {
    static const std::string value = fixtureValue("webhook_secret.txt");
    return value;
}
const std::string& timestampText() {
    static const std::string value = fixtureValue("webhook_timestamp.txt");
    return value;
}
std::int64_t timestampMs() { return std::stoll(timestampText()) * 1000; }

WebhookRequest webhook(const std::string& body, Headers headers = {}, std::string query = {},
                       std::int64_t receivedAtMs = 0) {
    WebhookRequest request = switchboard::testing::jsonWebhook("/api/webhook/telecom23", body,
                                                               std::move(headers), "203.0.113.23");
    request.headers.emplace_back("user-agent", "23Telecom-Webhooks/1.0");
    request.query = std::move(query);
    if (!request.query.empty()) request.publicUrl += "?" + request.query;
    // Explicit even where unused, so no test depends on a default receive time.
    request.receivedAtMs = receivedAtMs;
    return request;
}

// A signed delivery report as 23 Telecom sends it, received `offsetMs` after its timestamp.
WebhookRequest signedWebhook(const std::string& bodyFixture, const std::string& signature,
                             std::int64_t offsetMs = 4000, std::string query = {}) {
    return webhook(fixture(bodyFixture),
                   {{"x-webhook-timestamp", timestampText()}, {"x-webhook-signature", signature}},
                   std::move(query), timestampMs() + offsetMs);
}

std::string outbound(const std::string& kind, const std::string& to, const std::string& text,
                     const std::string& from = {}) {
    Object::Ptr context;
    if (kind == "reply") {
        context = new Object;
        context->set("usedmodem", "7");
    }
    return switchboard::testing::outboundMessage(
        kind, to, text, from.empty() ? std::nullopt : std::optional<std::string>(from), context,
        "https://sb.example.com/api/webhook/telecom23");
}

class Telecom23PluginTest : public switchboard::testing::PluginSuite<Telecom23PluginTest> {
  public:
    static constexpr const char* kPluginFile = "sb_telecom23.so";

  protected:
    static std::unique_ptr<ProviderInstance> make(const std::string& extraConfig = {}) {
        std::string config = std::string(R"({"api_key":")") + kApiKey + R"(","sender_id":")" +
                             kSenderId + "\"" + extraConfig + "}";
        return std::make_unique<ProviderInstance>(*library_, "telecom23-test", config);
    }
    static std::unique_ptr<ProviderInstance> plain() { return make(); }
    static std::unique_ptr<ProviderInstance> withToken() {
        return make(std::string(R"(,"webhook_token":")") + kToken + "\"");
    }
    static std::unique_ptr<ProviderInstance> withSecret(const std::string& extra = {}) {
        return make(R"(,"webhook_secret":")" + secret() + "\"" + extra);
    }
    static std::unique_ptr<ProviderInstance> withBoth() {
        return make(std::string(R"(,"webhook_token":")") + kToken + R"(","webhook_secret":")" +
                    secret() + "\"");
    }

    // The single delivery-receipt event of a successful parse.
    static Object::Ptr parseReceipt(const ProviderInstance& instance, const std::string& body) {
        return parseEvent(instance, webhook(body), "delivery_receipt");
    }
};

// ---- descriptor and config ----------------------------------------------------------------

TEST_F(Telecom23PluginTest, DescriptorNamesThePluginAndDeclaresItsSchema) {
    EXPECT_EQ(library_->name(), "telecom23");
    EXPECT_FALSE(library_->version().empty());
    EXPECT_EQ(library_->descriptor().capabilities & SB_CAP_MESSAGING, SB_CAP_MESSAGING);

    auto properties = parseJson(library_->descriptor().config_schema_json)->getObject("properties");
    EXPECT_EQ(keysOf(*properties),
              (std::set<std::string>{"api_key", "base_url", "send_path", "sender_id",
                                     "webhook_token", "webhook_secret", "signature_tolerance_s"}));
    auto apiKey = properties->getObject("api_key");
    EXPECT_TRUE(apiKey->getValue<bool>("required"));
    EXPECT_TRUE(apiKey->getValue<bool>("secret"));
    for (const char* key : {"webhook_token", "webhook_secret"}) {
        auto p = properties->getObject(key);
        EXPECT_EQ(p->getValue<std::string>("type"), "string") << key;
        EXPECT_TRUE(p->getValue<bool>("secret")) << key;
        EXPECT_FALSE(p->getValue<bool>("required")) << key;
    }
    EXPECT_FALSE(properties->getObject("sender_id")->optValue<bool>("secret", false));
    EXPECT_EQ(properties->getObject("base_url")->getValue<std::string>("default"),
              "https://restlink23telecom.com");
    EXPECT_EQ(properties->getObject("send_path")->getValue<std::string>("default"),
              "/api/v1/sms/send");
    auto tolerance = properties->getObject("signature_tolerance_s");
    EXPECT_EQ(tolerance->getValue<std::string>("type"), "integer");
    EXPECT_EQ(tolerance->getValue<int>("default"), 300);
}

TEST_F(Telecom23PluginTest, DefaultStatusTable) {
    const std::map<std::string, std::string> actual = statusTableOf(*library_);
    const std::map<std::string, std::string> expected = {
        {"DELIVRD", "DELIVERED"}, {"UNDELIV", "FAILED"},  {"SENT", "SENT"},
        {"PENDING", "PENDING"},   {"REJECTD", "FAILED"},  {"EXPIRED", "UNDELIVERED"},
        {"ENROUTE", "SENT"},      {"ACCEPTD", "PENDING"}, {"DELETED", "FAILED"},
        {"UNKNOWN", "UNKNOWN"},   {"failed", "FAILED"},
    };
    EXPECT_EQ(actual, expected);
}

TEST_F(Telecom23PluginTest, RefusesConfigWithoutApiKey) {
    auto create = [](const std::string& json) {
        return std::make_unique<ProviderInstance>(*library_, "t", json);
    };
    EXPECT_THROW(create("{}"), std::runtime_error);
    EXPECT_THROW(create(R"({"api_key":"  "})"), std::runtime_error);
    try {
        create(R"({"sender_id":"MyApp"})");
        ADD_FAILURE() << "accepted a config without api_key";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("api_key"), std::string::npos) << e.what();
    }
    // Without sender_id the instance starts; a send then needs a `from` (see below).
    EXPECT_NO_THROW(create(std::string(R"({"api_key":")") + kApiKey + R"("})"));
}

TEST_F(Telecom23PluginTest, RefusesInvalidConfigValues) {
    for (const char* extra :
         {R"(,"webhook_token":"")", R"(,"webhook_secret":"")", R"(,"base_url":"restlink.com")",
          R"(,"base_url":"ftp://restlink23telecom.com")", R"(,"send_path":"/api/v1/sms send")",
          R"(,"signature_tolerance_s":0)", R"(,"signature_tolerance_s":-300)",
          R"(,"signature_tolerance_s":86401)", R"(,"sender_id":"My\nApp")"}) {
        EXPECT_THROW(make(extra), std::runtime_error) << extra;
    }
    EXPECT_THROW(
        std::make_unique<ProviderInstance>(*library_, "t", R"({"api_key":"abc\r\nX-Injected: 1"})"),
        std::runtime_error);
    EXPECT_NO_THROW(make(R"(,"signature_tolerance_s":1)"));
    EXPECT_NO_THROW(make(R"(,"signature_tolerance_s":86400)"));
}

// ---- detect --------------------------------------------------------------------------------

TEST_F(Telecom23PluginTest, DetectsBothKeySpellings) {
    auto instance = plain();
    for (const char* name : {"dlr_documented.json", "dlr_seed_camel.json", "dlr_signed.json",
                             "dlr_undeliv_status_code.json", "dlr_error_fields_camel.json",
                             "dlr_both_ids_equal.json"}) {
        EXPECT_EQ(instance->detect(webhook(fixture(name))).status, SB_OK) << name;
    }
    // Shape only: a payload parse would refuse is still ours, so it is logged as rejected
    // under this provider rather than as unrecognised.
    EXPECT_EQ(instance->detect(webhook(fixture("dlr_missing_status.json"))).status, SB_OK);
    EXPECT_EQ(instance->detect(webhook(R"({"messageId":""})")).status, SB_OK);
}

TEST_F(Telecom23PluginTest, DoesNotDetectOtherPayloads) {
    auto instance = plain();
    for (const char* name :
         {"dlr_numeric_id.json", "other_smsretail_dlr.json", "other_extreme_inbound.json",
          "other_twilio_form.txt", "dlr_malformed.json", "dlr_array.json"}) {
        EXPECT_EQ(instance->detect(webhook(fixture(name))).status, SB_NOT_MINE) << name;
    }
    for (const char* body :
         {"", "null", "42", "\"message_id\"", "[]", "\xff\xfe", R"({"message_id":null})",
          R"({"messageId":123,"status":"DELIVRD"})", R"({"message_id":{"id":"x"}})",
          R"({"MessageId":"x","status":"DELIVRD"})", R"({"id":"x","status":"DELIVRD"})"}) {
        EXPECT_EQ(instance->detect(webhook(body)).status, SB_NOT_MINE) << body;
    }
}

// ---- verify: token -------------------------------------------------------------------------

TEST_F(Telecom23PluginTest, TokenRightIsAccepted) {
    auto instance = withToken();
    const auto body = fixture("dlr_seed_camel.json");
    for (const std::string& query :
         {std::string("token=") + kToken, std::string("a=1&token=") + kToken + "&b=2"}) {
        HookResult result = instance->verify(webhook(body, {}, query));
        EXPECT_EQ(result.status, SB_OK) << query << ": " << result.output;
    }
}

TEST_F(Telecom23PluginTest, TokenMissingIsRejected) {
    auto instance = withToken();
    const auto body = fixture("dlr_seed_camel.json");
    for (const char* query : {"", "tok=x", "Token=tok_8f3a2b1c9d7e6f50", "tokens=x"})
        expectRejected(instance->verify(webhook(body, {}, query)), "missing token", query);
    // In a header instead of the query string: not where 23 Telecom's URL puts it.
    expectRejected(instance->verify(webhook(body, {{"token", kToken}})), "missing token");
}

TEST_F(Telecom23PluginTest, TokenWrongOrPrefixIsRejected) {
    auto instance = withToken();
    const auto body = fixture("dlr_seed_camel.json");
    const std::string right = kToken;
    for (const std::string& wrong :
         {std::string("wrong"), right.substr(0, right.size() - 1), right.substr(0, 1), right + "0",
          right + "%20", std::string("TOK_8F3A2B1C9D7E6F50"), std::string("")}) {
        expectRejected(instance->verify(webhook(body, {}, "token=" + wrong)), "token mismatch",
                       wrong);
    }
    // A broken percent-escape must be a refusal, never a hook error.
    for (const char* query : {"token=%zz", "token=%", "token=%E2%82"})
        expectRejected(instance->verify(webhook(body, {}, query)), "token mismatch", query);
    // Only the first value counts; a right second value does not rescue a wrong first one.
    expectRejected(instance->verify(webhook(body, {}, "token=wrong&token=" + right)),
                   "token mismatch");
}

TEST_F(Telecom23PluginTest, TokenIsPercentDecoded) {
    auto instance = make(R"(,"webhook_token":"a+b/c=d&e")");
    const auto body = fixture("dlr_seed_camel.json");
    EXPECT_EQ(instance->verify(webhook(body, {}, "token=a%2Bb%2Fc%3Dd%26e")).status, SB_OK);
    expectRejected(instance->verify(webhook(body, {}, "token=a%2Bb%2Fc%3Dd")), "token mismatch");
}

TEST_F(Telecom23PluginTest, TokenGivenButNotConfiguredIsIgnored) {
    const auto body = fixture("dlr_seed_camel.json");
    EXPECT_EQ(plain()->verify(webhook(body, {}, "token=anything")).status, SB_OK);
    // With only a signing secret, the signature decides and a stray token changes nothing.
    auto signedOnly = withSecret();
    HookResult result = signedOnly->verify(
        signedWebhook("dlr_signed.json", fixtureValue("dlr_signed.sig"), 4000, "token=anything"));
    EXPECT_EQ(result.status, SB_OK) << result.output;
}

// ---- verify: signature ---------------------------------------------------------------------

TEST_F(Telecom23PluginTest, ValidSignatureIsAccepted) {
    auto instance = withSecret();
    HookResult result =
        instance->verify(signedWebhook("dlr_signed.json", fixtureValue("dlr_signed.sig")));
    EXPECT_EQ(result.status, SB_OK) << result.output;
}

TEST_F(Telecom23PluginTest, UpperCaseHexSpellsTheSameMac) {
    auto instance = withSecret();
    HookResult result =
        instance->verify(signedWebhook("dlr_signed.json", fixtureValue("dlr_signed_upper.sig")));
    EXPECT_EQ(result.status, SB_OK) << result.output;
}

TEST_F(Telecom23PluginTest, MissingSignatureHeadersAreRejected) {
    auto instance = withSecret();
    const auto body = fixture("dlr_signed.json");
    const auto signature = fixtureValue("dlr_signed.sig");
    const std::int64_t at = timestampMs();
    expectRejected(
        instance->verify(webhook(body, {{"x-webhook-timestamp", timestampText()}}, "", at)),
        "missing X-Webhook-Signature");
    expectRejected(instance->verify(webhook(body, {{"x-webhook-signature", signature}}, "", at)),
                   "missing X-Webhook-Timestamp");
    expectRejected(instance->verify(webhook(body, {}, "", at)), "missing X-Webhook-Signature");
    // A valid token does not stand in for a configured signature.
    expectRejected(instance->verify(webhook(body, {}, std::string("token=") + kToken, at)),
                   "missing X-Webhook-Signature");
}

TEST_F(Telecom23PluginTest, MalformedSignaturesAreRejected) {
    auto instance = withSecret();
    const std::string good = fixtureValue("dlr_signed.sig");
    const std::string hex = good.substr(7);
    for (const std::string& bad : {
             good.substr(0, good.size() - 1),  // truncated
             good.substr(0, 7 + 32),           // half a MAC
             good + "0",                       // too long
             hex,                              // "sha256=" prefix missing
             "SHA256=" + hex,                  // prefix in another case
             "sha1=" + hex,                    // another algorithm
             "sha256 =" + hex,                 //
             "sha256=" + hex.substr(0, 63) + "g",
             "sha256=" + hex + "," + "sha256=" + hex,
             std::string("sha256="),
             std::string(""),
         }) {
        expectRejected(instance->verify(signedWebhook("dlr_signed.json", bad)),
                       "malformed signature", bad);
    }
}

TEST_F(Telecom23PluginTest, WrongSignaturesAreRejected) {
    auto instance = withSecret();
    expectRejected(instance->verify(signedWebhook("dlr_signed.json",
                                                  fixtureValue("dlr_signed_wrong_secret.sig"))),
                   "signature mismatch", "wrong secret");

    std::string flipped = fixtureValue("dlr_signed.sig");
    flipped.back() = flipped.back() == '0' ? '1' : '0';
    expectRejected(instance->verify(signedWebhook("dlr_signed.json", flipped)),
                   "signature mismatch", "one digit changed");

    // Same MAC, but the instance holds another secret.
    auto otherSecret = make(R"(,"webhook_secret":"whsec_23t_some_other_secretX")");
    expectRejected(
        otherSecret->verify(signedWebhook("dlr_signed.json", fixtureValue("dlr_signed.sig"))),
        "signature mismatch", "instance secret differs");
}

TEST_F(Telecom23PluginTest, TamperedBodyIsRejected) {
    auto instance = withSecret();
    expectRejected(
        instance->verify(signedWebhook("dlr_signed_tampered.json", fixtureValue("dlr_signed.sig"))),
        "signature mismatch");
}

TEST_F(Telecom23PluginTest, SignatureCoversTheRawBytesIncludingATrailingNewline) {
    auto instance = withSecret();
    EXPECT_EQ(instance
                  ->verify(signedWebhook("dlr_signed_newline.json",
                                         fixtureValue("dlr_signed_newline.sig")))
                  .status,
              SB_OK);
    expectRejected(
        instance->verify(signedWebhook("dlr_signed_newline.json", fixtureValue("dlr_signed.sig"))),
        "signature mismatch", "newline added after signing");
    expectRejected(
        instance->verify(signedWebhook("dlr_signed.json", fixtureValue("dlr_signed_newline.sig"))),
        "signature mismatch", "newline removed after signing");
}

TEST_F(Telecom23PluginTest, TheTimestampIsPartOfTheSignedText) {
    auto instance = withSecret();
    const auto body = fixture("dlr_signed.json");
    const std::string moved = std::to_string(std::stoll(timestampText()) + 1);
    HookResult result = instance->verify(webhook(
        body,
        {{"x-webhook-timestamp", moved}, {"x-webhook-signature", fixtureValue("dlr_signed.sig")}},
        "", timestampMs()));
    expectRejected(result, "signature mismatch");
}

TEST_F(Telecom23PluginTest, MalformedTimestampsAreRejected) {
    auto instance = withSecret();
    const auto body = fixture("dlr_signed.json");
    const std::string ts = timestampText();
    for (const std::string& bad :
         {std::string(""), std::string("abc"), ts + ".5", "-" + ts, "+" + ts, " " + ts, ts + "s",
          std::string("1e9"), std::string("99999999999999999999")}) {
        HookResult result = instance->verify(webhook(
            body,
            {{"x-webhook-timestamp", bad}, {"x-webhook-signature", fixtureValue("dlr_signed.sig")}},
            "", timestampMs()));
        expectRejected(result, "malformed X-Webhook-Timestamp", bad);
    }
}

TEST_F(Telecom23PluginTest, TimestampIsInSecondsNotMilliseconds) {
    // Correctly signed over a millisecond timestamp: read as seconds it lies ~56,000 years
    // ahead, so it is refused as stale rather than silently accepted.
    auto instance = withSecret();
    const std::string ms = std::to_string(timestampMs());
    HookResult result = instance->verify(
        webhook(fixture("dlr_signed.json"),
                {{"x-webhook-timestamp", ms},
                 {"x-webhook-signature", fixtureValue("dlr_signed_ms_timestamp.sig")}},
                "", timestampMs()));
    expectRejected(result, "stale timestamp");
}

TEST_F(Telecom23PluginTest, StaleTimestampsAreRejectedInBothDirections) {
    auto instance = withSecret();
    const auto signature = fixtureValue("dlr_signed.sig");
    for (std::int64_t offset : {std::int64_t{301000}, std::int64_t{-301000}, kToleranceMs + 1,
                                -kToleranceMs - 1, std::int64_t{86400000}}) {
        expectRejected(instance->verify(signedWebhook("dlr_signed.json", signature, offset)),
                       "stale timestamp", std::to_string(offset));
    }
}

TEST_F(Telecom23PluginTest, TimestampWindowBoundaryIsAccepted) {
    auto instance = withSecret();
    const auto signature = fixtureValue("dlr_signed.sig");
    for (std::int64_t offset :
         {kToleranceMs, -kToleranceMs, std::int64_t{0}, std::int64_t{299999}}) {
        HookResult result = instance->verify(signedWebhook("dlr_signed.json", signature, offset));
        EXPECT_EQ(result.status, SB_OK) << offset << ": " << result.output;
    }
}

TEST_F(Telecom23PluginTest, ToleranceIsConfigurable) {
    auto instance = withSecret(R"(,"signature_tolerance_s":60)");
    const auto signature = fixtureValue("dlr_signed.sig");
    EXPECT_EQ(instance->verify(signedWebhook("dlr_signed.json", signature, 60000)).status, SB_OK);
    expectRejected(instance->verify(signedWebhook("dlr_signed.json", signature, 60001)),
                   "stale timestamp");
}

TEST_F(Telecom23PluginTest, MissingReceiveTimeFailsClosed) {
    auto instance = withSecret();
    WebhookRequest request = signedWebhook("dlr_signed.json", fixtureValue("dlr_signed.sig"));
    request.receivedAtMs = 0;
    expectRejected(instance->verify(request), "stale timestamp");
}

TEST_F(Telecom23PluginTest, BothSchemesMustPass) {
    auto instance = withBoth();
    const auto good = fixtureValue("dlr_signed.sig");
    const std::string token = std::string("token=") + kToken;
    EXPECT_EQ(instance->verify(signedWebhook("dlr_signed.json", good, 4000, token)).status, SB_OK);
    expectRejected(instance->verify(signedWebhook("dlr_signed.json", good, 4000)), "missing token");
    expectRejected(instance->verify(signedWebhook("dlr_signed.json", good, 4000, "token=nope")),
                   "token mismatch");
    expectRejected(
        instance->verify(signedWebhook("dlr_signed.json",
                                       fixtureValue("dlr_signed_wrong_secret.sig"), 4000, token)),
        "signature mismatch");
    expectRejected(instance->verify(signedWebhook("dlr_signed_tampered.json", good, 4000, token)),
                   "signature mismatch");
    expectRejected(instance->verify(signedWebhook("dlr_signed.json", good, 301000, token)),
                   "stale timestamp");
    expectRejected(instance->verify(webhook(fixture("dlr_signed.json"), {}, token, timestampMs())),
                   "missing X-Webhook-Signature");
}

TEST_F(Telecom23PluginTest, VerifyWithoutConfiguredSchemesAcceptsEverything) {
    auto instance = plain();
    EXPECT_EQ(instance->verify(webhook(fixture("dlr_documented.json"))).status, SB_OK);
    EXPECT_EQ(instance->verify(signedWebhook("dlr_signed_tampered.json", "junk")).status, SB_OK);
}

// ---- parse ---------------------------------------------------------------------------------

TEST_F(Telecom23PluginTest, ParsesTheDocumentedPayload) {
    auto instance = plain();
    auto event = parseReceipt(*instance, fixture("dlr_documented.json"));
    EXPECT_EQ(keysOf(*event), (std::set<std::string>{"type", "provider_ref", "raw_status"}));
    EXPECT_EQ(event->getValue<std::string>("provider_ref"),
              "api_42_1743667200123456789_a3f8b2c1d9e45f67");
    EXPECT_EQ(event->getValue<std::string>("raw_status"), "DELIVRD");
}

TEST_F(Telecom23PluginTest, ParsesTheSeedsCamelCaseKey) {
    auto instance = plain();
    auto event = parseReceipt(*instance, fixture("dlr_seed_camel.json"));
    EXPECT_EQ(event->getValue<std::string>("provider_ref"), "abc-123");
    EXPECT_EQ(event->getValue<std::string>("raw_status"), "DELIVRD");
    EXPECT_EQ(parseReceipt(*instance, fixture("dlr_both_ids_equal.json"))
                  ->getValue<std::string>("provider_ref"),
              "t23-1");
}

TEST_F(Telecom23PluginTest, EveryDefaultRawStatusIsEmittedVerbatim) {
    auto instance = plain();
    auto table = parseJson(library_->descriptor().default_status_table_json);
    ASSERT_GT(table->size(), 0u);
    for (const auto& [raw, canonical] : *table) {
        for (const char* key : {"message_id", "messageId"}) {
            Object body;
            body.set(key, "t23-status-check");
            body.set("status", raw);
            std::ostringstream text;
            body.stringify(text);
            auto event = parseReceipt(*instance, text.str());
            EXPECT_EQ(event->getValue<std::string>("raw_status"), raw) << key;
            EXPECT_EQ(event->getValue<std::string>("provider_ref"), "t23-status-check") << key;
        }
    }
    // Statuses outside the table, odd case and spacing are the host's business, unchanged.
    for (const char* raw : {"Delivrd", " DELIVRD ", "SUBMITTED", "delivered"}) {
        auto event =
            parseReceipt(*instance, std::string(R"({"message_id":"m","status":")") + raw + R"("})");
        EXPECT_EQ(event->getValue<std::string>("raw_status"), raw);
    }
}

TEST_F(Telecom23PluginTest, CarriesErrorFields) {
    auto instance = plain();
    auto undeliv = parseReceipt(*instance, fixture("dlr_undeliv_status_code.json"));
    EXPECT_EQ(undeliv->getValue<std::string>("raw_status"), "UNDELIV");
    EXPECT_EQ(undeliv->getValue<std::string>("error_code"), "001");
    EXPECT_FALSE(undeliv->has("error_message"));

    auto camel = parseReceipt(*instance, fixture("dlr_error_fields_camel.json"));
    EXPECT_EQ(camel->getValue<std::string>("provider_ref"), "t23-77120");
    EXPECT_EQ(camel->getValue<std::string>("error_code"), "E451");
    EXPECT_EQ(camel->getValue<std::string>("error_message"),
              "Rejected by carrier: content filtered");

    auto snake = parseReceipt(*instance, fixture("dlr_error_fields_snake.json"));
    EXPECT_EQ(snake->getValue<std::string>("raw_status"), "EXPIRED");
    EXPECT_EQ(snake->getValue<std::string>("error_code"), "12");
    EXPECT_EQ(snake->getValue<std::string>("error_message"), "Validity period expired");

    auto longText =
        parseReceipt(*instance, R"({"message_id":"m","status":"UNDELIV","description":")" +
                                    std::string(500, 'x') + R"("})");
    EXPECT_EQ(longText->getValue<std::string>("error_message").size(), 200u);
}

TEST_F(Telecom23PluginTest, MalformedPayloadsAreBadInput) {
    auto instance = plain();
    for (const char* name : {"dlr_malformed.json", "dlr_array.json", "dlr_missing_status.json",
                             "dlr_numeric_status.json", "dlr_empty_id.json", "dlr_numeric_id.json",
                             "dlr_conflicting_ids.json", "other_smsretail_dlr.json",
                             "other_extreme_inbound.json", "other_twilio_form.txt"}) {
        HookResult result = instance->parse(webhook(fixture(name)));
        EXPECT_EQ(result.status, SB_BAD_INPUT) << name << ": " << result.output;
        EXPECT_FALSE(result.output.empty()) << name;
    }
    for (const char* body :
         {"", "null", "\"text\"", "42", "\xff\xfe", R"({"status":"DELIVRD"})",
          R"({"message_id":null,"status":"DELIVRD"})", R"({"message_id":"m","status":""})",
          R"({"message_id":"m","status":null})", R"({"message_id":"m","status":["DELIVRD"]})",
          R"({"messageId":"","status":"DELIVRD"})",
          R"({"message_id":"m","messageId":7,"status":"DELIVRD"})",
          R"({"message_id":true,"status":"DELIVRD"})"}) {
        EXPECT_EQ(instance->parse(webhook(body)).status, SB_BAD_INPUT) << body;
    }
}

// ---- build_send ----------------------------------------------------------------------------

TEST_F(Telecom23PluginTest, BuildsTheDocumentedSendRequest) {
    auto instance = plain();
    HookResult result = instance->buildSend(outbound("initial", "+14155551234", "Hello there"));
    ASSERT_EQ(result.status, SB_OK) << result.output;
    auto request = parseJson(result.output);
    EXPECT_EQ(request->getValue<std::string>("method"), "POST");
    EXPECT_EQ(request->getValue<std::string>("url"), kDefaultUrl);
    auto headers = request->getObject("headers");
    EXPECT_EQ(keysOf(*headers), (std::set<std::string>{"X-API-Key", "Content-Type", "Accept"}));
    EXPECT_EQ(headers->getValue<std::string>("X-API-Key"), kApiKey);
    EXPECT_EQ(headers->getValue<std::string>("Content-Type"), "application/json");
    EXPECT_EQ(headers->getValue<std::string>("Accept"), "application/json");
    EXPECT_EQ(request->getValue<std::string>("body"),
              R"({"to":["+14155551234"],"message":"Hello there","sender_id":"MyApp"})");
    // The sender_id that went on the wire, for the host to store on the message.
    EXPECT_EQ(request->getValue<std::string>("sender"), "MyApp");
}

TEST_F(Telecom23PluginTest, ApiKeyAppearsOnlyInItsHeader) {
    auto instance = plain();
    HookResult result = instance->buildSend(outbound("initial", "+14155551234", "Hi"));
    ASSERT_EQ(result.status, SB_OK) << result.output;
    auto request = parseJson(result.output);
    EXPECT_EQ(request->getValue<std::string>("url").find(kApiKey), std::string::npos);
    EXPECT_EQ(request->getValue<std::string>("body").find(kApiKey), std::string::npos);
    std::size_t count = 0;
    for (std::size_t at = result.output.find(kApiKey); at != std::string::npos;
         at = result.output.find(kApiKey, at + 1))
        ++count;
    EXPECT_EQ(count, 1u);
    EXPECT_FALSE(request->getObject("headers")->has("Authorization"));
}

TEST_F(Telecom23PluginTest, FromOverridesTheConfiguredSender) {
    auto instance = plain();
    HookResult result =
        instance->buildSend(outbound("initial", "+447911123456", "Hi", "+447700900123"));
    ASSERT_EQ(result.status, SB_OK) << result.output;
    EXPECT_EQ(parseJson(result.output)->getValue<std::string>("body"),
              R"({"to":["+447911123456"],"message":"Hi","sender_id":"+447700900123"})");
}

TEST_F(Telecom23PluginTest, ASenderIsRequired) {
    auto noDefault = std::make_unique<ProviderInstance>(
        *library_, "t", std::string(R"({"api_key":")") + kApiKey + R"("})");
    HookResult missing = noDefault->buildSend(outbound("initial", "+14155551234", "Hi"));
    EXPECT_EQ(missing.status, SB_BAD_INPUT);
    EXPECT_NE(missing.output.find("sender_id"), std::string::npos) << missing.output;
    EXPECT_EQ(noDefault->buildSend(outbound("initial", "+14155551234", "Hi", "Clinic")).status,
              SB_OK);
}

TEST_F(Telecom23PluginTest, ReplyAndCallbackUrlDoNotChangeTheRequest) {
    auto instance = plain();
    HookResult initial = instance->buildSend(outbound("initial", "+14155551234", "Same text"));
    HookResult reply = instance->buildSend(outbound("reply", "+14155551234", "Same text"));
    ASSERT_EQ(initial.status, SB_OK) << initial.output;
    ASSERT_EQ(reply.status, SB_OK) << reply.output;
    EXPECT_EQ(initial.output, reply.output);
    auto body = parseJson(parseJson(initial.output)->getValue<std::string>("body"));
    // No client reference or callback field exists in the documented send API.
    EXPECT_EQ(keysOf(*body), (std::set<std::string>{"to", "message", "sender_id"}));
}

TEST_F(Telecom23PluginTest, UnicodeAndEscapesRoundTripThroughTheSendBody) {
    auto instance = plain();
    const std::string text = "Ответ: ça marche 👍 \"ok\"\n\\ / \t end";
    HookResult result = instance->buildSend(outbound("initial", "+79161234567", text));
    ASSERT_EQ(result.status, SB_OK) << result.output;
    auto body = parseJson(parseJson(result.output)->getValue<std::string>("body"));
    EXPECT_EQ(body->getValue<std::string>("message"), text);
    EXPECT_EQ(body->getArray("to")->getElement<std::string>(0), "+79161234567");
}

TEST_F(Telecom23PluginTest, SendHonoursBaseUrlAndPathOverrides) {
    auto instance = make(R"(,"base_url":"http://127.0.0.1:8089/","send_path":"v9/sms/send")");
    HookResult result = instance->buildSend(outbound("initial", "+14155551234", "Hi"));
    ASSERT_EQ(result.status, SB_OK) << result.output;
    EXPECT_EQ(parseJson(result.output)->getValue<std::string>("url"),
              "http://127.0.0.1:8089/v9/sms/send");
}

TEST_F(Telecom23PluginTest, EmptyRecipientIsBadInput) {
    auto instance = plain();
    for (const char* to : {"", "   "}) {
        HookResult result = instance->buildSend(outbound("initial", to, "Hi"));
        EXPECT_EQ(result.status, SB_BAD_INPUT) << '"' << to << '"';
        EXPECT_FALSE(result.output.empty());
    }
}

// ---- parse_send_response -------------------------------------------------------------------

TEST_F(Telecom23PluginTest, AcceptedWithTheIdLaterSeenInDeliveryReports) {
    auto instance = plain();
    auto accepted = sendResult(*instance, 200, fixture("send_200.json"));
    EXPECT_EQ(accepted->getValue<std::string>("outcome"), "ACCEPTED");
    EXPECT_FALSE(accepted->has("error_code"));
    // [send] and [dlr] document the same id; the receipt must find the message by it.
    auto receipt = parseReceipt(*instance, fixture("dlr_documented.json"));
    EXPECT_EQ(accepted->getValue<std::string>("provider_ref"),
              receipt->getValue<std::string>("provider_ref"));

    auto messagesOnly = sendResult(*instance, 200, fixture("send_200_messages_only.json"));
    EXPECT_EQ(messagesOnly->getValue<std::string>("outcome"), "ACCEPTED");
    EXPECT_EQ(messagesOnly->getValue<std::string>("provider_ref"),
              "api_42_1743667200123456789_0a1b2c3d4e5f6071");
}

TEST_F(Telecom23PluginTest, AcceptedWithoutAnIdIsFlagged) {
    auto instance = plain();
    for (const char* name : {"send_200_no_id.json", "send_200_not_json.txt"}) {
        auto result = sendResult(*instance, 200, fixture(name));
        EXPECT_EQ(result->getValue<std::string>("outcome"), "ACCEPTED") << name;
        EXPECT_EQ(result->optValue<std::string>("provider_ref", ""), "") << name;
        EXPECT_EQ(result->getValue<std::string>("error_code"), "missing_message_id") << name;
    }
}

TEST_F(Telecom23PluginTest, StatusFalseInA2xxIsRejected) {
    auto instance = plain();
    auto result = sendResult(*instance, 200, fixture("send_200_status_false.json"));
    EXPECT_EQ(result->getValue<std::string>("outcome"), "REJECTED");
    EXPECT_EQ(result->getValue<std::string>("error_code"), "NO_SMS_ACCESS");
    EXPECT_EQ(result->getValue<std::string>("error_message"), "SMS not configured on the account");
}

TEST_F(Telecom23PluginTest, PerRecipientFailures) {
    auto instance = plain();
    auto blocked = sendResult(*instance, 200, fixture("send_200_blocked.json"));
    EXPECT_EQ(blocked->getValue<std::string>("outcome"), "REJECTED");
    EXPECT_EQ(blocked->getValue<std::string>("error_code"), "blocked");
    EXPECT_FALSE(blocked->has("provider_ref"));

    auto config = sendResult(*instance, 200, fixture("send_200_config_error.json"));
    EXPECT_EQ(config->getValue<std::string>("outcome"), "REJECTED");
    EXPECT_EQ(config->getValue<std::string>("error_code"), "config_error");

    auto queue = sendResult(*instance, 200, fixture("send_200_queue_error.json"));
    EXPECT_EQ(queue->getValue<std::string>("outcome"), "RETRY");
    EXPECT_EQ(queue->getValue<std::string>("error_code"), "queue_error");
}

TEST_F(Telecom23PluginTest, ClientErrorsAreRejectedWithTheProvidersCode) {
    auto instance = plain();
    const std::map<int, std::pair<std::string, std::string>> cases = {
        {400, {"send_400.json", "INVALID_BODY"}},
        {401, {"send_401.json", "INVALID_API_KEY"}},
        {402, {"send_402.json", "INSUFFICIENT_BALANCE"}},
        {403, {"send_403.json", "NO_SMS_ACCESS"}},
    };
    for (const auto& [status, expected] : cases) {
        auto result = sendResult(*instance, status, fixture(expected.first));
        EXPECT_EQ(result->getValue<std::string>("outcome"), "REJECTED") << status;
        EXPECT_EQ(result->getValue<std::string>("error_code"), expected.second) << status;
        EXPECT_FALSE(result->has("retry_after_s")) << status;
    }
    EXPECT_EQ(sendResult(*instance, 402, fixture("send_402.json"))
                  ->getValue<std::string>("error_message"),
              "Insufficient balance: required 0.01, available 0.00");
    auto notFound = sendResult(*instance, 404, "");
    EXPECT_EQ(notFound->getValue<std::string>("outcome"), "REJECTED");
    EXPECT_EQ(notFound->getValue<std::string>("error_code"), "http_404");
    EXPECT_EQ(sendResult(*instance, 301, "")->getValue<std::string>("outcome"), "REJECTED");
}

TEST_F(Telecom23PluginTest, TooManyRequestsIsThrottled) {
    auto instance = plain();
    auto json = sendResult(*instance, 429, fixture("send_429.json"), {{"retry-after", "30"}});
    EXPECT_EQ(json->getValue<std::string>("outcome"), "THROTTLED");
    EXPECT_EQ(json->getValue<int>("retry_after_s"), 30);
    EXPECT_EQ(json->getValue<std::string>("error_code"), "RATE_LIMIT_EXCEEDED");

    // [limits]: the per-IP limiter answers a bare 429 without a body or Retry-After.
    auto bare = sendResult(*instance, 429, "");
    EXPECT_EQ(bare->getValue<std::string>("outcome"), "THROTTLED");
    EXPECT_EQ(bare->getValue<std::string>("error_code"), "http_429");
    EXPECT_FALSE(bare->has("retry_after_s"));

    // [limits]: the edge proxy answers HTML.
    auto edge = sendResult(*instance, 429, fixture("send_429_edge.html"));
    EXPECT_EQ(edge->getValue<std::string>("outcome"), "THROTTLED");
    EXPECT_EQ(edge->getValue<std::string>("error_message").rfind("<html>", 0), 0u);

    auto httpDate = sendResult(*instance, 429, fixture("send_429.json"),
                               {{"retry-after", "Wed, 21 Oct 2015 07:28:00 GMT"}});
    EXPECT_EQ(httpDate->getValue<std::string>("outcome"), "THROTTLED");
    EXPECT_FALSE(httpDate->has("retry_after_s"));
}

TEST_F(Telecom23PluginTest, ServerErrorsAndTimeoutsAreRetried) {
    auto instance = plain();
    auto dbError = sendResult(*instance, 500, fixture("send_500.json"));
    EXPECT_EQ(dbError->getValue<std::string>("outcome"), "RETRY");
    EXPECT_EQ(dbError->getValue<std::string>("error_code"), "DB_ERROR");
    EXPECT_EQ(dbError->getValue<std::string>("error_message"),
              "Failed to queue messages, nothing was sent");

    auto unavailable = sendResult(*instance, 503, "", {{"retry-after", "120"}});
    EXPECT_EQ(unavailable->getValue<std::string>("outcome"), "RETRY");
    EXPECT_EQ(unavailable->getValue<int>("retry_after_s"), 120);
    EXPECT_EQ(unavailable->getValue<std::string>("error_code"), "http_503");

    EXPECT_EQ(sendResult(*instance, 408, "")->getValue<std::string>("outcome"), "RETRY");
}

TEST_F(Telecom23PluginTest, NonJsonBodiesNeverFail) {
    auto instance = plain();
    auto longHtml = sendResult(*instance, 400, fixture("send_400_long.html"));
    EXPECT_EQ(longHtml->getValue<std::string>("outcome"), "REJECTED");
    const std::string message = longHtml->getValue<std::string>("error_message");
    EXPECT_LE(message.size(), 200u);
    EXPECT_EQ(message.rfind("<html><body><h1>400 Bad Request</h1>", 0), 0u) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos);

    // Latin-1 bytes are not UTF-8; the result must still be a valid JSON document.
    auto latin1 = sendResult(*instance, 502, fixture("send_502_latin1.html"));
    EXPECT_EQ(latin1->getValue<std::string>("outcome"), "RETRY");
    EXPECT_NE(latin1->getValue<std::string>("error_message").find("Passerelle incorrecte"),
              std::string::npos);
    EXPECT_EQ(latin1->getValue<std::string>("error_message").find('\n'), std::string::npos);

    for (const char* body : {"[]", "null", "{\"status\":", "\xff\xfe"}) {
        HookResult result = instance->parseSendResponse(200, {}, body);
        EXPECT_EQ(result.status, SB_OK) << body << ": " << result.output;
        result = instance->parseSendResponse(400, {}, body);
        EXPECT_EQ(result.status, SB_OK) << body << ": " << result.output;
    }
}

// ---- webhook_response ----------------------------------------------------------------------

TEST_F(Telecom23PluginTest, WebhookResponseIsTheSameForEveryResult) {
    auto instance = withBoth();
    for (const char* outcome : {"accepted", "rejected", "ignored", "error"}) {
        HookResult result =
            instance->webhookResponse(std::string(R"({"result":")") + outcome + R"("})");
        ASSERT_EQ(result.status, SB_OK) << result.output;
        auto reply = parseJson(result.output);
        EXPECT_EQ(reply->getValue<int>("status"), 200);
        EXPECT_EQ(reply->getValue<std::string>("content_type"), "application/json");
        EXPECT_EQ(reply->getValue<std::string>("body"), R"({"success":true})");
    }
}

// ---- threading -----------------------------------------------------------------------------

TEST_F(Telecom23PluginTest, HooksRunConcurrentlyOnOneInstance) {
    auto instance = withBoth();
    const std::string token = std::string("token=") + kToken;
    const auto signature = fixtureValue("dlr_signed.sig");
    const auto wrong = fixtureValue("dlr_signed_wrong_secret.sig");
    const auto sendOk = fixture("send_200.json");
    constexpr int kThreads = 8;
    expectNoFailuresAcrossThreads(kThreads, 200, [&] {
        int failures = 0;
        auto good = signedWebhook("dlr_signed.json", signature, 4000, token);
        auto bad = signedWebhook("dlr_signed.json", wrong, 4000, token);
        if (instance->detect(good).status != SB_OK) ++failures;
        if (instance->verify(good).status != SB_OK) ++failures;
        if (instance->verify(bad).output != "signature mismatch") ++failures;
        if (instance->parse(good).status != SB_OK) ++failures;
        if (instance->buildSend(outbound("initial", "+14155551234", "x")).status != SB_OK)
            ++failures;
        if (instance->parseSendResponse(200, {}, sendOk).output.find("ACCEPTED") ==
            std::string::npos)
            ++failures;
        return failures;
    });
}

}  // namespace
