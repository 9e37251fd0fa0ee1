// The verification-call request and its answer, from the built sb_telephony.so, plus the
// descriptor and instance-config checks. Request shape per Twilio's Call resource
// (https://www.twilio.com/docs/voice/api/call-resource): POST .../Calls.json, form fields
// To/From/Twiml/StatusCallback, basic auth AccountSid:AuthToken.
#include "TelephonyPluginFixture.h"

#include <Poco/Base64Encoder.h>
#include <Poco/JSON/Array.h>
#include <Poco/URI.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace switchboard::testing::telephony_plugin {
namespace {

using Poco::JSON::Object;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kCode = "407193";

std::string callRequest(const std::string& code, const std::string& phone = "+15551234567",
                        const std::optional<std::string>& callback = std::nullopt) {
    Object o;
    o.set("verification_id", "42");
    o.set("phone_number", phone);
    o.set("friendly_name", "Office line");
    o.set("code", code);
    o.set("status_callback_url", callback ? Poco::Dynamic::Var(*callback) : Poco::Dynamic::Var());
    std::ostringstream out;
    o.stringify(out);
    return out.str();
}

// application/x-www-form-urlencoded body → fields, decoded with Poco (not the code under test).
std::map<std::string, std::string> formFields(const std::string& body) {
    std::map<std::string, std::string> fields;
    std::istringstream in(body);
    for (std::string pair; std::getline(in, pair, '&');) {
        auto eq = pair.find('=');
        std::string key, value;
        Poco::URI::decode(pair.substr(0, eq), key, true);
        Poco::URI::decode(pair.substr(eq + 1), value, true);
        fields[key] = value;
    }
    return fields;
}

std::string base64(const std::string& text) {
    std::ostringstream out;
    Poco::Base64Encoder encoder(out);
    encoder.rdbuf()->setLineLength(0);
    encoder << text;
    encoder.close();
    return out.str();
}

using VerificationCall = TelephonyPluginSuite;

TEST_F(VerificationCall, DescriptorDeclaresOnlyTheTelephonyCapabilityAtAbi12) {
    const auto& d = library_->descriptor();
    EXPECT_EQ(d.abi_version, SB_ABI_VERSION);
    EXPECT_EQ(SB_ABI_MINOR(d.abi_version), 2u);
    EXPECT_EQ(d.capabilities, SB_CAP_TELEPHONY);
    EXPECT_STREQ(d.name, "telephony");
    EXPECT_EQ(library_->hooks().detect, nullptr);
    EXPECT_EQ(library_->hooks().build_send, nullptr);
    EXPECT_NE(library_->hooks().forwarding_codes, nullptr);
    EXPECT_TRUE(instance_->telephony());
    // A messaging hook it lacks is answered by the host, not called.
    auto send = instance_->buildSend("{}");
    EXPECT_EQ(send.status, SB_ERROR);
    EXPECT_THAT(send.output, HasSubstr("has no build_send hook"));
    auto schema = parseJson(d.config_schema_json)->getObject("properties");
    EXPECT_TRUE(schema->getObject("auth_token")->getValue<bool>("secret"));
    EXPECT_TRUE(schema->getObject("carriers")->getValue<bool>("required"));
}

TEST_F(VerificationCall, IsATwilioCallThatReadsTheCodeOutDigitByDigit) {
    auto result = instance_->buildVerificationCall(callRequest(kCode));
    ASSERT_EQ(result.status, SB_OK) << result.output;
    auto doc = parseJson(result.output);
    auto request = doc->getObject("request");
    EXPECT_EQ(request->getValue<std::string>("method"), "POST");
    EXPECT_EQ(
        request->getValue<std::string>("url"),
        std::string("https://api.twilio.com/2010-04-01/Accounts/") + kAccountSid + "/Calls.json");
    auto headers = request->getObject("headers");
    EXPECT_EQ(headers->getValue<std::string>("Authorization"),
              "Basic " + base64(std::string(kAccountSid) + ":" + kAuthToken));
    EXPECT_EQ(headers->getValue<std::string>("Content-Type"), "application/x-www-form-urlencoded");
    const std::string body = request->getValue<std::string>("body");
    auto fields = formFields(body);
    EXPECT_EQ(fields["To"], "+15551234567");
    EXPECT_EQ(fields["From"], kCallerNumber);
    EXPECT_EQ(fields.count("StatusCallback"), 0u);
    EXPECT_THAT(fields["Twiml"], HasSubstr("<Response><Say language=\"en-US\">"));
    EXPECT_THAT(fields["Twiml"], HasSubstr("Your code is: 4, 0, 7, 1, 9, 3."));
    EXPECT_THAT(fields["Twiml"], HasSubstr("Again, your code is: 4, 0, 7, 1, 9, 3."));
}

// The host masks every `redact` string wherever it records the request: after that no form
// of the code may be left in the body, raw or decoded.
TEST_F(VerificationCall, RedactListsEveryFormOfTheCodeInTheRequest) {
    auto doc = parseJson(instance_->buildVerificationCall(callRequest(kCode)).output);
    std::string body = doc->getObject("request")->getValue<std::string>("body");
    auto redact = doc->getArray("redact");
    ASSERT_GE(redact->size(), 1u);
    bool anyInBody = false;
    for (std::size_t i = 0; i < redact->size(); ++i) {
        const std::string secret = redact->getElement<std::string>(static_cast<unsigned>(i));
        for (auto at = body.find(secret); at != std::string::npos; at = body.find(secret)) {
            body.replace(at, secret.size(), "****");
            anyInBody = true;
        }
    }
    EXPECT_TRUE(anyInBody);
    std::string decoded;
    Poco::URI::decode(body, decoded, true);
    EXPECT_THAT(decoded, Not(HasSubstr("4, 0, 7, 1, 9, 3")));
    EXPECT_THAT(decoded, Not(HasSubstr(kCode)));
    EXPECT_THAT(decoded, HasSubstr("Your code is: ****"));
}

TEST_F(VerificationCall, AddsTheStatusCallbackWhenTheHostGivesOne) {
    auto doc =
        parseJson(instance_
                      ->buildVerificationCall(callRequest(
                          kCode, "+15551234567", "https://sb.example.com/api/telephony/calls"))
                      .output);
    auto fields = formFields(doc->getObject("request")->getValue<std::string>("body"));
    EXPECT_EQ(fields["StatusCallback"], "https://sb.example.com/api/telephony/calls");
    EXPECT_EQ(fields["StatusCallbackEvent"], "completed");
}

TEST_F(VerificationCall, RefusesABadCodeOrNumberWithoutEchoingTheCode) {
    auto shortCode = instance_->buildVerificationCall(callRequest("40719"));
    EXPECT_EQ(shortCode.status, SB_BAD_INPUT);
    EXPECT_THAT(shortCode.output, Not(HasSubstr("40719")));
    auto letters = instance_->buildVerificationCall(callRequest("40719x"));
    EXPECT_EQ(letters.status, SB_BAD_INPUT);
    auto number = instance_->buildVerificationCall(callRequest(kCode, "5551234567"));
    EXPECT_EQ(number.status, SB_BAD_INPUT);
    EXPECT_THAT(number.output, Not(HasSubstr(kCode)));
}

struct Answer {
    int status;
    std::string body;
    std::string outcome;
    std::string ref;
    std::string errorCode;
};

TEST_F(VerificationCall, ClassifiesTwiliosAnswers) {
    const std::vector<Answer> answers = {
        {201, R"({"sid":"CA0123456789abcdef0123456789abcdef","status":"queued"})", "ACCEPTED",
         "CA0123456789abcdef0123456789abcdef", ""},
        {201, R"({"status":"queued"})", "REJECTED", "", "missing_sid"},
        {400, R"({"code":21211,"message":"Invalid 'To' Phone Number","status":400})", "REJECTED",
         "", "21211"},
        {401, R"({"code":20003,"message":"Authenticate","status":401})", "REJECTED", "", "20003"},
        {429, R"({"code":20429,"message":"Too Many Requests","status":429})", "THROTTLED", "",
         "20429"},
        {503, "upstream unavailable", "RETRY", "", "http_503"},
    };
    for (const auto& a : answers) {
        auto result = instance_->parseVerificationCallResponse(a.status, {}, a.body);
        ASSERT_EQ(result.status, SB_OK) << a.status << ": " << result.output;
        auto doc = parseJson(result.output);
        EXPECT_EQ(doc->getValue<std::string>("outcome"), a.outcome) << a.status << " " << a.body;
        EXPECT_EQ(doc->optValue<std::string>("provider_ref", ""), a.ref) << a.body;
        EXPECT_EQ(doc->optValue<std::string>("error_code", ""), a.errorCode) << a.body;
    }
}

TEST_F(VerificationCall, BaseUrlIsConfigurableForTestsAndRegions) {
    plugin::ProviderInstance local(
        *library_, "t",
        instanceConfig(parseJson(shippedInstanceConfig())->getValue<std::string>("carriers"),
                       "http://127.0.0.1:4010/"));
    auto doc = parseJson(local.buildVerificationCall(callRequest(kCode)).output);
    EXPECT_EQ(
        doc->getObject("request")->getValue<std::string>("url"),
        std::string("http://127.0.0.1:4010/2010-04-01/Accounts/") + kAccountSid + "/Calls.json");
}

struct BadTable {
    std::string name;
    std::string yaml;
    std::string reason;
};

// A broken carriers.yaml must stop the instance (and so the service) with the path of the
// offending entry, never produce a code a subscriber would dial.
TEST_F(VerificationCall, AnInvalidCarrierTableIsRefusedNamingTheEntry) {
    const std::string mode =
        "id: m\n        label: L\n        deactivate: \"##21#\"\n        effect: E\n";
    auto table = [&](const std::string& modeExtra) {
        return "version: 1\ncarriers:\n  - id: c\n    name: C\n    technology: gsm\n    modes:\n"
               "      - " +
               mode + modeExtra;
    };
    const std::vector<BadTable> cases = {
        {"unknown key", table("        activate: \"**21*{number}#\"\n        colour: red\n"),
         "carriers[0].modes[0].colour is not a known key"},
        {"ring without range", table("        activate: \"**61*{number}**{ring}#\"\n"),
         "carriers[0].modes[0].activate contains {ring} but the mode has no ring_time"},
        {"range without ring",
         table("        activate: \"**61*{number}#\"\n        ring_time: {min: 5, max: 30, "
               "default: 20}\n"),
         "must contain {ring}"},
        {"default outside",
         table("        activate: \"**61*{number}**{ring}#\"\n        ring_time: {min: 5, max: 30, "
               "default: 45}\n"),
         "ring_time.default must lie within"},
        {"typo placeholder", table("        activate: \"**21*{numbr}#\"\n"),
         "must contain {number}"},
        {"no number", table("        activate: \"**21*#\"\n"), "must contain {number}"},
        {"bad technology",
         "version: 1\ncarriers:\n  - id: c\n    name: C\n    technology: lte\n    modes:\n      "
         "- " +
             mode + "        activate: \"**21*{number}#\"\n",
         "carriers[0].technology must be gsm or cdma"},
        {"wrong version", "version: 2\ncarriers: []\n", "version must be 1"},
    };
    for (const auto& c : cases) {
        const std::string json = switchboard::telephony::carriersJsonFromYaml(c.yaml, c.name);
        try {
            plugin::ProviderInstance instance(*library_, "t", instanceConfig(json));
            ADD_FAILURE() << c.name << ": accepted";
        } catch (const std::runtime_error& e) {
            EXPECT_THAT(e.what(), HasSubstr(c.reason)) << c.name;
        }
    }
}

TEST_F(VerificationCall, ACallerNumberThatIsNotE164IsRefused) {
    auto config = parseJson(shippedInstanceConfig());
    config->set("caller_number", "5550109000");
    std::ostringstream out;
    config->stringify(out);
    try {
        plugin::ProviderInstance instance(*library_, "t", out.str());
        ADD_FAILURE() << "accepted";
    } catch (const std::runtime_error& e) {
        EXPECT_THAT(e.what(), HasSubstr("caller_number must be an E.164 number"));
    }
}

}  // namespace
}  // namespace switchboard::testing::telephony_plugin
