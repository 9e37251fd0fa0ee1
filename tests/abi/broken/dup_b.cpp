// One of two otherwise valid libraries (dup_a, dup_b) that both declare the plugin name
// "dupname": YAML refers to plugins by name, so the host must refuse to guess which one.
#include "switchboard/sdk/Plugin.h"

namespace {

using namespace switchboard::sdk;

class DupB : public ProviderPlugin {
  public:
    static PluginInfo info() { return {"dupname", "dup_b", R"({"properties":{}})", "{}"}; }
    explicit DupB(const InstanceConfig&) {}

    bool detect(const HttpRequest&) const override { return false; }
    VerifyResult verify(const HttpRequest&) const override { return VerifyResult::ok(); }
    std::vector<WebhookEvent> parse(const HttpRequest&) const override { return {}; }
    ProviderRequest buildSend(const OutboundMessage&) const override { return {}; }
    SendResult parseSendResponse(const HttpResponse&) const override { return {}; }
};

}  // namespace

SWITCHBOARD_PLUGIN(DupB)
