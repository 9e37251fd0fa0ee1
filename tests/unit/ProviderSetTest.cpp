#include "config/ConfigLoader.h"
#include "plugin/PluginRegistry.h"
#include "plugin/ProviderSet.h"

#include <gtest/gtest.h>

namespace switchboard::plugin {
namespace {

config::AppConfig configWith(const std::string& server) {
    return config::loadConfigText(
        server +
            "admin:\n  api_key: admin-key-0123456789abc\n"
            "providers:\n"
            "  - {id: a, plugin: extreme, transport: dry-run, config: {api_key: k-123456}}\n"
            "  - {id: b, plugin: extreme, transport: dry-run, config: {api_key: k-654321}}\n"
            "routes:\n"
            "  - {path: /api/webhooks/shared, providers: [a, b]}\n"
            "  - {path: /api/webhooks/a, providers: [a]}\n",
        ".");
}

TEST(ProviderSet, StatusCallbackUrlPrefersARouteServingOnlyThatInstance) {
    PluginRegistry registry;
    registry.loadDirectory(SWITCHBOARD_PLUGIN_DIR);
    auto config = configWith("server:\n  public_base_url: https://sms.example.com/\n");
    ProviderSet providers(config, registry);
    EXPECT_EQ(providers.find("a")->statusCallbackUrl, "https://sms.example.com/api/webhooks/a");
    EXPECT_EQ(providers.find("b")->statusCallbackUrl,
              "https://sms.example.com/api/webhooks/shared");
}

TEST(ProviderSet, NoStatusCallbackUrlWithoutAPublicBaseUrl) {
    PluginRegistry registry;
    registry.loadDirectory(SWITCHBOARD_PLUGIN_DIR);
    auto config = configWith("");
    ProviderSet providers(config, registry);
    EXPECT_EQ(providers.find("a")->statusCallbackUrl, "");
}

}  // namespace
}  // namespace switchboard::plugin
