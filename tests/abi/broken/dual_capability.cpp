// A plugin written only against the public SDK that is both a messaging provider and a
// telephony codec: SWITCHBOARD_PLUGIN must declare both capabilities and fill both hook sets.
#include "switchboard/sdk/Plugin.h"

namespace {

using namespace switchboard::sdk;

class DualCapability : public ProviderPlugin, public TelephonyPlugin {
  public:
    static PluginInfo info() {
        PluginInfo info;
        info.name = "dual_capability";
        info.version = "0.0.1-test";
        return info;
    }
    explicit DualCapability(const InstanceConfig&) {}

    bool detect(const HttpRequest&) const override { return false; }
    VerifyResult verify(const HttpRequest&) const override { return VerifyResult::ok(); }
    std::vector<WebhookEvent> parse(const HttpRequest&) const override { return {}; }
    ProviderRequest buildSend(const OutboundMessage& message) const override {
        ProviderRequest request;
        request.url = "http://127.0.0.1:9/send";
        request.body = message.text;
        return request;
    }
    SendResult parseSendResponse(const HttpResponse&) const override { return {}; }

    std::vector<Carrier> carriers() const override {
        Carrier c;
        c.id = "solo";
        c.name = "Solo";
        c.technology = "gsm";
        c.modes.push_back({"total_ai", "All calls", std::nullopt});
        return {c};
    }
    ForwardingCodes forwardingCodes(const ForwardingRequest& request) const override {
        if (request.carrier != "solo") throw BadInput("Unknown carrier");
        ForwardingCodes codes;
        codes.carrier = "solo";
        codes.mode = request.mode;
        codes.destination = request.destination;
        codes.activationCode = "**21*" + request.destination + "#";
        codes.deactivationCode = "##21#";
        return codes;
    }
    VerificationCallRequest buildVerificationCall(const VerificationCall& call) const override {
        VerificationCallRequest r;
        r.request.url = "http://127.0.0.1:9/call";
        r.request.body = "to=" + call.phoneNumber + "&say=" + call.code;
        r.redact = {call.code};
        return r;
    }
    SendResult parseVerificationCallResponse(const HttpResponse& response) const override {
        SendResult result;
        result.outcome = response.status == 201 ? SendOutcome::Accepted : SendOutcome::Rejected;
        result.providerRef = "call-1";
        return result;
    }
};

}  // namespace

SWITCHBOARD_PLUGIN(DualCapability)
