// Tests the built sb_smsretail.so through the host's own loader and ABI wrapper, so what is
// covered is exactly what the service will run: descriptor checks, JSON across the C
// boundary, and the codec's behaviour on fixture payloads. Every signature used here was
// computed by the openssl command line over the fixture files, not by the code under test
// (see fixtures/README.md).
#include "support/PluginTestHarness.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>

#ifndef SWITCHBOARD_SMSRETAIL_FIXTURES
#error "SWITCHBOARD_SMSRETAIL_FIXTURES must name tests/plugins/smsretail/fixtures"
#endif

namespace {

using Poco::JSON::Object;
using switchboard::plugin::HookResult;
using switchboard::plugin::ProviderInstance;
using switchboard::plugin::WebhookRequest;
using switchboard::testing::expectNoFailuresAcrossThreads;
using switchboard::testing::Headers;
using switchboard::testing::keysOf;
using switchboard::testing::parseEvent;
using switchboard::testing::parseJson;
using switchboard::testing::sendRequest;
using switchboard::testing::sendResult;

// The secret the fixture signatures were made with (fixtures/README.md).
constexpr const char* kSecret = "sr-test-secret-7f3a";
constexpr const char* kApiKey = "sr-api-key-0123456789";
constexpr const char* kSendUrl = "https://api.sms-retail.example/v1/messages";

std::string fixture(const std::string& name) {
    return switchboard::testing::readFixture(SWITCHBOARD_SMSRETAIL_FIXTURES, name);
}

// A stored signature: the fixture holds exactly the 64 hex digits openssl printed.
std::string signature(const std::string& name) { return fixture(name + ".sig"); }

std::string upper(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return s;
}

WebhookRequest webhook(const std::string& body, Headers headers = {}) {
    return switchboard::testing::jsonWebhook("/api/webhooks/sms", body, std::move(headers),
                                             "203.0.113.9");
}

WebhookRequest signedWebhook(const std::string& body, const std::string& sig) {
    return webhook(body, {{"x-signature", sig}});
}

std::string outbound(const std::string& to, const std::string& text,
                     std::optional<std::string> from = std::nullopt,
                     const std::string& kind = "initial",
                     Object::Ptr replyContext = Object::Ptr()) {
    return switchboard::testing::outboundMessage(kind, to, text, from, replyContext, std::nullopt);
}

class SmsRetailPluginTest : public switchboard::testing::PluginSuite<SmsRetailPluginTest> {
  public:
    static constexpr const char* kPluginFile = "sb_smsretail.so";

  protected:
    static std::unique_ptr<ProviderInstance> make(const std::string& configJson) {
        return std::make_unique<ProviderInstance>(*library_, "smsretail-test", configJson);
    }
    static std::unique_ptr<ProviderInstance> withSecret() {
        return make(std::string(R"({"webhook_secret":")") + kSecret + R"("})");
    }
    static std::unique_ptr<ProviderInstance> receiveOnly() { return make("{}"); }
    static std::string sendConfig(const std::string& extra = "") {
        return std::string(R"({"send_url":")") + kSendUrl + R"(","api_key":")" + kApiKey + R"(")" +
               extra + "}";
    }
    static std::unique_ptr<ProviderInstance> sender(const std::string& extra = "") {
        return make(sendConfig(extra));
    }

    // The single delivery receipt of a successful parse.
    static Object::Ptr parseReceipt(const ProviderInstance& instance, const std::string& body) {
        return parseEvent(instance, webhook(body), "delivery_receipt", body + ": ");
    }
};

// ---- descriptor and config ----------------------------------------------------------------

TEST_F(SmsRetailPluginTest, DescriptorNamesThePluginAndDeclaresItsSchema) {
    EXPECT_EQ(library_->name(), "smsretail");
    EXPECT_FALSE(library_->version().empty());
    EXPECT_EQ(library_->descriptor().capabilities & SB_CAP_MESSAGING, SB_CAP_MESSAGING);

    auto properties = parseJson(library_->descriptor().config_schema_json)->getObject("properties");
    EXPECT_EQ(
        keysOf(*properties),
        (std::set<std::string>{"webhook_secret", "signature_header", "send_url", "api_key",
                               "auth_header", "auth_scheme", "send_fields", "response_id_field"}));
    for (const char* key : {"webhook_secret", "api_key"}) {
        EXPECT_TRUE(properties->getObject(key)->getValue<bool>("secret")) << key;
        EXPECT_FALSE(properties->getObject(key)->getValue<bool>("required")) << key;
    }
    // A receive-only instance is legitimate, so nothing about sending is required.
    EXPECT_FALSE(properties->getObject("send_url")->optValue<bool>("required", false));
    EXPECT_EQ(properties->getObject("signature_header")->getValue<std::string>("default"),
              "X-Signature");
    EXPECT_EQ(properties->getObject("auth_header")->getValue<std::string>("default"),
              "Authorization");
    EXPECT_EQ(properties->getObject("auth_scheme")->getValue<std::string>("default"), "Bearer");
    EXPECT_EQ(properties->getObject("response_id_field")->getValue<std::string>("default"), "id");
    auto sendFields = properties->getObject("send_fields");
    EXPECT_EQ(sendFields->getValue<std::string>("type"), "string_map");
    auto defaults = sendFields->getObject("default");
    EXPECT_EQ(keysOf(*defaults), (std::set<std::string>{"to", "text", "from", "reference"}));
    EXPECT_EQ(defaults->getValue<std::string>("to"), "to");
    EXPECT_EQ(defaults->getValue<std::string>("text"), "message");
    EXPECT_EQ(defaults->getValue<std::string>("from"), "from");
    EXPECT_EQ(defaults->getValue<std::string>("reference"), "reference");
}

TEST_F(SmsRetailPluginTest, DefaultStatusTableIsSeed001sMap) {
    auto table = parseJson(library_->descriptor().default_status_table_json);
    EXPECT_EQ(keysOf(*table),
              (std::set<std::string>{"delivered", "DELIVRD", "sent", "failed", "undelivered",
                                     "UNDELIV", "pending", "queued"}));
    EXPECT_EQ(table->getValue<std::string>("delivered"), "DELIVERED");
    EXPECT_EQ(table->getValue<std::string>("DELIVRD"), "DELIVERED");
    EXPECT_EQ(table->getValue<std::string>("sent"), "SENT");
    EXPECT_EQ(table->getValue<std::string>("failed"), "FAILED");
    EXPECT_EQ(table->getValue<std::string>("undelivered"), "FAILED");
    EXPECT_EQ(table->getValue<std::string>("UNDELIV"), "FAILED");
    EXPECT_EQ(table->getValue<std::string>("pending"), "PENDING");
    EXPECT_EQ(table->getValue<std::string>("queued"), "PENDING");
}

TEST_F(SmsRetailPluginTest, AcceptsReceiveOnlyAndFullConfigs) {
    EXPECT_NO_THROW(make("{}"));
    EXPECT_NO_THROW(withSecret());
    EXPECT_NO_THROW(sender());
    EXPECT_NO_THROW(make(sendConfig(R"(,"webhook_secret":"s","signature_header":"X-Sig",)"
                                    R"("auth_header":"X-Api-Key","auth_scheme":"",)"
                                    R"("send_fields":{"to":"recipient"},)"
                                    R"("response_id_field":"data.messages.0.id")")));
}

TEST_F(SmsRetailPluginTest, RefusesInvalidConfigValues) {
    const char* bad[] = {
        R"({"webhook_secret":""})",
        R"({"send_url":""})",
        R"({"api_key":"  "})",
        R"({"send_url":"api.sms-retail.example/send"})",
        R"({"send_url":"ftp://api.sms-retail.example/send"})",
        R"({"send_url":"https://api.sms-retail.example/se nd"})",
        R"({"api_key":"abc\r\nX-Injected: 1"})",
        R"({"auth_scheme":"Bearer\r\nX-Injected: 1"})",
        R"({"signature_header":"X Bad:Header"})",
        R"({"signature_header":""})",
        R"({"auth_header":"Bad Header"})",
        R"({"auth_header":"content-type"})",
        R"({"send_fields":{"txt":"body"}})",
        R"({"send_fields":{"to":""}})",
        R"({"send_fields":{"text":"to"}})",
        R"({"response_id_field":""})",
        R"({"response_id_field":"data..id"})",
        R"({"response_id_field":".id"})",
        R"({"response_id_field":"data."})",
    };
    for (const char* config : bad) EXPECT_THROW(make(config), std::runtime_error) << config;
    try {
        make(R"({"webhook_secret":""})");
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("webhook_secret"), std::string::npos) << e.what();
    }
}

// ---- verify --------------------------------------------------------------------------------

TEST_F(SmsRetailPluginTest, VerifyAcceptsAValidSignature) {
    auto instance = withSecret();
    for (const char* name :
         {"dlr_delivered.json", "dlr_delivered_compact.json", "dlr_failed_pretty.json"}) {
        HookResult result = instance->verify(signedWebhook(fixture(name), signature(name)));
        EXPECT_EQ(result.status, SB_OK) << name << ": " << result.output;
    }
}

TEST_F(SmsRetailPluginTest, VerifyAcceptsUpperCaseHex) {
    auto instance = withSecret();
    const std::string sig = upper(signature("dlr_delivered.json"));
    ASSERT_NE(sig, signature("dlr_delivered.json"));  // the fixture really has letters
    EXPECT_EQ(instance->verify(signedWebhook(fixture("dlr_delivered.json"), sig)).status, SB_OK);
}

TEST_F(SmsRetailPluginTest, VerifyFindsTheHeaderWhateverItsCase) {
    auto instance = withSecret();
    const std::string body = fixture("dlr_delivered.json");
    for (const char* name : {"x-signature", "X-Signature", "X-SIGNATURE"}) {
        HookResult result =
            instance->verify(webhook(body, {{name, signature("dlr_delivered.json")}}));
        EXPECT_EQ(result.status, SB_OK) << name << ": " << result.output;
    }
    // Whitespace around the value is transport noise, not part of the signature.
    EXPECT_EQ(
        instance->verify(signedWebhook(body, " " + signature("dlr_delivered.json") + " ")).status,
        SB_OK);
}

TEST_F(SmsRetailPluginTest, VerifyRejectsAMissingSignature) {
    auto instance = withSecret();
    HookResult result = instance->verify(webhook(fixture("dlr_delivered.json")));
    EXPECT_EQ(result.status, SB_REJECTED);
    EXPECT_EQ(result.output, "missing X-Signature");
    // The signature in another header does not count.
    HookResult elsewhere = instance->verify(webhook(
        fixture("dlr_delivered.json"), {{"x-webhook-signature", signature("dlr_delivered.json")}}));
    EXPECT_EQ(elsewhere.status, SB_REJECTED);
    EXPECT_EQ(elsewhere.output, "missing X-Signature");
}

TEST_F(SmsRetailPluginTest, VerifyRejectsAWrongSignature) {
    auto instance = withSecret();
    const std::string body = fixture("dlr_delivered.json");
    const std::string wrong[] = {
        signature("dlr_delivered.json.wrong-secret"),  // right body, other secret
        signature("dlr_failed_pretty.json"),           // right secret, other body
        std::string(64, '0'),
        "sha256=" + signature("dlr_delivered.json"),
        "",
        "not hex at all",
    };
    for (const auto& sig : wrong) {
        HookResult result = instance->verify(signedWebhook(body, sig));
        EXPECT_EQ(result.status, SB_REJECTED) << sig;
        EXPECT_EQ(result.output, "signature mismatch") << sig;
    }
}

TEST_F(SmsRetailPluginTest, VerifyRejectsATruncatedOrExtendedSignature) {
    auto instance = withSecret();
    const std::string body = fixture("dlr_delivered.json");
    const std::string sig = signature("dlr_delivered.json");
    ASSERT_EQ(sig.size(), 64u);
    for (const auto& variant : {sig.substr(0, 63), sig.substr(0, 32), sig.substr(1), sig + "0"}) {
        HookResult result = instance->verify(signedWebhook(body, variant));
        EXPECT_EQ(result.status, SB_REJECTED) << variant;
        EXPECT_EQ(result.output, "signature mismatch") << variant;
    }
}

TEST_F(SmsRetailPluginTest, VerifyRejectsATamperedBody) {
    auto instance = withSecret();
    const std::string original = fixture("dlr_delivered.json");
    const std::string tampered = fixture("dlr_delivered_tampered.json");
    ASSERT_EQ(original.size(), tampered.size());
    ASSERT_EQ(
        std::mismatch(original.begin(), original.end(), tampered.begin()).first - original.begin(),
        11);  // exactly the one digit 12345 → 12346 differs ...
    ASSERT_EQ(original.substr(12), tampered.substr(12));  // ... and nothing after it
    HookResult result = instance->verify(signedWebhook(tampered, signature("dlr_delivered.json")));
    EXPECT_EQ(result.status, SB_REJECTED);
    EXPECT_EQ(result.output, "signature mismatch");
}

TEST_F(SmsRetailPluginTest, VerifyChecksTheRawBytesNotAReserialisedBody) {
    auto instance = withSecret();
    // The same JSON document with different whitespace: each verifies only against the
    // signature of its own bytes, so a verifier that re-serialised before hashing fails here.
    const std::string raw = fixture("dlr_delivered.json");
    const std::string compact = fixture("dlr_delivered_compact.json");
    ASSERT_NE(raw, compact);
    EXPECT_EQ(instance->verify(signedWebhook(raw, signature("dlr_delivered_compact.json"))).status,
              SB_REJECTED);
    EXPECT_EQ(instance->verify(signedWebhook(compact, signature("dlr_delivered.json"))).status,
              SB_REJECTED);
    // A pretty-printed body with multi-byte UTF-8 verifies as received.
    const std::string pretty = fixture("dlr_failed_pretty.json");
    EXPECT_EQ(instance->verify(signedWebhook(pretty, signature("dlr_failed_pretty.json"))).status,
              SB_OK);
    std::string trailingSpace = pretty + " ";
    EXPECT_EQ(
        instance->verify(signedWebhook(trailingSpace, signature("dlr_failed_pretty.json"))).status,
        SB_REJECTED);
}

TEST_F(SmsRetailPluginTest, VerifyUsesTheConfiguredHeaderName) {
    auto instance = make(std::string(R"({"webhook_secret":")") + kSecret +
                         R"(","signature_header":"X-SmsRetail-Signature"})");
    const std::string body = fixture("dlr_delivered.json");
    const std::string sig = signature("dlr_delivered.json");
    EXPECT_EQ(instance->verify(webhook(body, {{"x-smsretail-signature", sig}})).status, SB_OK);
    HookResult defaultHeader = instance->verify(signedWebhook(body, sig));
    EXPECT_EQ(defaultHeader.status, SB_REJECTED);
    EXPECT_EQ(defaultHeader.output, "missing X-SmsRetail-Signature");
}

TEST_F(SmsRetailPluginTest, VerifyWithoutConfiguredSecretAcceptsEverything) {
    auto instance = receiveOnly();
    const std::string body = fixture("dlr_delivered.json");
    EXPECT_EQ(instance->verify(webhook(body)).status, SB_OK);
    EXPECT_EQ(instance->verify(signedWebhook(body, "garbage")).status, SB_OK);
    EXPECT_EQ(instance->verify(webhook(fixture("dlr_delivered_tampered.json"))).status, SB_OK);
}

// ---- detect --------------------------------------------------------------------------------

TEST_F(SmsRetailPluginTest, DetectsNumericIdCallbacks) {
    auto instance = receiveOnly();
    for (const char* name :
         {"dlr_delivered.json", "dlr_delivered_compact.json", "dlr_failed_pretty.json",
          "dlr_big_id.json", "dlr_max_uint64_id.json", "dlr_undelivered_reason.json",
          "dlr_upper_case_code.json", "dlr_unknown_status.json",
          // Shape is sms-retail's; parse() then says what is wrong with the values.
          "dlr_numeric_status.json", "dlr_fractional_id.json", "dlr_negative_id.json",
          "dlr_uint64_overflow_id.json"}) {
        EXPECT_EQ(instance->detect(webhook(fixture(name))).status, SB_OK) << name;
    }
    // A non-string messageId does not make it 23 Telecom's.
    EXPECT_EQ(instance->detect(webhook(R"({"id":5,"status":"sent","messageId":null})")).status,
              SB_OK);
}

TEST_F(SmsRetailPluginTest, DoesNotDetectOtherPayloads) {
    auto instance = receiveOnly();
    for (const char* name :
         {"dlr_string_id.json", "dlr_missing_status.json", "dlr_malformed.json", "dlr_array.json",
          "other_telecom23_messageId.json", "other_telecom23_message_id.json",
          "other_telecom23_with_numeric_id.json", "other_extreme_inbound.json",
          "other_twilio_form.txt"}) {
        EXPECT_EQ(instance->detect(webhook(fixture(name))).status, SB_NOT_MINE) << name;
    }
    for (const char* body :
         {"", "null", "[]", "42", "\xff\xfe", R"({"status":"delivered"})",
          R"({"id":true,"status":"delivered"})", R"({"id":null,"status":"delivered"})",
          R"({"id":{"value":1},"status":"delivered"})", R"({"id":[1],"status":"delivered"})",
          R"({"id":5,"message_id":"x","status":"delivered"})"}) {
        EXPECT_EQ(instance->detect(webhook(body)).status, SB_NOT_MINE) << body;
    }
}

// ---- parse ---------------------------------------------------------------------------------

TEST_F(SmsRetailPluginTest, ParsesEveryStatusOfTheDefaultTable) {
    auto instance = receiveOnly();
    auto table = parseJson(library_->descriptor().default_status_table_json);
    ASSERT_GT(table->size(), 0u);
    for (const auto& [raw, canonical] : *table) {
        auto receipt = parseReceipt(*instance, R"({"id": 12345, "status": ")" + raw + R"("})");
        EXPECT_EQ(receipt->getValue<std::string>("provider_ref"), "12345") << raw;
        EXPECT_EQ(receipt->getValue<std::string>("raw_status"), raw);
        EXPECT_FALSE(receipt->has("error_code")) << raw;
        EXPECT_FALSE(receipt->has("error_message")) << raw;
    }
}

TEST_F(SmsRetailPluginTest, PassesUnknownAndOddlyWrittenStatusesThroughExactly) {
    auto instance = receiveOnly();
    auto unknown = parseReceipt(*instance, fixture("dlr_unknown_status.json"));
    EXPECT_EQ(unknown->getValue<std::string>("provider_ref"), "12350");
    EXPECT_EQ(unknown->getValue<std::string>("raw_status"), "expired");
    // Normalising is the host's job; the plugin must not change case or trim.
    for (const char* raw : {"Delivered", " delivered ", "DELIVERED", "délivré"}) {
        auto receipt =
            parseReceipt(*instance, std::string(R"({"id": 1, "status": ")") + raw + R"("})");
        EXPECT_EQ(receipt->getValue<std::string>("raw_status"), raw);
    }
}

TEST_F(SmsRetailPluginTest, ParsesErrorDetails) {
    auto instance = receiveOnly();
    auto failed = parseReceipt(*instance, fixture("dlr_failed_pretty.json"));
    EXPECT_EQ(failed->getValue<std::string>("provider_ref"), "12347");
    EXPECT_EQ(failed->getValue<std::string>("raw_status"), "failed");
    EXPECT_EQ(failed->getValue<std::string>("error_code"), "34");
    EXPECT_EQ(failed->getValue<std::string>("error_message"), "Abonné absent — handset off");

    auto reason = parseReceipt(*instance, fixture("dlr_undelivered_reason.json"));
    EXPECT_EQ(reason->getValue<std::string>("provider_ref"), "12348");
    EXPECT_EQ(reason->getValue<std::string>("raw_status"), "undelivered");
    EXPECT_EQ(reason->getValue<std::string>("error_code"), "UNDELIV-01");
    EXPECT_EQ(reason->getValue<std::string>("error_message"), "Number not in service");

    // "error" wins over "reason" when both are present.
    auto both =
        parseReceipt(*instance, R"({"id":1,"status":"failed","error":"first","reason":"second"})");
    EXPECT_EQ(both->getValue<std::string>("error_message"), "first");
}

TEST_F(SmsRetailPluginTest, IgnoresExtraFieldsAndOddlyTypedOptionalOnes) {
    auto instance = receiveOnly();
    auto receipt = parseReceipt(*instance, fixture("dlr_upper_case_code.json"));
    EXPECT_EQ(receipt->getValue<std::string>("provider_ref"), "12349");
    EXPECT_EQ(receipt->getValue<std::string>("raw_status"), "DELIVRD");

    // A receipt is not dropped over the shape of a field that only decorates it.
    auto odd = parseReceipt(
        *instance,
        R"({"id":7,"status":"failed","error_code":true,"error":{"text":"x"},"reason":null})");
    EXPECT_EQ(odd->getValue<std::string>("raw_status"), "failed");
    EXPECT_FALSE(odd->has("error_code"));
    EXPECT_FALSE(odd->has("error_message"));

    // Multi-line error text becomes one line.
    auto multiLine =
        parseReceipt(*instance, R"({"id":8,"status":"failed","error":"line one\nline two"})");
    EXPECT_EQ(multiLine->getValue<std::string>("error_message"), "line one line two");
}

TEST_F(SmsRetailPluginTest, RendersIdsExactly) {
    auto instance = receiveOnly();
    EXPECT_EQ(parseReceipt(*instance, fixture("dlr_delivered.json"))
                  ->getValue<std::string>("provider_ref"),
              "12345");
    // 2^53 + 1: a double would give ...992.
    EXPECT_EQ(
        parseReceipt(*instance, fixture("dlr_big_id.json"))->getValue<std::string>("provider_ref"),
        "9007199254740993");
    // 2^64 - 1: only an unsigned 64-bit read keeps it.
    EXPECT_EQ(parseReceipt(*instance, fixture("dlr_max_uint64_id.json"))
                  ->getValue<std::string>("provider_ref"),
              "18446744073709551615");
    const std::pair<const char*, const char*> cases[] = {
        {"0", "0"},
        {"9223372036854775807", "9223372036854775807"},
        {"9223372036854775808", "9223372036854775808"},
        {"12345.0", "12345"},
        {"1.2345e4", "12345"},
    };
    for (const auto& [json, text] : cases) {
        auto receipt =
            parseReceipt(*instance, std::string(R"({"id": )") + json + R"(, "status": "sent"})");
        EXPECT_EQ(receipt->getValue<std::string>("provider_ref"), text) << json;
        // A string in the output document, never a number.
        EXPECT_TRUE(receipt->get("provider_ref").isString()) << json;
    }
}

TEST_F(SmsRetailPluginTest, MalformedPayloadsAreBadInput) {
    auto instance = receiveOnly();
    for (const char* name :
         {"dlr_malformed.json", "dlr_array.json", "dlr_string_id.json", "dlr_missing_status.json",
          "dlr_numeric_status.json", "dlr_fractional_id.json", "dlr_negative_id.json",
          // Poco 1.11 would wrap 2^64 to 0; it must be refused, not stored as "0".
          "dlr_uint64_overflow_id.json", "other_telecom23_messageId.json",
          "other_twilio_form.txt"}) {
        HookResult result = instance->parse(webhook(fixture(name)));
        EXPECT_EQ(result.status, SB_BAD_INPUT) << name << ": " << result.output;
        EXPECT_FALSE(result.output.empty()) << name;
    }
    for (const char* body : {"", "null", "\"text\"", "42", R"({"id":12345,"status":""})",
                             R"({"id":12345,"status":null})", R"({"id":null,"status":"sent"})",
                             R"({"id":true,"status":"sent"})", R"({"id":1e30,"status":"sent"})",
                             R"({"id":9007199254740993.0,"status":"sent"})",
                             R"({"id":18446744073709551619,"status":"sent"})",
                             R"({"id":12345,"status":["delivered"]})"}) {
        EXPECT_EQ(instance->parse(webhook(body)).status, SB_BAD_INPUT) << body;
    }
    // The reason names the field.
    HookResult stringId = instance->parse(webhook(fixture("dlr_string_id.json")));
    EXPECT_NE(stringId.output.find("'id'"), std::string::npos) << stringId.output;
}

// ---- build_send ----------------------------------------------------------------------------

TEST_F(SmsRetailPluginTest, BuildsTheSendRequestWithDefaults) {
    auto instance = sender();
    auto request = sendRequest(*instance, outbound("+14155550123", "Hello there"));
    EXPECT_EQ(request->getValue<std::string>("method"), "POST");
    EXPECT_EQ(request->getValue<std::string>("url"), kSendUrl);
    auto headers = request->getObject("headers");
    EXPECT_EQ(keysOf(*headers), (std::set<std::string>{"Authorization", "Content-Type", "Accept"}));
    EXPECT_EQ(headers->getValue<std::string>("Authorization"), std::string("Bearer ") + kApiKey);
    EXPECT_EQ(headers->getValue<std::string>("Content-Type"), "application/json");
    EXPECT_EQ(headers->getValue<std::string>("Accept"), "application/json");
    EXPECT_EQ(request->getValue<std::string>("body"),
              R"({"to":"+14155550123","message":"Hello there","reference":"42"})");
}

TEST_F(SmsRetailPluginTest, SendCarriesFromOnlyWhenGiven) {
    auto instance = sender();
    auto withFrom = sendRequest(*instance, outbound("+14155550123", "Hi", "+14155550100"));
    EXPECT_EQ(withFrom->getValue<std::string>("body"),
              R"({"to":"+14155550123","message":"Hi","from":"+14155550100","reference":"42"})");
    EXPECT_EQ(withFrom->getValue<std::string>("sender"), "+14155550100");
    auto emptyFrom = sendRequest(*instance, outbound("+14155550123", "Hi", ""));
    EXPECT_EQ(keysOf(*parseJson(emptyFrom->getValue<std::string>("body"))),
              (std::set<std::string>{"to", "message", "reference"}));
    EXPECT_FALSE(emptyFrom->has("sender"));  // the account's default: not known here
}

TEST_F(SmsRetailPluginTest, SendHonoursCustomFieldNamesAndRawKeyAuth) {
    auto instance = sender(
        R"(,"auth_header":"X-Api-Key","auth_scheme":"",)"
        R"("send_fields":{"to":"recipient","text":"body","from":"sender","reference":"client_ref"})");
    auto request = sendRequest(*instance, outbound("+447700900123", "Custom", "ACME"));
    auto headers = request->getObject("headers");
    EXPECT_EQ(keysOf(*headers), (std::set<std::string>{"X-Api-Key", "Content-Type", "Accept"}));
    EXPECT_EQ(headers->getValue<std::string>("X-Api-Key"), kApiKey);
    EXPECT_EQ(request->getValue<std::string>("body"),
              R"({"recipient":"+447700900123","body":"Custom","sender":"ACME","client_ref":"42"})");
}

TEST_F(SmsRetailPluginTest, SendHonoursACustomAuthSchemeAndPartialFieldMap) {
    auto instance = sender(R"(,"auth_scheme":"Token","send_fields":{"text":"text"})");
    auto request = sendRequest(*instance, outbound("+14155550123", "Hi"));
    EXPECT_EQ(request->getObject("headers")->getValue<std::string>("Authorization"),
              std::string("Token ") + kApiKey);
    EXPECT_EQ(request->getValue<std::string>("body"),
              R"({"to":"+14155550123","text":"Hi","reference":"42"})");
}

TEST_F(SmsRetailPluginTest, ReplyIsSentLikeAnInitialMessage) {
    auto instance = sender();
    Object::Ptr context = new Object;
    context->set("usedmodem", "7");
    auto request =
        sendRequest(*instance, outbound("+14155550123", "Thanks", std::nullopt, "reply", context));
    EXPECT_EQ(request->getValue<std::string>("body"),
              R"({"to":"+14155550123","message":"Thanks","reference":"42"})");
}

TEST_F(SmsRetailPluginTest, UnicodeAndEscapesRoundTripThroughTheSendBody) {
    auto instance = sender();
    const std::string text = "Ответ: ça marche 👍 \"ok\"\n\\ / \t end";
    auto request = sendRequest(*instance, outbound("+79161234567", text));
    auto body = parseJson(request->getValue<std::string>("body"));
    EXPECT_EQ(body->getValue<std::string>("message"), text);
}

TEST_F(SmsRetailPluginTest, AnInstanceWithoutSendConfigCannotSend) {
    const std::pair<std::string, std::string> cases[] = {
        {"{}", "send_url"},
        {R"({"api_key":"k"})", "send_url"},
        {std::string(R"({"send_url":")") + kSendUrl + R"("})", "api_key"},
    };
    for (const auto& [config, missing] : cases) {
        HookResult result = make(config)->buildSend(outbound("+14155550123", "Hi"));
        EXPECT_EQ(result.status, SB_BAD_INPUT) << config;
        EXPECT_NE(result.output.find(missing), std::string::npos) << result.output;
    }
}

TEST_F(SmsRetailPluginTest, EmptyRecipientIsBadInput) {
    HookResult result = sender()->buildSend(outbound("", "Hi"));
    EXPECT_EQ(result.status, SB_BAD_INPUT);
    EXPECT_FALSE(result.output.empty());
}

// ---- parse_send_response -------------------------------------------------------------------

TEST_F(SmsRetailPluginTest, AcceptedReferenceMatchesWhatTheCallbackWillCarry) {
    auto instance = sender();
    for (const auto& [responseFixture, callbackId] :
         {std::pair<const char*, const char*>{"send_200_id.json", "987654321"},
          {"send_200_big_id.json", "9007199254740993"},
          {"send_200_string_id.json", "987654322"}}) {
        auto result = sendResult(*instance, 200, fixture(responseFixture));
        EXPECT_EQ(result->getValue<std::string>("outcome"), "ACCEPTED") << responseFixture;
        const std::string ref = result->getValue<std::string>("provider_ref");
        EXPECT_EQ(ref, callbackId) << responseFixture;
        // The later callback carries the id as a JSON number; both sides must agree.
        auto receipt = parseReceipt(
            *instance, std::string(R"({"id": )") + callbackId + R"(, "status": "delivered"})");
        EXPECT_EQ(receipt->getValue<std::string>("provider_ref"), ref) << responseFixture;
    }
    EXPECT_EQ(sendResult(*instance, 201, R"({"id": 55.0})")->getValue<std::string>("provider_ref"),
              "55");
}

TEST_F(SmsRetailPluginTest, ResponseIdFieldFollowsADottedPath) {
    auto nested = sender(R"(,"response_id_field":"data.id")");
    auto result = sendResult(*nested, 200, fixture("send_200_data_id.json"));
    EXPECT_EQ(result->getValue<std::string>("outcome"), "ACCEPTED");
    EXPECT_EQ(result->getValue<std::string>("provider_ref"), "987654323");

    auto indexed = sender(R"(,"response_id_field":"messages.0.id")");
    auto fromArray = sendResult(*indexed, 200, fixture("send_200_messages_array.json"));
    EXPECT_EQ(fromArray->getValue<std::string>("provider_ref"), "987654324");
    auto outOfRange = sendResult(*indexed, 200, R"({"messages": []})");
    EXPECT_EQ(outOfRange->getValue<std::string>("outcome"), "ACCEPTED");
    EXPECT_FALSE(outOfRange->has("provider_ref"));

    // The default path does not look inside "data".
    auto flat = sendResult(*sender(), 200, fixture("send_200_data_id.json"));
    EXPECT_EQ(flat->getValue<std::string>("outcome"), "ACCEPTED");
    EXPECT_FALSE(flat->has("provider_ref"));
}

TEST_F(SmsRetailPluginTest, AcceptedWithoutAUsableIdHasNoReference) {
    auto instance = sender();
    for (const std::string& body :
         {fixture("send_200_no_id.json"), fixture("send_200_not_json.txt"), std::string(),
          std::string(R"({"id": 1.5})"), std::string(R"({"id": true})"),
          std::string(R"({"id": {"value": 1}})"), std::string(R"({"id": "  "})"),
          std::string(R"([{"id": 1}])")}) {
        auto result = sendResult(*instance, 200, body);
        EXPECT_EQ(result->getValue<std::string>("outcome"), "ACCEPTED") << body;
        EXPECT_FALSE(result->has("provider_ref")) << body;
    }
}

TEST_F(SmsRetailPluginTest, ClientErrorsAreRejected) {
    auto instance = sender();
    auto badRequest = sendResult(*instance, 400, fixture("send_400.json"));
    EXPECT_EQ(badRequest->getValue<std::string>("outcome"), "REJECTED");
    EXPECT_EQ(badRequest->getValue<std::string>("error_code"), "http_400");
    EXPECT_EQ(badRequest->getValue<std::string>("error_message"),
              "The to field must be a valid phone number.");

    auto unauthorised = sendResult(*instance, 401, fixture("send_401.json"));
    EXPECT_EQ(unauthorised->getValue<std::string>("outcome"), "REJECTED");
    EXPECT_EQ(unauthorised->getValue<std::string>("error_code"), "http_401");
    EXPECT_EQ(unauthorised->getValue<std::string>("error_message"), "Invalid API key");

    auto nested = sendResult(*instance, 422, fixture("send_422_nested_error.json"));
    EXPECT_EQ(nested->getValue<std::string>("outcome"), "REJECTED");
    EXPECT_EQ(nested->getValue<std::string>("error_code"), "http_422");
    EXPECT_EQ(nested->getValue<std::string>("error_message"), "Sender id is not registered");

    auto notFound = sendResult(*instance, 404, "");
    EXPECT_EQ(notFound->getValue<std::string>("outcome"), "REJECTED");
    EXPECT_EQ(notFound->getValue<std::string>("error_code"), "http_404");
    EXPECT_FALSE(notFound->has("provider_ref"));
}

TEST_F(SmsRetailPluginTest, TooManyRequestsIsThrottledWithRetryAfter) {
    auto instance = sender();
    auto result = sendResult(*instance, 429, fixture("send_429.json"), {{"retry-after", "30"}});
    EXPECT_EQ(result->getValue<std::string>("outcome"), "THROTTLED");
    EXPECT_EQ(result->getValue<int>("retry_after_s"), 30);
    EXPECT_EQ(result->getValue<std::string>("error_code"), "http_429");
    EXPECT_EQ(result->getValue<std::string>("error_message"), "Rate limit exceeded");

    auto noHeader = sendResult(*instance, 429, fixture("send_429.json"));
    EXPECT_EQ(noHeader->getValue<std::string>("outcome"), "THROTTLED");
    EXPECT_FALSE(noHeader->has("retry_after_s"));

    for (const char* value : {"Wed, 21 Oct 2015 07:28:00 GMT", "-5", "10s", ""}) {
        auto ignored =
            sendResult(*instance, 429, fixture("send_429.json"), {{"retry-after", value}});
        EXPECT_EQ(ignored->getValue<std::string>("outcome"), "THROTTLED") << value;
        EXPECT_FALSE(ignored->has("retry_after_s")) << value;
    }
}

TEST_F(SmsRetailPluginTest, ServerErrorsAndTimeoutsAreRetried) {
    auto instance = sender();
    auto serverError = sendResult(*instance, 500, fixture("send_500.html"));
    EXPECT_EQ(serverError->getValue<std::string>("outcome"), "RETRY");
    EXPECT_EQ(serverError->getValue<std::string>("error_code"), "http_500");

    auto unavailable =
        sendResult(*instance, 503, fixture("send_503.json"), {{"retry-after", "120"}});
    EXPECT_EQ(unavailable->getValue<std::string>("outcome"), "RETRY");
    EXPECT_EQ(unavailable->getValue<int>("retry_after_s"), 120);
    EXPECT_EQ(unavailable->getValue<std::string>("error_message"),
              "Service temporarily unavailable");

    auto timeout = sendResult(*instance, 408, "");
    EXPECT_EQ(timeout->getValue<std::string>("outcome"), "RETRY");
    EXPECT_EQ(timeout->getValue<std::string>("error_code"), "http_408");
}

TEST_F(SmsRetailPluginTest, NonJsonBodiesNeverFail) {
    auto instance = sender();
    auto longHtml = sendResult(*instance, 400, fixture("send_400_long.html"));
    EXPECT_EQ(longHtml->getValue<std::string>("outcome"), "REJECTED");
    const std::string message = longHtml->getValue<std::string>("error_message");
    EXPECT_LE(message.size(), 200u);
    EXPECT_EQ(message.rfind("<html><body><h1>400 Bad Request</h1>", 0), 0u) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos);

    // Latin-1 bytes are not UTF-8; the result must still be a valid JSON document.
    auto latin1 = sendResult(*instance, 502, fixture("send_502_latin1.html"));
    EXPECT_EQ(latin1->getValue<std::string>("outcome"), "RETRY");
    EXPECT_NE(latin1->getValue<std::string>("error_message").find("Erreur du serveur"),
              std::string::npos);

    // A redirect the host did not follow cannot succeed by retrying.
    EXPECT_EQ(sendResult(*instance, 302, "")->getValue<std::string>("outcome"), "REJECTED");
}

// ---- webhook_response ----------------------------------------------------------------------

TEST_F(SmsRetailPluginTest, WebhookResponseIsTheSameForEveryResult) {
    auto instance = withSecret();
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

TEST_F(SmsRetailPluginTest, HooksRunConcurrentlyOnOneInstance) {
    auto instance = make(sendConfig(std::string(R"(,"webhook_secret":")") + kSecret + "\""));
    const std::string body = fixture("dlr_failed_pretty.json");
    const std::string sig = signature("dlr_failed_pretty.json");
    const std::string response = fixture("send_200_id.json");
    expectNoFailuresAcrossThreads(4, 200, [&] {
        int failures = 0;
        auto request = signedWebhook(body, sig);
        if (instance->detect(request).status != SB_OK) ++failures;
        if (instance->verify(request).status != SB_OK) ++failures;
        if (instance->verify(signedWebhook(body, std::string(64, 'a'))).status != SB_REJECTED)
            ++failures;
        HookResult parsed = instance->parse(request);
        if (!parsed.ok() || parsed.output.find("\"12347\"") == std::string::npos) ++failures;
        if (instance->buildSend(outbound("+14155550123", "x")).status != SB_OK) ++failures;
        HookResult sent = instance->parseSendResponse(200, {}, response);
        if (!sent.ok() || sent.output.find("\"987654321\"") == std::string::npos) ++failures;
        return failures;
    });
}

}  // namespace
