#include "TelephonyCodec.h"

#include "ForwardingCodeGenerator.h"

#include "switchboard/sdk/ConfigChecks.h"

#include <regex>

namespace switchboard::plugins::telephony {
namespace {

VoiceCallSettings voiceSettings(const sdk::InstanceConfig& config) {
    VoiceCallSettings s;
    s.accountSid = sdk::requiredSetting(config, "account_sid");
    sdk::rejectSpacesOrControlCharacters("account_sid", s.accountSid);
    // Kept byte for byte: it is a password, and a stray newline would inject a header.
    s.authToken = config.getString("auth_token");
    if (s.authToken.empty()) throw sdk::BadInput("auth_token is required");
    sdk::rejectControlCharacters("auth_token", s.authToken);
    s.callerNumber = sdk::requiredSetting(config, "caller_number");
    static const std::regex kE164(R"(\+[1-9][0-9]{6,14})");
    if (!std::regex_match(s.callerNumber, kE164))
        throw sdk::BadInput("caller_number must be an E.164 number such as +15550109999");
    s.baseUrl = sdk::requiredSetting(config, "base_url");
    sdk::requireHttpUrl("base_url", s.baseUrl);
    sdk::rejectSpacesOrControlCharacters("base_url", s.baseUrl);
    while (!s.baseUrl.empty() && s.baseUrl.back() == '/') s.baseUrl.pop_back();
    s.language = sdk::requiredSetting(config, "language");
    sdk::rejectControlCharacters("language", s.language);
    return s;
}

std::string carriersJson(const sdk::InstanceConfig& config) {
    std::string json = config.getString("carriers");
    if (json.empty())
        throw sdk::BadInput("carriers is empty: the host fills it from telephony.carriers_file");
    return json;
}

}  // namespace

sdk::PluginInfo TelephonyCodec::info() {
    sdk::PluginInfo info;
    info.name = "telephony";
    info.version = "1.0.0";
    info.configSchemaJson = R"json({"properties":{
        "carriers":{"type":"string","required":true,
            "description":"carrier table as JSON; filled by the host from telephony.carriers_file, never written by hand"},
        "account_sid":{"type":"string","required":true,"description":"Twilio Account SID (AC...)"},
        "auth_token":{"type":"string","required":true,"secret":true,
            "description":"Twilio Auth Token (basic-auth password)"},
        "caller_number":{"type":"string","required":true,
            "description":"E.164 Twilio number the verification call comes from"},
        "base_url":{"type":"string","default":"https://api.twilio.com","description":"Twilio REST API base URL"},
        "language":{"type":"string","default":"en-US",
            "description":"language of the spoken code (TwiML <Say language>)"}
    }})json";
    return info;
}

TelephonyCodec::TelephonyCodec(const sdk::InstanceConfig& config)
    : table_(carriersJson(config)), calls_(voiceSettings(config)) {}

std::vector<sdk::Carrier> TelephonyCodec::carriers() const {
    std::vector<sdk::Carrier> list;
    for (const auto& spec : table_.carriers()) list.push_back(spec.carrier);
    return list;
}

sdk::ForwardingCodes TelephonyCodec::forwardingCodes(const sdk::ForwardingRequest& request) const {
    return generateForwardingCodes(table_, request);
}

sdk::VerificationCallRequest TelephonyCodec::buildVerificationCall(
    const sdk::VerificationCall& call) const {
    return calls_.build(call);
}

sdk::SendResult TelephonyCodec::parseVerificationCallResponse(
    const sdk::HttpResponse& response) const {
    return calls_.classify(response);
}

}  // namespace switchboard::plugins::telephony
