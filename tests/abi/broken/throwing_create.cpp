// A plugin whose constructor throws something other than BadInput (as a bug would): the
// host must refuse to start with the instance id in the message, not crash.
#include "switchboard/sdk/Plugin.h"

#include <stdexcept>

namespace {

using namespace switchboard::sdk;

class ThrowingCreate : public ProviderPlugin {
  public:
    static PluginInfo info() {
        PluginInfo info;
        info.name = "throwing_create";
        info.version = "0.0.1";
        return info;
    }
    explicit ThrowingCreate(const InstanceConfig&) {
        throw std::runtime_error("constructor exploded");
    }

    bool detect(const HttpRequest&) const override { return false; }
    VerifyResult verify(const HttpRequest&) const override { return VerifyResult::ok(); }
    std::vector<WebhookEvent> parse(const HttpRequest&) const override { return {}; }
    ProviderRequest buildSend(const OutboundMessage&) const override { return {}; }
    SendResult parseSendResponse(const HttpResponse&) const override { return {}; }
};

}  // namespace

SWITCHBOARD_PLUGIN(ThrowingCreate)
