// The plugin SDK's shared helpers (JsonAccess.h, ProviderText.h, SendResponses.h,
// ConfigChecks.h, ConfigSchema.h), pinned here because every provider plugin now relies on them.
#include "switchboard/sdk/ConfigChecks.h"
#include "switchboard/sdk/ConfigSchema.h"
#include "switchboard/sdk/JsonAccess.h"
#include "switchboard/sdk/ProviderText.h"
#include "switchboard/sdk/SendResponses.h"

#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <string>

namespace switchboard::sdk {
namespace {

Poco::JSON::Object::Ptr object(const std::string& json) {
    Poco::JSON::Parser parser;
    return parser.parse(json).extract<Poco::JSON::Object::Ptr>();
}

InstanceConfig config(const std::string& json) { return InstanceConfig(object(json)); }

HttpResponse response(int status, const std::string& retryAfter = {}) {
    HttpResponse r;
    r.status = status;
    if (!retryAfter.empty()) r.headers.emplace_back("retry-after", retryAfter);
    return r;
}

TEST(SdkProviderText, ReplacesEachInvalidByteAndKeepsTheAsciiAroundIt) {
    EXPECT_EQ(excerpt("Erreur \xE9tendue"), "Erreur ?tendue");  // Latin-1 é
    EXPECT_EQ(excerpt("caf\xC3\xA9"), "caf\xC3\xA9");           // valid UTF-8 é kept
    // A lead byte whose sequence breaks off costs one '?', and decoding resumes after it.
    EXPECT_EQ(excerpt("a\xE2\x28\xA1z"), "a?(?z");
    EXPECT_EQ(excerpt("\xC0\xAF"), "??");             // overlong '/'
    EXPECT_EQ(excerpt("\xED\xA0\x80"), "???");        // UTF-16 surrogate
    EXPECT_EQ(excerpt("\xF4\x90\x80\x80"), "????");   // beyond U+10FFFF
    EXPECT_EQ(excerpt("end\xF0\x9F\x98"), "end???");  // cut by the end of the input
}

TEST(SdkProviderText, MakesOneLineWithoutRunsOfSpaces) {
    EXPECT_EQ(excerpt("\n  <h1>Bad\r\n\tGateway</h1>  \n"), "<h1>Bad Gateway</h1>");
    EXPECT_EQ(excerpt(""), "");
}

TEST(SdkProviderText, CutsAtTwoHundredBytesBetweenCharacters) {
    EXPECT_EQ(excerpt(std::string(500, 'x')), std::string(kExcerptMaxBytes, 'x'));
    // 199 ASCII bytes, then a 2-byte character that would end at byte 201: left out.
    std::string text = std::string(199, 'a') + "\xC3\xA9" + "tail";
    EXPECT_EQ(excerpt(text), std::string(199, 'a'));
}

TEST(SdkJsonAccess, ScalarTextFollowsTheNumberPolicy) {
    auto o = object(R"({"s":"3","i":3,"neg":-4,"f":12.0,"frac":1.5,"b":true,"n":null,"a":[1]})");
    EXPECT_EQ(optionalText(*o, "s", Numbers::IntegersOnly), "3");
    EXPECT_EQ(optionalText(*o, "i", Numbers::IntegersOnly), "3");
    EXPECT_EQ(optionalText(*o, "neg", Numbers::IntegersOnly), "-4");
    EXPECT_EQ(optionalText(*o, "f", Numbers::IntegersOnly), std::nullopt);
    EXPECT_EQ(optionalText(*o, "f", Numbers::All), "12");
    EXPECT_EQ(optionalText(*o, "frac", Numbers::All), "1.5");
    for (const char* key : {"b", "n", "a", "absent"})
        EXPECT_EQ(optionalText(*o, key, Numbers::All), std::nullopt) << key;
    EXPECT_EQ(optionalText(*object(R"({"e":""})"), "e", Numbers::All), std::nullopt);
}

TEST(SdkJsonAccess, ParsesWebhookBodiesStrictlyAndResponsesLeniently) {
    EXPECT_TRUE(parseObjectOrNull(R"({"a":1})"));
    EXPECT_FALSE(parseObjectOrNull("[1]"));
    EXPECT_FALSE(parseObjectOrNull("<html>"));
    HttpRequest request;
    request.body = "[1]";
    EXPECT_THROW(parseWebhookObject(request), BadInput);
    request.body = "{";
    EXPECT_THROW(parseWebhookObject(request), BadInput);
    request.body = "{}";
    request.headers = {{"content-type", "text/plain"}};
    EXPECT_THROW(parseWebhookObject(request), BadInput);
}

TEST(SdkJsonAccess, FalseFlagTakesBooleanOrString) {
    auto o = object(R"({"a":false,"b":"FALSE","c":true,"d":0,"e":null})");
    EXPECT_TRUE(isFalseFlag(*o, "a"));
    EXPECT_TRUE(isFalseFlag(*o, "b"));
    for (const char* key : {"c", "d", "e", "absent"}) EXPECT_FALSE(isFalseFlag(*o, key)) << key;
}

TEST(SdkSendResponses, ClassifiesByStatusAndReadsDeltaSecondsOnly) {
    auto throttled = classifyHttpFailure(response(429, " 30 "), httpErrorCode(429), "slow down");
    EXPECT_EQ(throttled.outcome, SendOutcome::Throttled);
    EXPECT_EQ(throttled.retryAfterSeconds, 30);
    EXPECT_EQ(throttled.errorCode, "http_429");
    EXPECT_EQ(throttled.errorMessage, "slow down");

    for (int status : {408, 500, 503, 599}) {
        auto retry = classifyHttpFailure(response(status, "7"), "c", "m");
        EXPECT_EQ(retry.outcome, SendOutcome::Retry) << status;
        EXPECT_EQ(retry.retryAfterSeconds, 7) << status;
    }
    for (int status : {101, 302, 400, 401, 402, 404, 600}) {
        auto rejected = classifyHttpFailure(response(status, "7"), "c", "m");
        EXPECT_EQ(rejected.outcome, SendOutcome::Rejected) << status;
        EXPECT_EQ(rejected.retryAfterSeconds, std::nullopt) << status;
    }
    for (const char* header : {"Wed, 21 Oct 2015 07:28:00 GMT", "-1", "1.5", "99999999999"})
        EXPECT_EQ(retryAfterSeconds(response(503, header)), std::nullopt) << header;
    EXPECT_TRUE(isSuccessStatus(200));
    EXPECT_TRUE(isSuccessStatus(299));
    EXPECT_FALSE(isSuccessStatus(300));
}

TEST(SdkConfigChecks, RefusesWhatWouldSilentlyMisbehave) {
    EXPECT_THROW(requiredSetting(config(R"({"api_key":"  "})"), "api_key"), BadInput);
    EXPECT_EQ(requiredSetting(config(R"({"api_key":" k\n"})"), "api_key"), "k");
    EXPECT_THROW(rejectControlCharacters("api_key", "a\r\nX-Injected: 1"), BadInput);
    EXPECT_THROW(optionalNonEmpty(config(R"({"s":""})"), "s", "disable the check"), BadInput);
    EXPECT_EQ(optionalNonEmpty(config("{}"), "s", "disable the check"), std::nullopt);
    EXPECT_EQ(optionalNonEmpty(config(R"({"s":" x "})"), "s", "x"), " x ");
    EXPECT_EQ(optionalNonEmpty(config(R"({"s":" x "})"), "s", "x", Whitespace::Trim), "x");
    EXPECT_THROW(headerNameSetting(config(R"({"h":"X Sig"})"), "h", "X-Sig"), BadInput);
    EXPECT_EQ(headerNameSetting(config("{}"), "h", "X-Sig"), "X-Sig");
    EXPECT_THROW(requireHttpUrl("u", "ftp://example.com"), BadInput);
    EXPECT_THROW(requireHttpUrl("u", "/relative"), BadInput);
    EXPECT_NO_THROW(requireHttpUrl("u", "https://example.com/x"));
    EXPECT_EQ(endpointUrl(config(R"({"base":"https://a.example/ ","path":"v1/send"})"), "base",
                          "https://d.example", "path", "/x"),
              "https://a.example/v1/send");
    EXPECT_THROW(
        endpointUrl(config(R"({"path":"/a b"})"), "base", "https://d.example", "path", "/x"),
        BadInput);
}

TEST(SdkConfigChecks, FieldMapOverridesOnlyWhatItNames) {
    std::string sender = "sender", message = "message";
    applyFieldMap(config(R"({"f":{"sender":"from"}})"), "f",
                  {{"sender", &sender}, {"message", &message}});
    EXPECT_EQ(sender, "from");
    EXPECT_EQ(message, "message");
    EXPECT_THROW(applyFieldMap(config(R"({"f":{"other":"x"}})"), "f", {{"sender", &sender}}),
                 BadInput);
    EXPECT_THROW(applyFieldMap(config(R"({"f":{"sender":" "}})"), "f", {{"sender", &sender}}),
                 BadInput);
    EXPECT_THROW(applyFieldMap(config(R"({"f":{"sender":"message"}})"), "f",
                               {{"sender", &sender}, {"message", &message}}),
                 BadInput);
}

TEST(SdkConfigSchema, KeepsPropertiesAndTheirKeysInTheOrderAdded) {
    ConfigSchema schema;
    schema.add("z_first", "string", "Added first.")->set("default", "d");
    auto key = schema.add("api_key", "string", "Secret.");
    key->set("required", true);
    key->set("secret", true);
    EXPECT_EQ(schema.json(),
              R"({"properties":{"z_first":{"type":"string","description":"Added first.",)"
              R"("default":"d"},"api_key":{"type":"string","description":"Secret.",)"
              R"("required":true,"secret":true}}})");
}

}  // namespace
}  // namespace switchboard::sdk
