// A valid plugin (through the SDK) whose instances construct fine but whose every hook
// throws: half of them a std::exception, half of them something that is not one at all
// (an int, a private struct), since a sloppy plugin can throw anything. The SDK must turn
// each into SB_ERROR, and the host must carry on.
#include "switchboard/sdk/Plugin.h"

#include <stdexcept>

namespace {

using namespace switchboard::sdk;

// Deliberately unrelated to std::exception.
struct NotAnException {
    int code;
};

class Throwing : public ProviderPlugin {
  public:
    static PluginInfo info() {
        PluginInfo info;
        info.name = "throwing";
        info.version = "6.6.6";
        return info;
    }
    explicit Throwing(const InstanceConfig&) {}

    bool detect(const HttpRequest&) const override { throw std::runtime_error("detect exploded"); }
    VerifyResult verify(const HttpRequest&) const override { throw 42; }
    std::vector<WebhookEvent> parse(const HttpRequest&) const override {
        throw std::logic_error("parse exploded");
    }
    ProviderRequest buildSend(const OutboundMessage&) const override { throw 42; }
    SendResult parseSendResponse(const HttpResponse&) const override {
        throw std::runtime_error("parse_send_response exploded");
    }
    WebhookReply webhookResponse(WebhookResult) const override { throw NotAnException{7}; }
};

}  // namespace

SWITCHBOARD_PLUGIN(Throwing)
