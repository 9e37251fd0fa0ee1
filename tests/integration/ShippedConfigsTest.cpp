// The configurations the repository ships must keep passing --check-config with the real
// binary and plugins, so the README and examples never rot.
#include "support/ServiceProcess.h"
#include "support/TempDir.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace switchboard::testing {
namespace {

const std::map<std::string, std::string> kEnv = {
    {"SWITCHBOARD_ADMIN_KEY", "admin-key-for-config-check"},
    {"SWITCHBOARD_DEMO_API_KEY", "tenant-key-for-check"},
    {"EXTREME_API_KEY", "extreme-key"},
    {"SMSRETAIL_WEBHOOK_SECRET", "retail-secret"},
    {"SMSRETAIL_API_KEY", "retail-key"},
    {"T23_API_KEY", "t23-key-123"},
    {"T23_WEBHOOK_SECRET", "t23-secret"},
    {"SWITCHBOARD_DB_PASSWORD", "db-password"},
    {"T23_WEBHOOK_TOKEN", "t23-token"},
    {"TWILIO_ACCOUNT_SID", "AC00000000000000000000000000000000"},
    {"TWILIO_AUTH_TOKEN", "twilio-token"},
    {"SWITCHBOARD_MASTER_KEY", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="},
    {"SWITCHBOARD_MASTER_KEY_OLD",
     "1f1e1d1c1b1a191817161514131211100f0e0d0c0b0a09080706050403020100"},
    {"SWITCHBOARD_TELEPHONY_KEY", "telephony-key-for-config-check-0123456789"},
    {"EXTREME_WEBHOOK_SECRET", "extreme-webhook-secret-for-check"}};

TEST(ShippedConfigs, EveryShippedConfigurationPassesCheckConfig) {
    std::vector<std::string> files = {SWITCHBOARD_SOURCE_DIR "/config/switchboard.yaml"};
    for (const auto& entry :
         std::filesystem::directory_iterator(SWITCHBOARD_SOURCE_DIR "/config/examples"))
        files.push_back(entry.path().string());
    for (const auto& file : files) {
        TempDir dir;
        // Relative plugin paths in the shipped files are relative to the repository root;
        // point them at this build's plugins instead.
        std::string yaml = readFile(file);
        auto at = yaml.find("directory: build/plugins");
        ASSERT_NE(at, std::string::npos) << file;
        yaml.replace(at, std::string("directory: build/plugins").size(),
                     "directory: " SWITCHBOARD_PLUGIN_DIR);
        auto copy = dir.write("config.yaml", yaml);
        auto result = runSwitchboard(dir, {"--check-config", copy}, kEnv);
        EXPECT_EQ(result.exitCode, 0) << file << ":\n" << result.output;
        EXPECT_NE(result.output.find("OK"), std::string::npos) << file;
    }
}

}  // namespace
}  // namespace switchboard::testing
