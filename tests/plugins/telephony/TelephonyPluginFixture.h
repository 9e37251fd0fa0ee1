// Shared by the telephony plugin suites: the built sb_telephony.so loaded through the host's
// own loader, and instances created the way the service creates them — the carrier table is
// the repository's config/carriers.yaml converted by the core's own YAML → JSON step.
#pragma once

#include "support/PluginTestHarness.h"
#include "telephony/CarrierTableSource.h"

#include <Poco/JSON/Object.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <string>

namespace switchboard::testing::telephony_plugin {

inline constexpr const char* kAccountSid = "AC0123456789abcdef0123456789abcdef";
inline constexpr const char* kAuthToken = "test-twilio-auth-token-42";
inline constexpr const char* kCallerNumber = "+15550109000";
inline constexpr const char* kDestination = "+15550109999";

inline std::string shippedCarriersYaml() {
    std::ifstream in(SWITCHBOARD_SOURCE_DIR "/config/carriers.yaml", std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

/// The instance config JSON the host would pass, with `carriersJson` as the table.
inline std::string instanceConfig(const std::string& carriersJson,
                                  const std::string& baseUrl = "https://api.twilio.com") {
    Poco::JSON::Object config;
    config.set("carriers", carriersJson);
    config.set("account_sid", kAccountSid);
    config.set("auth_token", kAuthToken);
    config.set("caller_number", kCallerNumber);
    config.set("base_url", baseUrl);
    config.set("language", "en-US");
    std::ostringstream out;
    config.stringify(out);
    return out.str();
}

inline std::string shippedInstanceConfig() {
    return instanceConfig(switchboard::telephony::carriersJsonFromYaml(shippedCarriersYaml(),
                                                                       "config/carriers.yaml"));
}

class TelephonyPluginSuite : public PluginSuite<TelephonyPluginSuite> {
  public:
    static constexpr const char* kPluginFile = "sb_telephony.so";

  protected:
    void SetUp() override {
        PluginSuite<TelephonyPluginSuite>::SetUp();
        instance_ = std::make_unique<plugin::ProviderInstance>(*library_, "telephony-test",
                                                               shippedInstanceConfig());
    }
    std::unique_ptr<plugin::ProviderInstance> instance_;
};

}  // namespace switchboard::testing::telephony_plugin
