// A correct third-party plugin written only against the public SDK headers, the way an
// outside author would: proves the loader accepts what the SDK produces and that a plugin
// needs nothing from the core to load and run.
#include "switchboard/sdk/Plugin.h"

namespace {

using namespace switchboard::sdk;

class GoodMinimal : public ProviderPlugin {
  public:
    static PluginInfo info() {
        PluginInfo info;
        info.name = "good_minimal";
        info.version = "0.3.1-test";
        info.configSchemaJson =
            R"({"properties":{"endpoint":{"type":"string","default":"http://127.0.0.1:9/send"},)"
            R"("token":{"type":"string","required":true,"secret":true}}})";
        return info;
    }

    explicit GoodMinimal(const InstanceConfig& config)
        : endpoint_(config.getString("endpoint")), token_(config.getString("token")) {
        if (token_.empty()) throw BadInput("token is required");
    }

    bool detect(const HttpRequest& request) const override {
        return request.header("x-good-minimal").has_value();
    }
    VerifyResult verify(const HttpRequest& request) const override {
        auto presented = request.header("x-good-minimal");
        if (presented && constantTimeEquals(*presented, token_)) return VerifyResult::ok();
        return VerifyResult::reject("bad token");
    }
    std::vector<WebhookEvent> parse(const HttpRequest& request) const override {
        if (request.body.empty()) throw BadInput("empty body");
        InboundMessage message;
        message.from = "+15557000001";
        message.to = "+15550100001";
        message.text = request.body;
        return {message};
    }
    ProviderRequest buildSend(const OutboundMessage& message) const override {
        ProviderRequest request;
        request.url = endpoint_;
        request.headers = {{"Authorization", "Bearer " + token_}};
        request.body = message.to + ":" + message.text;
        return request;
    }
    SendResult parseSendResponse(const HttpResponse& response) const override {
        SendResult result;
        result.outcome = response.status == 200 ? SendOutcome::Accepted : SendOutcome::Rejected;
        result.providerRef = response.body;
        return result;
    }

  private:
    std::string endpoint_;
    std::string token_;
};

}  // namespace

SWITCHBOARD_PLUGIN(GoodMinimal)
