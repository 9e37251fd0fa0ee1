// The `credentials:` section (master keys from env/file, errors that name the key path but
// never the value) and `providers[].tenant_credentials` (checked against the plugin's
// schema once the plugin is loaded).
#include "config/ConfigError.h"
#include "config/ConfigLoader.h"
#include "plugin/PluginRegistry.h"
#include "plugin/ProviderSet.h"
#include "support/TempDir.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <set>
#include <string>

namespace switchboard::config {
namespace {

constexpr const char* kHexKey = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
constexpr const char* kBase64Key = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

std::string withCredentials(const std::string& credentials, const std::string& providers = "") {
    return "admin:\n  api_key: admin-key-0123456789abc\n" + credentials + providers;
}

std::string errorOf(const std::string& yaml, const std::string& baseDir = ".") {
    try {
        loadConfigText(yaml, baseDir);
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "(no error)";
}

TEST(CredentialConfig, WithoutTheSectionBringYourOwnCarrierIsOff) {
    auto config = loadConfigText(withCredentials(""), ".");
    EXPECT_TRUE(config.credentials.masterKeys.empty());
    EXPECT_EQ(config.credentials.rotationIntervalS, 300);
}

TEST(CredentialConfig, KeysFromEnvironmentAndFileInOrderAndMasked) {
    testing::TempDir dir;
    dir.write("old.key", std::string(kBase64Key) + "\n");
    ::setenv("SB_TEST_MASTER_KEY", kHexKey, 1);
    auto config =
        loadConfigText(withCredentials("credentials:\n  rotation_interval_s: 60\n  master_keys:\n"
                                       "    - {id: k2, key: \"${SB_TEST_MASTER_KEY}\"}\n"
                                       "    - {id: k1, key: \"file:old.key\"}\n"),
                       dir.path());
    ::unsetenv("SB_TEST_MASTER_KEY");
    ASSERT_EQ(config.credentials.masterKeys.size(), 2u);
    EXPECT_EQ(config.credentials.masterKeys[0].id, "k2");
    EXPECT_EQ(config.credentials.masterKeys[1].id, "k1");
    EXPECT_EQ(config.credentials.masterKeys[0].bytes.size(), 32u);
    EXPECT_EQ(config.credentials.masterKeys[0].bytes, config.credentials.masterKeys[1].bytes);
    EXPECT_EQ(config.credentials.rotationIntervalS, 60);
    auto has = [&](const std::string& s) {
        return std::find(config.secrets.begin(), config.secrets.end(), s) != config.secrets.end();
    };
    EXPECT_TRUE(has(kHexKey));
    EXPECT_TRUE(has(kBase64Key));
}

TEST(CredentialConfig, ABadKeyNamesItsPathAndNotItsValue) {
    const std::string bad = "not-a-key-but-a-passphrase-0123456789";
    const std::string error =
        errorOf(withCredentials("credentials:\n  master_keys:\n    - {id: k1, key: " +
                                std::string(kHexKey) + "}\n    - {id: k0, key: " + bad + "}\n"));
    EXPECT_EQ(error.rfind("credentials.master_keys[1].key:", 0), 0u) << error;
    EXPECT_EQ(error.find(bad), std::string::npos) << error;
}

TEST(CredentialConfig, DuplicateOrMissingIdsAndUnknownKeysAreRefused) {
    EXPECT_EQ(errorOf(withCredentials("credentials:\n  master_keys:\n    - {id: k1, key: " +
                                      std::string(kHexKey) +
                                      "}\n    - {id: k1, key: " + kBase64Key + "}\n"))
                  .rfind("credentials.master_keys[1].id:", 0),
              0u);
    EXPECT_EQ(errorOf(withCredentials("credentials:\n  master_keys:\n    - {key: " +
                                      std::string(kHexKey) + "}\n"))
                  .rfind("credentials.master_keys[0].id:", 0),
              0u);
    EXPECT_EQ(errorOf(withCredentials("credentials:\n  master_key: x\n"))
                  .rfind("credentials.master_key:", 0),
              0u);
    EXPECT_EQ(errorOf(withCredentials("credentials:\n  rotation_interval_s: -1\n"))
                  .rfind("credentials.rotation_interval_s:", 0),
              0u);
    EXPECT_EQ(errorOf(withCredentials("credentials:\n  master_keys:\n    - {id: k1}\n"))
                  .rfind("credentials.master_keys[0].key:", 0),
              0u);
    EXPECT_EQ(errorOf(withCredentials("credentials:\n  master_keys:\n    - {id: k1, key: "
                                      "\"${SB_TEST_UNSET_MASTER_KEY}\"}\n"))
                  .rfind("credentials.master_keys[0].key:", 0),
              0u);
}

const std::string kTwilio =
    "providers:\n"
    "  - id: twilio-main\n    plugin: twilio\n    config:\n"
    "      account_sid: AC0123456789abcdef0123456789abcdef\n"
    "      auth_token: operator-token-0123456789\n";

TEST(CredentialConfig, TenantCredentialsAsAListTakeThePluginName) {
    auto config = loadConfigText(
        withCredentials("", kTwilio + "    tenant_credentials: [account_sid, auth_token]\n"), ".");
    ASSERT_EQ(config.providers.size(), 1u);
    EXPECT_EQ(config.providers[0].tenantCredentialName, "twilio");
    EXPECT_EQ(config.providers[0].tenantCredentialFields,
              (std::vector<std::string>{"account_sid", "auth_token"}));
}

TEST(CredentialConfig, TenantCredentialsAsAMappingMayRenameThem) {
    auto config = loadConfigText(
        withCredentials("", kTwilio + "    tenant_credentials:\n      name: my-carrier\n"
                                      "      fields: [auth_token]\n"),
        ".");
    EXPECT_EQ(config.providers[0].tenantCredentialName, "my-carrier");
    EXPECT_EQ(config.providers[0].tenantCredentialFields, (std::vector<std::string>{"auth_token"}));
    EXPECT_EQ(errorOf(withCredentials("", kTwilio + "    tenant_credentials: []\n"))
                  .rfind("providers[0].tenant_credentials:", 0),
              0u);
    EXPECT_EQ(errorOf(withCredentials("", kTwilio + "    tenant_credentials: [a, a]\n"))
                  .rfind("providers[0].tenant_credentials[1]:", 0),
              0u);
    EXPECT_EQ(errorOf(withCredentials("", kTwilio + "    tenant_credentials: {name: 'Bad Name', "
                                                    "fields: [auth_token]}\n"))
                  .rfind("providers[0].tenant_credentials.name:", 0),
              0u);
}

std::string providerSetError(const std::string& yaml) {
    plugin::PluginRegistry registry;
    registry.loadDirectory(SWITCHBOARD_PLUGIN_DIR);
    auto config = loadConfigText(yaml, ".");
    try {
        plugin::ProviderSet providers(config, registry);
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "(no error)";
}

TEST(CredentialConfig, FieldsAreCheckedAgainstThePluginSchema) {
    plugin::PluginRegistry registry;
    registry.loadDirectory(SWITCHBOARD_PLUGIN_DIR);
    auto config = loadConfigText(
        withCredentials("", kTwilio + "    tenant_credentials: [account_sid, auth_token, "
                                      "validate_signatures]\n"),
        ".");
    plugin::ProviderSet providers(config, registry);
    const plugin::Provider* p = providers.find("twilio-main");
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(p->tenantCredentialTypes.at("account_sid"), "string");
    EXPECT_EQ(p->tenantCredentialTypes.at("validate_signatures"), "boolean");
    // The plugin's schema marks auth_token (and only it, of these) secret.
    EXPECT_EQ(p->tenantSecretFields, (std::set<std::string>{"auth_token"}));
    EXPECT_EQ(providers.findByTenantCredentialName("twilio"), p);
    EXPECT_EQ(providers.findByTenantCredentialName("twilio-main"), nullptr);

    const std::string unknown = providerSetError(
        withCredentials("", kTwilio + "    tenant_credentials: [auth_token, password]\n"));
    EXPECT_EQ(unknown.rfind("providers[0].tenant_credentials[1]:", 0), 0u) << unknown;
}

TEST(CredentialConfig, InstancesSharingANameMustShareFields) {
    const std::string yaml =
        withCredentials("", kTwilio + "    tenant_credentials: [account_sid, auth_token]\n" +
                                "  - id: twilio-eu\n    plugin: twilio\n    config:\n"
                                "      account_sid: AC0123456789abcdef0123456789abcdee\n"
                                "      auth_token: operator-token-eu-0123456789\n"
                                "    tenant_credentials: [auth_token]\n");
    const std::string error = providerSetError(yaml);
    EXPECT_EQ(error.rfind("providers[", 0), 0u) << error;
    EXPECT_NE(error.find("tenant_credentials"), std::string::npos) << error;
}

}  // namespace
}  // namespace switchboard::config
