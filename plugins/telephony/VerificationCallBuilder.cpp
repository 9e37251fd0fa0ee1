#include "VerificationCallBuilder.h"

#include "switchboard/sdk/Crypto.h"
#include "switchboard/sdk/JsonAccess.h"
#include "switchboard/sdk/ProviderText.h"
#include "switchboard/sdk/SendResponses.h"

#include <Poco/URI.h>

#include <regex>
#include <sstream>

namespace switchboard::plugins::telephony {
namespace {

using sdk::BadInput;

// application/x-www-form-urlencoded value as Twilio's SDKs send it (space as %20).
std::string formValue(const std::string& value) {
    std::string encoded;
    Poco::URI::encode(value, "!#$&'()*+,/:;=?@[]", encoded);
    return encoded;
}

std::string escapeXml(const std::string& text) {
    std::string out;
    for (char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&apos;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

// "1, 2, 3, 4, 5, 6": <Say> reads separated digits one by one instead of as a number.
std::string spoken(const std::string& code) {
    std::string text;
    for (char c : code) text += (text.empty() ? "" : ", ") + std::string(1, c);
    return text;
}

}  // namespace

VerificationCallBuilder::VerificationCallBuilder(VoiceCallSettings settings)
    : settings_(std::move(settings)),
      basicAuth_("Basic " + sdk::base64(settings_.accountSid + ":" + settings_.authToken)) {}

sdk::VerificationCallRequest VerificationCallBuilder::build(
    const sdk::VerificationCall& call) const {
    static const std::regex kCode("[0-9]{6}");
    static const std::regex kE164(R"(\+[1-9][0-9]{6,14})");
    // The code itself is never echoed: this text may reach a log.
    if (!std::regex_match(call.code, kCode)) throw BadInput("the code must be 6 digits");
    if (!std::regex_match(call.phoneNumber, kE164))
        throw BadInput("the phone number must be E.164");

    const std::string digits = spoken(call.code);
    const std::string lang = escapeXml(settings_.language);
    const std::string twiml =
        "<Response><Say language=\"" + lang +
        "\">Hello. This is your Switchboard verification call. Your code is: " + digits +
        ".</Say><Pause length=\"1\"/><Say language=\"" + lang +
        "\">Again, your code is: " + digits +
        ". Enter it where you started the verification. Goodbye.</Say></Response>";

    std::string body = "To=" + formValue(call.phoneNumber) +
                       "&From=" + formValue(settings_.callerNumber) + "&Twiml=" + formValue(twiml);
    if (call.statusCallbackUrl)
        body += "&StatusCallback=" + formValue(*call.statusCallbackUrl) +
                "&StatusCallbackEvent=completed";

    sdk::VerificationCallRequest result;
    result.request.method = "POST";
    result.request.url =
        settings_.baseUrl + "/2010-04-01/Accounts/" + settings_.accountSid + "/Calls.json";
    result.request.headers = {{"Authorization", basicAuth_},
                              {"Content-Type", "application/x-www-form-urlencoded"},
                              {"Accept", "application/json"}};
    result.request.body = std::move(body);
    result.redact = {formValue(digits), digits, call.code};
    return result;
}

sdk::SendResult VerificationCallBuilder::classify(const sdk::HttpResponse& response) const {
    Poco::JSON::Object::Ptr json = sdk::parseObjectOrNull(response.body);
    if (sdk::isSuccessStatus(response.status)) {
        sdk::SendResult result;
        auto sid =
            json ? sdk::optionalText(*json, "sid", sdk::Numbers::IntegersOnly) : std::nullopt;
        if (sid) {
            result.outcome = sdk::SendOutcome::Accepted;
            result.providerRef = *sid;
        } else {
            result.outcome = sdk::SendOutcome::Rejected;
            result.errorCode = "missing_sid";
            result.errorMessage = sdk::excerpt("2xx answer without a call sid: " + response.body);
        }
        return result;
    }
    const std::string code =
        (json ? sdk::optionalText(*json, "code", sdk::Numbers::IntegersOnly) : std::nullopt)
            .value_or(sdk::httpErrorCode(response.status));
    const std::string message =
        (json ? sdk::optionalText(*json, "message", sdk::Numbers::IntegersOnly) : std::nullopt)
            .value_or(sdk::excerpt(response.body));
    return sdk::classifyHttpFailure(response, code, message);
}

}  // namespace switchboard::plugins::telephony
