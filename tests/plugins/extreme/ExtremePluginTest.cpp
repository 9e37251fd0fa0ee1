// Tests the built sb_extreme.so through the host's own loader and ABI wrapper, so what is
// covered is exactly what the service will run: descriptor checks, JSON across the C
// boundary, and the codec's behaviour on fixture payloads (see fixtures/README.md).
#include "support/PluginTestHarness.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>

#ifndef SWITCHBOARD_EXTREME_FIXTURES
#error "SWITCHBOARD_EXTREME_FIXTURES must name tests/plugins/extreme/fixtures"
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
using switchboard::testing::sendResult;

constexpr const char* kApiKey = "ext-test-key-0123456789";
constexpr const char* kSecret = "wh-secret-abcdef";
constexpr const char* kDefaultUrl = "https://extremesms.net/api/v2/sms/sendsingle";

std::string fixture(const std::string& name) {
    return switchboard::testing::readFixture(SWITCHBOARD_EXTREME_FIXTURES, name);
}

WebhookRequest webhook(const std::string& body, Headers headers = {}) {
    return switchboard::testing::jsonWebhook("/api/webhook/extreme", body, std::move(headers),
                                             "203.0.113.7");
}

std::string outbound(const std::string& kind, const std::string& to, const std::string& text,
                     Object::Ptr replyContext = Object::Ptr()) {
    return switchboard::testing::outboundMessage(kind, to, text, std::nullopt, replyContext,
                                                 std::nullopt);
}

class ExtremePluginTest : public switchboard::testing::PluginSuite<ExtremePluginTest> {
  public:
    static constexpr const char* kPluginFile = "sb_extreme.so";

  protected:
    static std::unique_ptr<ProviderInstance> make(const std::string& configJson) {
        return std::make_unique<ProviderInstance>(*library_, "extreme-test", configJson);
    }
    static std::unique_ptr<ProviderInstance> withSecret() {
        return make(std::string(R"({"api_key":")") + kApiKey + R"(","webhook_secret":")" + kSecret +
                    R"("})");
    }
    static std::unique_ptr<ProviderInstance> plain() {
        return make(std::string(R"({"api_key":")") + kApiKey + R"("})");
    }

    // The single inbound event of a successful parse.
    static Object::Ptr parseInbound(const ProviderInstance& instance, const std::string& body) {
        return parseEvent(instance, webhook(body), "inbound");
    }
};

// ---- descriptor and config ----------------------------------------------------------------

TEST_F(ExtremePluginTest, DescriptorNamesThePluginAndDeclaresItsSchema) {
    EXPECT_EQ(library_->name(), "extreme");
    EXPECT_FALSE(library_->version().empty());
    EXPECT_EQ(library_->descriptor().capabilities & SB_CAP_MESSAGING, SB_CAP_MESSAGING);
    EXPECT_EQ(keysOf(*parseJson(library_->descriptor().default_status_table_json)).size(), 0u);

    auto properties = parseJson(library_->descriptor().config_schema_json)->getObject("properties");
    EXPECT_EQ(keysOf(*properties), (std::set<std::string>{"base_url", "api_key", "webhook_secret",
                                                          "webhook_secret_header", "send_path",
                                                          "inbound_fields", "send_fields"}));
    auto apiKey = properties->getObject("api_key");
    EXPECT_TRUE(apiKey->getValue<bool>("required"));
    EXPECT_TRUE(apiKey->getValue<bool>("secret"));
    EXPECT_TRUE(properties->getObject("webhook_secret")->getValue<bool>("secret"));
    EXPECT_EQ(properties->getObject("base_url")->getValue<std::string>("default"),
              "https://extremesms.net");
    EXPECT_EQ(properties->getObject("webhook_secret_header")->getValue<std::string>("default"),
              "X-Webhook-Secret");
    EXPECT_EQ(properties->getObject("send_path")->getValue<std::string>("default"),
              "/api/v2/sms/sendsingle");
    auto inbound = properties->getObject("inbound_fields");
    EXPECT_EQ(inbound->getValue<std::string>("type"), "string_map");
    auto inboundDefaults = inbound->getObject("default");
    EXPECT_EQ(inboundDefaults->getValue<std::string>("modem"), "usedmodem");
    EXPECT_EQ(inboundDefaults->getValue<std::string>("sender"), "sender");
    auto sendDefaults = properties->getObject("send_fields")->getObject("default");
    EXPECT_EQ(sendDefaults->getValue<std::string>("modem"), "usemodem");
    EXPECT_EQ(sendDefaults->getValue<std::string>("recipient"), "recipient");
}

TEST_F(ExtremePluginTest, RefusesConfigWithoutApiKey) {
    EXPECT_THROW(make("{}"), std::runtime_error);
    EXPECT_THROW(make(R"({"api_key":"  "})"), std::runtime_error);
    try {
        make("{}");
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("api_key"), std::string::npos) << e.what();
    }
}

TEST_F(ExtremePluginTest, RefusesInvalidConfigValues) {
    const std::string key = std::string(R"("api_key":")") + kApiKey + R"(")";
    EXPECT_THROW(make("{" + key + R"(,"webhook_secret":""})"), std::runtime_error);
    EXPECT_THROW(make("{" + key + R"(,"base_url":"extremesms.net"})"), std::runtime_error);
    EXPECT_THROW(make("{" + key + R"(,"base_url":"ftp://extremesms.net"})"), std::runtime_error);
    EXPECT_THROW(make("{" + key + R"(,"webhook_secret_header":"X Bad:Header"})"),
                 std::runtime_error);
    EXPECT_THROW(make("{" + key + R"(,"inbound_fields":{"modm":"x"}})"), std::runtime_error);
    EXPECT_THROW(make("{" + key + R"(,"inbound_fields":{"sender":""}})"), std::runtime_error);
    EXPECT_THROW(make("{" + key + R"(,"send_fields":{"modem":"port"}})"), std::runtime_error);
    EXPECT_THROW(make(R"({"api_key":"abc\r\nX-Injected: 1"})"), std::runtime_error);
}

// ---- parse ---------------------------------------------------------------------------------

TEST_F(ExtremePluginTest, ParsesInboundWithStringNumbers) {
    auto instance = plain();
    auto event = parseInbound(*instance, fixture("inbound_string_numbers.json"));
    EXPECT_EQ(event->getValue<std::string>("from"), "+14155550123");
    EXPECT_EQ(event->getValue<std::string>("to"), "+14155550199");
    EXPECT_EQ(event->getValue<std::string>("text"), "Yes, Thursday at 3pm works for me");
    EXPECT_EQ(event->getValue<std::string>("provider_message_id"), "884213");
    auto context = event->getObject("reply_context");
    EXPECT_EQ(keysOf(*context), (std::set<std::string>{"usedmodem", "port"}));
    EXPECT_EQ(context->getValue<std::string>("usedmodem"), "7");
    EXPECT_EQ(context->getValue<std::string>("port"), "12");
    auto routing = event->getObject("routing");
    ASSERT_FALSE(routing.isNull());
    EXPECT_EQ(routing->getValue<std::string>("modem"), "7");
    EXPECT_EQ(routing->getValue<std::string>("port"), "12");
}

TEST_F(ExtremePluginTest, ParsesInboundWithIntegerNumbers) {
    auto instance = plain();
    auto event = parseInbound(*instance, fixture("inbound_integer_numbers.json"));
    EXPECT_EQ(event->getValue<std::string>("from"), "+14155550123");
    EXPECT_EQ(event->getValue<std::string>("to"), "+14155550199");
    EXPECT_EQ(event->getValue<std::string>("provider_message_id"), "884214");
    auto context = event->getObject("reply_context");
    // Strings in the document, rendered without ".0" or an exponent.
    EXPECT_TRUE(context->get("usedmodem").isString());
    EXPECT_EQ(context->getValue<std::string>("usedmodem"), "7");
    EXPECT_EQ(context->getValue<std::string>("port"), "12");
}

TEST_F(ExtremePluginTest, IntegralFloatNumbersLoseTheirFraction) {
    auto instance = plain();
    auto event = parseInbound(
        *instance,
        R"({"sender":"+14155550123","message":"x","usedmodem":7.0,"port":1.2e1,"id":5e0})");
    EXPECT_EQ(event->getObject("reply_context")->getValue<std::string>("usedmodem"), "7");
    EXPECT_EQ(event->getObject("reply_context")->getValue<std::string>("port"), "12");
    EXPECT_EQ(event->getValue<std::string>("provider_message_id"), "5");
}

TEST_F(ExtremePluginTest, NormalisesZeroZeroPrefixedSender) {
    auto instance = plain();
    auto event = parseInbound(*instance, fixture("inbound_00_prefix_sender.json"));
    EXPECT_EQ(event->getValue<std::string>("from"), "+447700900123");
    EXPECT_EQ(event->getValue<std::string>("to"), "+447700900999");
}

TEST_F(ExtremePluginTest, NormalisesBareDigitSenderAndFormattedReceiver) {
    auto instance = plain();
    auto event = parseInbound(*instance, fixture("inbound_bare_digits_sender.json"));
    EXPECT_EQ(event->getValue<std::string>("from"), "+14155550123");
    EXPECT_EQ(event->getValue<std::string>("to"), "+14155550199");
}

TEST_F(ExtremePluginTest, KeepsNonE164SenderAsReceived) {
    auto instance = plain();
    auto event = parseInbound(*instance, fixture("inbound_short_code_sender.json"));
    EXPECT_EQ(event->getValue<std::string>("from"), "72345");
    auto alpha = parseInbound(*instance, R"({"sender":"ACME Bank","message":"hi"})");
    EXPECT_EQ(alpha->getValue<std::string>("from"), "ACME Bank");
    EXPECT_EQ(alpha->getValue<std::string>("to"), "");
}

TEST_F(ExtremePluginTest, ParsesCustomFieldNames) {
    auto instance = make(std::string(R"({"api_key":")") + kApiKey +
                         R"(","inbound_fields":{"sender":"from","receiver":"to",)"
                         R"("message":"text","id":"msg_id","modem":"modem_no","port":"slot"}})");
    auto event = parseInbound(*instance, fixture("inbound_custom_fields.json"));
    EXPECT_EQ(event->getValue<std::string>("from"), "+14155550123");
    EXPECT_EQ(event->getValue<std::string>("to"), "+14155550199");
    EXPECT_EQ(event->getValue<std::string>("text"), "Custom field names");
    EXPECT_EQ(event->getValue<std::string>("provider_message_id"), "c-551");
    auto context = event->getObject("reply_context");
    // Context keys stay canonical whatever the wire names are.
    EXPECT_EQ(keysOf(*context), (std::set<std::string>{"usedmodem", "port"}));
    EXPECT_EQ(context->getValue<std::string>("usedmodem"), "2");
    EXPECT_EQ(context->getValue<std::string>("port"), "9");

    // The default instance does not recognise the renamed payload.
    EXPECT_EQ(plain()->detect(webhook(fixture("inbound_custom_fields.json"))).status, SB_NOT_MINE);
    EXPECT_EQ(instance->detect(webhook(fixture("inbound_custom_fields.json"))).status, SB_OK);
}

TEST_F(ExtremePluginTest, PartialFieldOverrideKeepsOtherDefaults) {
    auto instance =
        make(std::string(R"({"api_key":")") + kApiKey + R"(","inbound_fields":{"port":"slot"}})");
    auto event = parseInbound(
        *instance, R"({"sender":"+14155550123","message":"m","usedmodem":"4","slot":"8"})");
    EXPECT_EQ(event->getObject("reply_context")->getValue<std::string>("usedmodem"), "4");
    EXPECT_EQ(event->getObject("reply_context")->getValue<std::string>("port"), "8");
}

TEST_F(ExtremePluginTest, InboundWithoutModemPortHasEmptyContextAndNoRouting) {
    auto instance = plain();
    auto event = parseInbound(*instance, fixture("inbound_no_modem_port.json"));
    EXPECT_EQ(event->getObject("reply_context")->size(), 0u);
    EXPECT_FALSE(event->has("routing"));
}

TEST_F(ExtremePluginTest, ParsesUnicodeTextUnchanged) {
    auto instance = plain();
    auto event = parseInbound(*instance, fixture("inbound_unicode.json"));
    EXPECT_EQ(event->getValue<std::string>("text"), "Привет! Ça va? 👋 é😀 \"quoted\"\nsecond line");
    EXPECT_EQ(event->getValue<std::string>("from"), "+79161234567");
}

TEST_F(ExtremePluginTest, MalformedPayloadsAreBadInput) {
    auto instance = plain();
    for (const char* name :
         {"inbound_malformed.json", "inbound_array.json", "inbound_missing_sender.json",
          "inbound_missing_message.json", "inbound_object_sender.json", "other_twilio_form.txt"}) {
        HookResult result = instance->parse(webhook(fixture(name)));
        EXPECT_EQ(result.status, SB_BAD_INPUT) << name << ": " << result.output;
        EXPECT_FALSE(result.output.empty()) << name;
    }
    for (const char* body : {"", "null", "\"text\"", "42", R"({"sender":"","message":"x"})",
                             R"({"sender":true,"message":"x"})",
                             R"({"sender":"+14155550123","message":"x","port":[1]})"}) {
        EXPECT_EQ(instance->parse(webhook(body)).status, SB_BAD_INPUT) << body;
    }
}

// ---- detect --------------------------------------------------------------------------------

TEST_F(ExtremePluginTest, DetectsExtremePayloads) {
    auto instance = plain();
    for (const char* name : {"inbound_string_numbers.json", "inbound_integer_numbers.json",
                             "inbound_no_modem_port.json", "inbound_unicode.json"}) {
        EXPECT_EQ(instance->detect(webhook(fixture(name))).status, SB_OK) << name;
    }
    // Sender plus modem is enough (the message field alone decides nothing here).
    EXPECT_EQ(instance->detect(webhook(R"({"sender":"+1","usedmodem":"1"})")).status, SB_OK);
}

TEST_F(ExtremePluginTest, DoesNotDetectOtherPayloads) {
    auto instance = plain();
    for (const char* name :
         {"other_twilio_form.txt", "other_smsretail_dlr.json", "other_telecom23_dlr.json",
          "inbound_malformed.json", "inbound_array.json", "inbound_missing_sender.json"}) {
        EXPECT_EQ(instance->detect(webhook(fixture(name))).status, SB_NOT_MINE) << name;
    }
    for (const char* body : {"", "null", "[]", "\xff\xfe", R"({"sender":"+14155550123"})"}) {
        EXPECT_EQ(instance->detect(webhook(body)).status, SB_NOT_MINE) << body;
    }
}

// ---- verify --------------------------------------------------------------------------------

TEST_F(ExtremePluginTest, VerifyAcceptsTheRightSecret) {
    auto instance = withSecret();
    HookResult result = instance->verify(
        webhook(fixture("inbound_string_numbers.json"), {{"x-webhook-secret", kSecret}}));
    EXPECT_EQ(result.status, SB_OK) << result.output;
}

TEST_F(ExtremePluginTest, VerifyRejectsAMissingSecret) {
    auto instance = withSecret();
    HookResult result = instance->verify(webhook(fixture("inbound_string_numbers.json")));
    EXPECT_EQ(result.status, SB_REJECTED);
    EXPECT_EQ(result.output, "missing X-Webhook-Secret");
}

TEST_F(ExtremePluginTest, VerifyRejectsAWrongSecret) {
    auto instance = withSecret();
    for (const char* wrong : {"wh-secret-abcdeX", "wrong", "", "wh-secret-abcdef "}) {
        HookResult result = instance->verify(
            webhook(fixture("inbound_string_numbers.json"), {{"x-webhook-secret", wrong}}));
        EXPECT_EQ(result.status, SB_REJECTED) << wrong;
        EXPECT_EQ(result.output, "shared secret mismatch") << wrong;
    }
}

TEST_F(ExtremePluginTest, VerifyUsesTheConfiguredHeaderName) {
    auto instance = make(std::string(R"({"api_key":")") + kApiKey + R"(","webhook_secret":")" +
                         kSecret + R"(","webhook_secret_header":"X-Extreme-Token"})");
    auto body = fixture("inbound_string_numbers.json");
    EXPECT_EQ(instance->verify(webhook(body, {{"x-extreme-token", kSecret}})).status, SB_OK);
    HookResult wrongHeader = instance->verify(webhook(body, {{"x-webhook-secret", kSecret}}));
    EXPECT_EQ(wrongHeader.status, SB_REJECTED);
    EXPECT_EQ(wrongHeader.output, "missing X-Extreme-Token");
}

TEST_F(ExtremePluginTest, VerifyWithoutConfiguredSecretAcceptsEverything) {
    auto instance = plain();
    auto body = fixture("inbound_string_numbers.json");
    EXPECT_EQ(instance->verify(webhook(body)).status, SB_OK);
    EXPECT_EQ(instance->verify(webhook(body, {{"x-webhook-secret", "anything"}})).status, SB_OK);
}

// ---- build_send ----------------------------------------------------------------------------

TEST_F(ExtremePluginTest, BuildsInitialSend) {
    auto instance = plain();
    HookResult result = instance->buildSend(outbound("initial", "+14155550123", "Hello there"));
    ASSERT_EQ(result.status, SB_OK) << result.output;
    auto request = parseJson(result.output);
    EXPECT_EQ(request->getValue<std::string>("method"), "POST");
    EXPECT_EQ(request->getValue<std::string>("url"), kDefaultUrl);
    auto headers = request->getObject("headers");
    EXPECT_EQ(headers->getValue<std::string>("Authorization"), std::string("Bearer ") + kApiKey);
    EXPECT_EQ(headers->getValue<std::string>("Content-Type"), "application/json");
    EXPECT_EQ(headers->getValue<std::string>("Accept"), "application/json");

    const std::string bodyText = request->getValue<std::string>("body");
    EXPECT_EQ(bodyText, R"({"recipient":"+14155550123","message":"Hello there"})");
    auto body = parseJson(bodyText);
    EXPECT_EQ(keysOf(*body), (std::set<std::string>{"recipient", "message"}));
    EXPECT_EQ(body->getValue<std::string>("recipient"), "+14155550123");
    EXPECT_EQ(body->getValue<std::string>("message"), "Hello there");
}

TEST_F(ExtremePluginTest, InitialSendIgnoresAReplyContext) {
    auto instance = plain();
    Object::Ptr context = new Object;
    context->set("usedmodem", "7");
    context->set("port", "12");
    HookResult result = instance->buildSend(outbound("initial", "+14155550123", "Hi", context));
    ASSERT_EQ(result.status, SB_OK) << result.output;
    auto body = parseJson(parseJson(result.output)->getValue<std::string>("body"));
    EXPECT_EQ(keysOf(*body), (std::set<std::string>{"recipient", "message"}));
}

TEST_F(ExtremePluginTest, ReplyCarriesTheInboundModemAndPort) {
    auto instance = plain();
    for (const char* name : {"inbound_string_numbers.json", "inbound_integer_numbers.json"}) {
        // Round trip as the host does it: the stored reply_context goes back verbatim.
        auto inbound = parseInbound(*instance, fixture(name));
        HookResult result =
            instance->buildSend(outbound("reply", inbound->getValue<std::string>("from"),
                                         "See you then", inbound->getObject("reply_context")));
        ASSERT_EQ(result.status, SB_OK) << result.output;
        auto body = parseJson(parseJson(result.output)->getValue<std::string>("body"));
        EXPECT_EQ(keysOf(*body),
                  (std::set<std::string>{"recipient", "message", "usemodem", "port"}))
            << name;
        EXPECT_EQ(body->getValue<std::string>("recipient"), "+14155550123");
        EXPECT_EQ(body->getValue<std::string>("message"), "See you then");
        EXPECT_TRUE(body->get("usemodem").isString()) << name;
        EXPECT_TRUE(body->get("port").isString()) << name;
        EXPECT_EQ(body->getValue<std::string>("usemodem"), "7") << name;
        EXPECT_EQ(body->getValue<std::string>("port"), "12") << name;
    }
}

TEST_F(ExtremePluginTest, ReplyWithoutContextIsADefaultSend) {
    auto instance = plain();
    for (Object::Ptr context : {Object::Ptr(), Object::Ptr(new Object)}) {
        HookResult result = instance->buildSend(outbound("reply", "+14155550123", "Hi", context));
        ASSERT_EQ(result.status, SB_OK) << result.output;
        auto body = parseJson(parseJson(result.output)->getValue<std::string>("body"));
        EXPECT_EQ(keysOf(*body), (std::set<std::string>{"recipient", "message"}));
    }
}

TEST_F(ExtremePluginTest, ReplyWithPartialContextAddsOnlyWhatIsKnown) {
    auto instance = plain();
    Object::Ptr context = new Object;
    context->set("port", "3");
    HookResult result = instance->buildSend(outbound("reply", "+14155550123", "Hi", context));
    ASSERT_EQ(result.status, SB_OK) << result.output;
    auto body = parseJson(parseJson(result.output)->getValue<std::string>("body"));
    EXPECT_EQ(keysOf(*body), (std::set<std::string>{"recipient", "message", "port"}));
    EXPECT_EQ(body->getValue<std::string>("port"), "3");
}

TEST_F(ExtremePluginTest, UnicodeAndEscapesRoundTripThroughTheSendBody) {
    auto instance = plain();
    auto inbound = parseInbound(*instance, fixture("inbound_unicode.json"));
    const std::string text = "Ответ: ça marche 👍 \"ok\"\n\\ / \t end";
    HookResult result = instance->buildSend(
        outbound("reply", "+79161234567", text, inbound->getObject("reply_context")));
    ASSERT_EQ(result.status, SB_OK) << result.output;
    auto body = parseJson(parseJson(result.output)->getValue<std::string>("body"));
    EXPECT_EQ(body->getValue<std::string>("message"), text);
    EXPECT_EQ(body->getValue<std::string>("usemodem"), "5");
    EXPECT_EQ(body->getValue<std::string>("port"), "3");
}

TEST_F(ExtremePluginTest, SendHonoursBaseUrlPathAndFieldOverrides) {
    auto instance = make(std::string(R"({"api_key":")") + kApiKey +
                         R"(","base_url":"http://127.0.0.1:8089/","send_path":"v3/send",)"
                         R"("send_fields":{"recipient":"to","modem":"modem"}})");
    Object::Ptr context = new Object;
    context->set("usedmodem", "7");
    context->set("port", "12");
    HookResult result = instance->buildSend(outbound("reply", "+14155550123", "Hi", context));
    ASSERT_EQ(result.status, SB_OK) << result.output;
    auto request = parseJson(result.output);
    EXPECT_EQ(request->getValue<std::string>("url"), "http://127.0.0.1:8089/v3/send");
    auto body = parseJson(request->getValue<std::string>("body"));
    EXPECT_EQ(keysOf(*body), (std::set<std::string>{"to", "message", "modem", "port"}));
    EXPECT_EQ(body->getValue<std::string>("modem"), "7");
}

TEST_F(ExtremePluginTest, EmptyRecipientIsBadInput) {
    auto instance = plain();
    HookResult result = instance->buildSend(outbound("initial", "", "Hi"));
    EXPECT_EQ(result.status, SB_BAD_INPUT);
    EXPECT_FALSE(result.output.empty());
}

// ---- parse_send_response -------------------------------------------------------------------

TEST_F(ExtremePluginTest, AcceptedWithProviderReference) {
    auto instance = plain();
    auto numeric = sendResult(*instance, 200, fixture("send_200_id.json"));
    EXPECT_EQ(numeric->getValue<std::string>("outcome"), "ACCEPTED");
    EXPECT_EQ(numeric->getValue<std::string>("provider_ref"), "120045");

    auto messageId = sendResult(*instance, 201, fixture("send_200_message_id.json"));
    EXPECT_EQ(messageId->getValue<std::string>("outcome"), "ACCEPTED");
    EXPECT_EQ(messageId->getValue<std::string>("provider_ref"), "ext-9f1c2a");

    auto nested = sendResult(*instance, 200, fixture("send_200_data_id.json"));
    EXPECT_EQ(nested->getValue<std::string>("outcome"), "ACCEPTED");
    EXPECT_EQ(nested->getValue<std::string>("provider_ref"), "d-77310");

    auto none = sendResult(*instance, 200, fixture("send_200_no_id.json"));
    EXPECT_EQ(none->getValue<std::string>("outcome"), "ACCEPTED");
    EXPECT_EQ(none->optValue<std::string>("provider_ref", ""), "");
}

TEST_F(ExtremePluginTest, SuccessFalseIsRejected) {
    auto instance = plain();
    auto result = sendResult(*instance, 200, fixture("send_200_success_false.json"));
    EXPECT_EQ(result->getValue<std::string>("outcome"), "REJECTED");
    EXPECT_EQ(result->getValue<std::string>("error_message"), "Insufficient balance");
    EXPECT_FALSE(result->getValue<std::string>("error_code").empty());

    auto failed = sendResult(*instance, 200, fixture("send_200_status_failed.json"));
    EXPECT_EQ(failed->getValue<std::string>("outcome"), "REJECTED");
    EXPECT_EQ(failed->getValue<std::string>("error_code"), "MODEM_OFFLINE");
    EXPECT_EQ(failed->getValue<std::string>("error_message"), "Modem 7 is offline");
}

TEST_F(ExtremePluginTest, ClientErrorsAreRejected) {
    auto instance = plain();
    auto badRequest = sendResult(*instance, 400, fixture("send_400.json"));
    EXPECT_EQ(badRequest->getValue<std::string>("outcome"), "REJECTED");
    EXPECT_EQ(badRequest->getValue<std::string>("error_code"), "http_400");
    EXPECT_EQ(badRequest->getValue<std::string>("error_message"),
              "The recipient field is required.");

    auto unauthorised = sendResult(*instance, 401, fixture("send_401.json"));
    EXPECT_EQ(unauthorised->getValue<std::string>("outcome"), "REJECTED");
    EXPECT_EQ(unauthorised->getValue<std::string>("error_code"), "http_401");
    EXPECT_EQ(unauthorised->getValue<std::string>("error_message"), "Unauthenticated.");
}

TEST_F(ExtremePluginTest, TooManyRequestsIsThrottledWithRetryAfter) {
    auto instance = plain();
    auto result = sendResult(*instance, 429, fixture("send_429.json"), {{"retry-after", "30"}});
    EXPECT_EQ(result->getValue<std::string>("outcome"), "THROTTLED");
    EXPECT_EQ(result->getValue<int>("retry_after_s"), 30);
    EXPECT_EQ(result->getValue<std::string>("error_code"), "http_429");

    auto noHeader = sendResult(*instance, 429, fixture("send_429.json"));
    EXPECT_EQ(noHeader->getValue<std::string>("outcome"), "THROTTLED");
    EXPECT_FALSE(noHeader->has("retry_after_s"));

    auto httpDate = sendResult(*instance, 429, fixture("send_429.json"),
                               {{"retry-after", "Wed, 21 Oct 2015 07:28:00 GMT"}});
    EXPECT_EQ(httpDate->getValue<std::string>("outcome"), "THROTTLED");
    EXPECT_FALSE(httpDate->has("retry_after_s"));
}

TEST_F(ExtremePluginTest, ServerErrorsAndTimeoutsAreRetried) {
    auto instance = plain();
    auto serverError = sendResult(*instance, 500, fixture("send_500.html"));
    EXPECT_EQ(serverError->getValue<std::string>("outcome"), "RETRY");
    EXPECT_EQ(serverError->getValue<std::string>("error_code"), "http_500");

    auto unavailable =
        sendResult(*instance, 503, fixture("send_503.json"), {{"retry-after", "120"}});
    EXPECT_EQ(unavailable->getValue<std::string>("outcome"), "RETRY");
    EXPECT_EQ(unavailable->getValue<int>("retry_after_s"), 120);
    EXPECT_EQ(unavailable->getValue<std::string>("error_message"),
              "Service temporarily unavailable, modems are reconnecting");

    auto timeout = sendResult(*instance, 408, "");
    EXPECT_EQ(timeout->getValue<std::string>("outcome"), "RETRY");
}

TEST_F(ExtremePluginTest, NonJsonBodiesNeverFail) {
    auto instance = plain();
    auto ok = sendResult(*instance, 200, fixture("send_200_not_json.txt"));
    EXPECT_EQ(ok->getValue<std::string>("outcome"), "ACCEPTED");

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

    EXPECT_EQ(sendResult(*instance, 404, "")->getValue<std::string>("outcome"), "REJECTED");
}

// ---- webhook_response ----------------------------------------------------------------------

TEST_F(ExtremePluginTest, WebhookResponseIsTheSameForEveryResult) {
    auto instance = plain();
    for (const char* outcome : {"accepted", "rejected", "ignored", "error"}) {
        HookResult result =
            instance->webhookResponse(std::string(R"({"result":")") + outcome + R"("})");
        ASSERT_EQ(result.status, SB_OK) << result.output;
        auto reply = parseJson(result.output);
        EXPECT_EQ(reply->getValue<int>("status"), 200);
        EXPECT_EQ(reply->getValue<std::string>("content_type"), "application/json");
        auto body = parseJson(reply->getValue<std::string>("body"));
        EXPECT_EQ(keysOf(*body), (std::set<std::string>{"success"}));
        EXPECT_TRUE(body->getValue<bool>("success"));
    }
}

// ---- threading -----------------------------------------------------------------------------

TEST_F(ExtremePluginTest, HooksRunConcurrentlyOnOneInstance) {
    auto instance = withSecret();
    const auto body = fixture("inbound_string_numbers.json");
    expectNoFailuresAcrossThreads(4, 200, [&] {
        int failures = 0;
        auto request = webhook(body, {{"x-webhook-secret", kSecret}});
        if (instance->detect(request).status != SB_OK) ++failures;
        if (instance->verify(request).status != SB_OK) ++failures;
        if (instance->parse(request).status != SB_OK) ++failures;
        if (instance->buildSend(outbound("initial", "+14155550123", "x")).status != SB_OK)
            ++failures;
        return failures;
    });
}

}  // namespace
