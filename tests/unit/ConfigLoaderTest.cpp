#include "config/ConfigError.h"
#include "config/ConfigLoader.h"
#include "support/TempDir.h"
#include "support/ThrownErrors.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>

namespace switchboard::config {
namespace {

using testing::startsWith;
using testing::TempDir;
using testing::thrown;
using testing::thrownMessage;

constexpr const char* kAdminKey = "admin-key-0123456789abcdef";
constexpr const char* kTenantKey = "tenant-key-0123456789abcdef";

/// Sets an environment variable for the lifetime of the object, restoring the old state.
class ScopedEnv {
  public:
    ScopedEnv(std::string name, const char* value) : name_(std::move(name)) {
        if (const char* old = std::getenv(name_.c_str())) old_ = old;
        if (value != nullptr) {
            ::setenv(name_.c_str(), value, 1);
        } else {
            ::unsetenv(name_.c_str());
        }
    }
    ~ScopedEnv() {
        if (old_) {
            ::setenv(name_.c_str(), old_->c_str(), 1);
        } else {
            ::unsetenv(name_.c_str());
        }
    }
    ScopedEnv(const ScopedEnv&) = delete;
    ScopedEnv& operator=(const ScopedEnv&) = delete;

  private:
    std::string name_;
    std::optional<std::string> old_;
};

/// Pieces of a valid configuration; each test breaks exactly one of them.
struct Yaml {
    std::string server;
    std::string admin = "admin:\n  api_key: " + std::string(kAdminKey) + "\n";
    std::string providers =
        "providers:\n"
        "  - id: p1\n"
        "    plugin: extreme\n"
        "  - id: p2\n"
        "    plugin: extreme\n"
        "    transport: dry-run\n";
    std::string routes =
        "routes:\n"
        "  - path: /api/webhook/extreme\n"
        "    providers: [p1, p2]\n";
    std::string tenants =
        "tenants:\n"
        "  - id: acme\n"
        "    default_provider: p1\n"
        "    numbers: [\"+15550100001\"]\n"
        "    api_keys: [\"" +
        std::string(kTenantKey) +
        "\"]\n"
        "  - id: globex\n"
        "    default_provider: p2\n"
        "    numbers: [\"+15550200002\"]\n";
    std::string extra;

    std::string text() const { return server + admin + providers + routes + tenants + extra; }
};

/// The ConfigError message of loading `yaml`, or a failure if it loads.
std::string errorOf(const std::string& yaml, const std::string& baseDir = ".") {
    return thrownMessage<ConfigError>([&] { loadConfigText(yaml, baseDir); },
                                      "a ConfigError for:\n" + yaml);
}

#define EXPECT_CONFIG_ERROR(yaml, prefix) EXPECT_TRUE(startsWith(errorOf(yaml), prefix))

TEST(ConfigLoader, MinimalConfigLoadsWithDefaults) {
    AppConfig c = loadConfigText(Yaml().text(), "/base", "inline.yaml");
    EXPECT_EQ(c.sourceFile, "inline.yaml");
    EXPECT_EQ(c.server.bind, "127.0.0.1");
    EXPECT_EQ(c.server.port, 8080);
    EXPECT_EQ(c.storage.driver, "sqlite");
    EXPECT_EQ(c.dispatch.maxAttempts, 4);
    EXPECT_EQ(c.dispatch.backoffInitialMs, 2000);
    EXPECT_EQ(c.adminApiKey, kAdminKey);
    ASSERT_EQ(c.providers.size(), 2u);
    EXPECT_EQ(c.providers[0].id, "p1");
    EXPECT_EQ(c.providers[0].transport, "http");
    EXPECT_EQ(c.providers[0].keyPath, "providers[0]");
    EXPECT_EQ(c.providers[1].transport, "dry-run");
    EXPECT_EQ(c.providers[1].keyPath, "providers[1]");
    ASSERT_EQ(c.routes.size(), 1u);
    EXPECT_EQ(c.routes[0].providers, (std::vector<std::string>{"p1", "p2"}));
    ASSERT_EQ(c.tenants.size(), 2u);
    EXPECT_EQ(c.tenants[0].name, "acme");          // name defaults to the id
    EXPECT_EQ(c.tenants[0].businessName, "acme");  // business_name defaults to the name
    EXPECT_EQ(c.tenants[0].apiKeys, (std::vector<std::string>{kTenantKey}));
    EXPECT_TRUE(c.tenants[1].apiKeys.empty());
    // Both keys are secrets to mask.
    EXPECT_NE(std::find(c.secrets.begin(), c.secrets.end(), kAdminKey), c.secrets.end());
    EXPECT_NE(std::find(c.secrets.begin(), c.secrets.end(), kTenantKey), c.secrets.end());
}

TEST(ConfigLoader, ClaimBatchDefaultsToFourAndIsRangeChecked) {
    Yaml y;
    EXPECT_EQ(loadConfigText(y.text(), "/base").dispatch.claimBatch, 4);
    y.extra = "dispatch:\n  claim_batch: 16\n";
    EXPECT_EQ(loadConfigText(y.text(), "/base").dispatch.claimBatch, 16);
    y.extra = "dispatch:\n  claim_batch: 65\n";
    EXPECT_CONFIG_ERROR(y.text(), "dispatch.claim_batch");
}

// Batching is the SQLite default; PostgreSQL shares WAL flushes itself and runs concurrent
// transactions in parallel, so it commits each write on its own unless told otherwise.
TEST(ConfigLoader, GroupCommitDefaultsPerDriverAndCanBeSet) {
    Yaml sqlite;
    EXPECT_EQ(loadConfigText(sqlite.text(), "/base").storage.groupCommitMax, 256);
    Yaml postgres;
    postgres.extra = "storage:\n  driver: postgresql\n";
    EXPECT_EQ(loadConfigText(postgres.text(), "/base").storage.groupCommitMax, 1);
    postgres.extra += "  group_commit_max: 64\n";
    EXPECT_EQ(loadConfigText(postgres.text(), "/base").storage.groupCommitMax, 64);
    Yaml zero;
    zero.extra = "storage:\n  group_commit_max: 0\n";
    EXPECT_CONFIG_ERROR(zero.text(), "storage.group_commit_max");
}

TEST(ConfigLoader, ShippedConfigLoadsWithEnvironmentSecrets) {
    ScopedEnv admin("SWITCHBOARD_ADMIN_KEY", "shipped-admin-key-0123456789");
    ScopedEnv extreme("EXTREME_API_KEY", "shipped-extreme-key-987654");
    ScopedEnv demo("SWITCHBOARD_DEMO_API_KEY", "shipped-demo-key-0123456789");
    ScopedEnv twilioSid("TWILIO_ACCOUNT_SID", "AC00000000000000000000000000000000");
    ScopedEnv twilioToken("TWILIO_AUTH_TOKEN", "shipped-twilio-token-0123");
    ScopedEnv telephonyKey("SWITCHBOARD_TELEPHONY_KEY", "shipped-telephony-key-0123456789abcdef");
    const std::string path = std::string(SWITCHBOARD_SOURCE_DIR) + "/config/switchboard.yaml";

    AppConfig c = loadConfigFile(path);
    EXPECT_EQ(c.sourceFile, path);
    EXPECT_EQ(c.server.bind, "127.0.0.1");
    EXPECT_EQ(c.server.port, 8080);
    EXPECT_EQ(c.server.threads, 16);
    EXPECT_EQ(c.server.maxBodyBytes, 1048576u);
    EXPECT_EQ(c.logLevel, "information");
    EXPECT_EQ(c.storage.sqlitePath, "var/switchboard.db");
    EXPECT_EQ(c.pluginDirectory, "build/plugins");
    EXPECT_EQ(c.dispatch.workers, 2);
    EXPECT_EQ(c.dispatch.maxAttempts, 4);
    EXPECT_EQ(c.dispatch.backoffInitialMs, 2000);
    EXPECT_EQ(c.dispatch.connectTimeoutMs, 5000);
    EXPECT_EQ(c.dispatch.readTimeoutMs, 15000);
    EXPECT_EQ(c.adminApiKey, "shipped-admin-key-0123456789");

    ASSERT_EQ(c.providers.size(), 2u);
    EXPECT_EQ(c.providers[0].id, "extreme-main");
    EXPECT_EQ(c.providers[0].plugin, "extreme");
    EXPECT_EQ(c.providers[0].transport, "dry-run");
    // The plugin block stays as written; the plugin schema resolves it later.
    ASSERT_TRUE(c.providers[0].rawConfig.IsMap());
    EXPECT_EQ(c.providers[0].rawConfig["api_key"].as<std::string>(), "${EXTREME_API_KEY}");
    // Telephony in dry-run, its carrier table handed to the instance as JSON.
    EXPECT_EQ(c.providers[1].id, "telephony-main");
    EXPECT_EQ(c.providers[1].transport, "dry-run");
    EXPECT_TRUE(c.telephony.enabled);
    EXPECT_EQ(c.telephony.provider, "telephony-main");
    EXPECT_EQ(c.telephony.codeHashKey, "shipped-telephony-key-0123456789abcdef");
    EXPECT_EQ(c.providers[1].rawConfig["carriers"].as<std::string>().rfind("{\"version\":1,", 0),
              0u);

    ASSERT_EQ(c.routes.size(), 1u);
    EXPECT_EQ(c.routes[0].path, "/api/webhook/extreme");
    EXPECT_EQ(c.routes[0].providers, (std::vector<std::string>{"extreme-main"}));

    ASSERT_EQ(c.tenants.size(), 1u);
    EXPECT_EQ(c.tenants[0].id, "demo");
    EXPECT_EQ(c.tenants[0].name, "Demo Clinic");
    EXPECT_EQ(c.tenants[0].businessName, "Demo Clinic");
    EXPECT_EQ(c.tenants[0].defaultProvider, "extreme-main");
    EXPECT_EQ(c.tenants[0].numbers, (std::vector<std::string>{"+15550100001"}));
    EXPECT_EQ(c.tenants[0].apiKeys, (std::vector<std::string>{"shipped-demo-key-0123456789"}));
    EXPECT_NE(std::find(c.secrets.begin(), c.secrets.end(), "shipped-admin-key-0123456789"),
              c.secrets.end());
    EXPECT_NE(std::find(c.secrets.begin(), c.secrets.end(), "shipped-demo-key-0123456789"),
              c.secrets.end());
}

TEST(ConfigLoader, ShippedConfigWithoutEnvironmentNamesTheVariable) {
    ScopedEnv admin("SWITCHBOARD_ADMIN_KEY", nullptr);
    const std::string path = std::string(SWITCHBOARD_SOURCE_DIR) + "/config/switchboard.yaml";
    auto e = thrown<ConfigError>([&] { loadConfigFile(path); });
    ASSERT_TRUE(e) << "expected a ConfigError";
    EXPECT_TRUE(startsWith(e->what(),
                           "admin.api_key: environment variable SWITCHBOARD_ADMIN_KEY is not set"));
}

TEST(ConfigLoader, ServerValuesAreRangeChecked) {
    Yaml y;
    y.server = "server:\n  port: 70000\n";
    EXPECT_CONFIG_ERROR(y.text(), "server.port: must be between 0 and 65535");
    y.server = "server:\n  port: -1\n";
    EXPECT_CONFIG_ERROR(y.text(), "server.port: must be between");
    y.server = "server:\n  threads: 0\n";
    EXPECT_CONFIG_ERROR(y.text(), "server.threads: must be between");
    y.server = "server:\n  max_body_bytes: 10\n";
    EXPECT_CONFIG_ERROR(y.text(), "server.max_body_bytes: must be between");
    y.server = "server:\n  port: 80.5\n";
    EXPECT_CONFIG_ERROR(y.text(), "server.port: expected an integer");
    y.server = "server:\n  port: eighty\n";
    EXPECT_CONFIG_ERROR(y.text(), "server.port: expected an integer, got 'eighty'");
    {
        // A secret referenced into a numeric key by mistake is not echoed in the error.
        ScopedEnv port("SB_TEST_PORT_SECRET", "s3cr3t-value-not-a-port");
        y.server = "server:\n  port: ${SB_TEST_PORT_SECRET}\n";
        std::string error = errorOf(y.text());
        EXPECT_TRUE(startsWith(error, "server.port: expected an integer"));
        EXPECT_EQ(error.find("s3cr3t-value-not-a-port"), std::string::npos) << error;
    }
    y.server = "dispatch:\n  backoff_jitter: 1.5\n";
    EXPECT_CONFIG_ERROR(y.text(), "dispatch.backoff_jitter: must be between");
    y.server = "dispatch:\n  backoff_jitter: lots\n";
    EXPECT_CONFIG_ERROR(y.text(), "dispatch.backoff_jitter: expected a number");
    y.server = "dispatch:\n  lease_seconds: 1\n";
    EXPECT_CONFIG_ERROR(y.text(), "dispatch.lease_seconds: must be between");

    y.server = "server:\n  port: 0\n  public_base_url: https://sms.example.com//\n";
    AppConfig c = loadConfigText(y.text(), ".");
    EXPECT_EQ(c.server.port, 0);
    EXPECT_EQ(c.server.publicBaseUrl, "https://sms.example.com");
}

TEST(ConfigLoader, OtherSectionsAreValidated) {
    Yaml y;
    y.server = "storage:\n  driver: mysql\n";
    EXPECT_CONFIG_ERROR(y.text(), "storage.driver: unsupported driver 'mysql'");
    y.server = "storage:\n  sqlite:\n    file: x.db\n";
    EXPECT_CONFIG_ERROR(y.text(), "storage.sqlite.file: unknown key");
    y.server = "logging:\n  level: loud\n";
    EXPECT_CONFIG_ERROR(y.text(), "logging.level: unknown level 'loud'");
    y.server = "plugins:\n  dir: x\n";
    EXPECT_CONFIG_ERROR(y.text(), "plugins.dir: unknown key");
}

TEST(ConfigLoader, RejectStatusAndStatusCallbackRouteAreChecked) {
    Yaml y;
    EXPECT_EQ(loadConfigText(y.text(), ".").routes.front().rejectStatus, 200);
    y.routes += "    reject_status: 401\n";
    EXPECT_EQ(loadConfigText(y.text(), ".").routes.front().rejectStatus, 401);
    y = Yaml();
    y.routes += "    reject_status: 302\n";
    EXPECT_CONFIG_ERROR(y.text(),
                        "routes[0].reject_status: must be 200 (default), 400, 401 or 403");
    y = Yaml();
    y.routes += "  - path: /api/webhook/extreme-status\n    providers: [p1]\n";
    y.providers =
        "providers:\n  - id: p1\n    plugin: extreme\n"
        "    status_callback_route: /api/webhook/extreme-status\n"
        "  - id: p2\n    plugin: extreme\n";
    EXPECT_EQ(loadConfigText(y.text(), ".").providers.front().statusCallbackRoute,
              "/api/webhook/extreme-status");
    // It must be a route that serves the instance.
    y.providers =
        "providers:\n  - id: p1\n    plugin: extreme\n"
        "  - id: p2\n    plugin: extreme\n"
        "    status_callback_route: /api/webhook/extreme-status\n";
    EXPECT_CONFIG_ERROR(y.text(),
                        "providers[1].status_callback_route: '/api/webhook/"
                        "extreme-status' is not a route serving p2");
}

TEST(ConfigLoader, ProviderErrorsNameTheEntry) {
    Yaml y;
    y.providers = "providers:\n  - id: p1\n    plugin: extreme\n    transport: smtp\n";
    EXPECT_CONFIG_ERROR(y.text(), "providers[0].transport: must be 'http' or 'dry-run'");

    y.providers = "providers:\n  - id: p1\n    plugin: extreme\n  - id: p2\n";
    EXPECT_CONFIG_ERROR(y.text(), "providers[1].plugin: required key is missing");

    y.providers = "providers:\n  - id: p1\n    plugin: \"\"\n";
    EXPECT_CONFIG_ERROR(y.text(), "providers[0].plugin: must not be empty");

    y.providers = "providers:\n  - id: \"bad id!\"\n    plugin: extreme\n";
    EXPECT_CONFIG_ERROR(y.text(), "providers[0].id: must match");

    y.providers = "providers:\n  - id: p1\n    plugin: extreme\n    colour: blue\n";
    EXPECT_CONFIG_ERROR(y.text(), "providers[0].colour: unknown key");

    y.providers =
        "providers:\n  - id: p1\n    plugin: extreme\n    status_map:\n      delivrd: DONE\n";
    EXPECT_CONFIG_ERROR(y.text(),
                        "providers[0].status_map.delivrd: 'DONE' is not a canonical status");

    y.providers = "providers:\n  - id: p1\n    plugin: extreme\n    status_map: [a]\n";
    EXPECT_CONFIG_ERROR(y.text(), "providers[0].status_map: expected a mapping");

    y.providers = "providers:\n  id: p1\n";
    EXPECT_CONFIG_ERROR(y.text(), "providers: expected a list");

    y.providers = "providers:\n  - just-a-string\n";
    EXPECT_CONFIG_ERROR(y.text(), "providers[0]: expected a mapping");
}

TEST(ConfigLoader, StatusMapIsRead) {
    Yaml y;
    y.providers =
        "providers:\n  - id: p1\n    plugin: extreme\n    status_map:\n      delivrd: DELIVERED\n"
        "  - id: p2\n    plugin: extreme\n";
    AppConfig c = loadConfigText(y.text(), ".");
    EXPECT_EQ(c.providers[0].statusMap.at("delivrd"), "DELIVERED");
}

TEST(ConfigLoader, DuplicateIdsAreRefused) {
    Yaml y;
    y.providers = "providers:\n  - id: p1\n    plugin: extreme\n  - id: p1\n    plugin: extreme\n";
    EXPECT_CONFIG_ERROR(y.text(), "providers[1].id: duplicate provider id 'p1'");

    y = Yaml();
    y.tenants =
        "tenants:\n  - id: acme\n    default_provider: p1\n  - id: acme\n    default_provider: "
        "p2\n";
    EXPECT_CONFIG_ERROR(y.text(), "tenants[1].id: duplicate tenant id 'acme'");

    y = Yaml();
    y.routes =
        "routes:\n  - path: /hook\n    providers: [p1]\n  - path: /hook\n    providers: [p2]\n";
    EXPECT_CONFIG_ERROR(y.text(), "routes[1].path: duplicate route path '/hook'");

    y = Yaml();
    y.tenants =
        "tenants:\n  - id: acme\n    default_provider: p1\n    numbers: [\"+15550100001\"]\n"
        "  - id: globex\n    default_provider: p1\n    numbers: [\"+15550100001\"]\n";
    EXPECT_CONFIG_ERROR(y.text(), "tenants[1].numbers[0]: number +15550100001 is assigned twice");
}

TEST(ConfigLoader, RouteErrorsNameTheEntry) {
    Yaml y;
    y.routes = "routes:\n  - path: /hook\n    providers: [p1, nope]\n";
    EXPECT_CONFIG_ERROR(y.text(), "routes[0].providers[1]: unknown provider id 'nope'");
    y.routes = "routes:\n  - path: /hook\n    providers: [nope]\n";
    EXPECT_CONFIG_ERROR(y.text(), "routes[0].providers[0]: unknown provider id 'nope'");
    y.routes = "routes:\n  - path: /hook\n    providers: []\n";
    EXPECT_CONFIG_ERROR(y.text(), "routes[0].providers: must name at least one provider");
    y.routes = "routes:\n  - path: hook\n    providers: [p1]\n";
    EXPECT_CONFIG_ERROR(y.text(), "routes[0].path: must start with '/'");
    y.routes = "routes:\n  - path: /api/admin/x\n    providers: [p1]\n";
    EXPECT_CONFIG_ERROR(y.text(), "routes[0].path: collides with a built-in API path");
    y.routes = "routes:\n  - path: /api/sms/send\n    providers: [p1]\n";
    EXPECT_CONFIG_ERROR(y.text(), "routes[0].path: collides with a built-in API path");
    y.routes = "routes:\n  - path: /hook\n    providers: p1\n";
    EXPECT_CONFIG_ERROR(y.text(), "routes[0].providers: expected a list");
}

TEST(ConfigLoader, TenantErrorsNameTheEntry) {
    Yaml y;
    y.tenants =
        "tenants:\n  - id: acme\n    default_provider: p1\n"
        "  - id: globex\n    default_provider: p1\n    numbers: [\"5550200002\"]\n";
    EXPECT_CONFIG_ERROR(y.text(), "tenants[1].numbers[0]: '5550200002' is not an E.164 number");

    y.tenants =
        "tenants:\n  - id: acme\n    default_provider: p1\n    numbers: [\"+15550100001\", \"+1 "
        "555\"]\n";
    EXPECT_CONFIG_ERROR(y.text(), "tenants[0].numbers[1]: '+1 555' is not an E.164 number");

    y.tenants = "tenants:\n  - id: acme\n    default_provider: nope\n";
    EXPECT_CONFIG_ERROR(y.text(), "tenants[0].default_provider: unknown provider id 'nope'");

    y.tenants = "tenants:\n  - id: acme\n";
    EXPECT_CONFIG_ERROR(y.text(), "tenants[0].default_provider: required key is missing");

    y.tenants = "tenants:\n  - id: Acme\n    default_provider: p1\n";
    EXPECT_CONFIG_ERROR(y.text(), "tenants[0].id: must match");

    y.tenants = "tenants:\n  - id: acme\n    default_provider: p1\n    api_keys: [short]\n";
    EXPECT_CONFIG_ERROR(y.text(),
                        "tenants[0].api_keys[0]: API keys must be at least 16 characters");

    y.tenants = "tenants:\n  - id: acme\n    default_provider: p1\n    api_keys: [\"" +
                std::string(kAdminKey) + "\"]\n";
    EXPECT_CONFIG_ERROR(y.text(), "tenants[0].api_keys[0]: API key is used twice");

    y.tenants = "tenants:\n  - id: acme\n    default_provider: p1\n    api_keys: [\"" +
                std::string(kTenantKey) +
                "\"]\n  - id: globex\n    default_provider: p1\n    api_keys: [\"" +
                std::string(kTenantKey) + "\"]\n";
    EXPECT_CONFIG_ERROR(y.text(), "tenants[1].api_keys[0]: API key is used twice");

    y.tenants = "tenants:\n  - id: acme\n    default_provider: p1\n    nickname: A\n";
    EXPECT_CONFIG_ERROR(y.text(), "tenants[0].nickname: unknown key");
}

TEST(ConfigLoader, UnknownKeysAreRefused) {
    Yaml y;
    y.extra = "bogus: 1\n";
    EXPECT_CONFIG_ERROR(y.text(), "bogus: unknown key");

    y = Yaml();
    y.server = "server:\n  port: 8080\n  colour: blue\n";
    EXPECT_CONFIG_ERROR(y.text(), "server.colour: unknown key");

    y = Yaml();
    y.server = "dispatch:\n  worker: 3\n";
    EXPECT_CONFIG_ERROR(y.text(), "dispatch.worker: unknown key");

    y = Yaml();
    y.admin = "admin:\n  api_key: " + std::string(kAdminKey) + "\n  api_keys: []\n";
    EXPECT_CONFIG_ERROR(y.text(), "admin.api_keys: unknown key");
}

TEST(ConfigLoader, WrongTypesNameTheKey) {
    Yaml y;
    y.server = "server:\n  bind:\n    host: 127.0.0.1\n";
    EXPECT_CONFIG_ERROR(y.text(), "server.bind: expected a string");

    y.server = "server:\n  bind: [127.0.0.1]\n";
    EXPECT_CONFIG_ERROR(y.text(), "server.bind: expected a string");

    y.server = "server: 8080\n";
    EXPECT_CONFIG_ERROR(y.text(), "server: expected a mapping");

    y = Yaml();
    y.admin = "admin:\n  api_key:\n    value: " + std::string(kAdminKey) + "\n";
    EXPECT_CONFIG_ERROR(y.text(), "admin.api_key: expected a string");

    y = Yaml();
    y.tenants = "tenants:\n  - id: acme\n    default_provider: p1\n    numbers:\n      - {n: 1}\n";
    EXPECT_CONFIG_ERROR(y.text(), "tenants[0].numbers[0]: expected a string");

    EXPECT_TRUE(startsWith(errorOf("- a\n- b\n"), "expected a mapping"));
}

TEST(ConfigLoader, AdminKeyIsRequiredAndLongEnough) {
    Yaml y;
    y.admin = "admin:\n  api_key: fifteen-chars-x\n";
    EXPECT_CONFIG_ERROR(y.text(), "admin.api_key: must be at least 16 characters");

    y.admin = "admin:\n  api_key: sixteen-chars-xx\n";
    EXPECT_EQ(loadConfigText(y.text(), ".").adminApiKey, "sixteen-chars-xx");

    y.admin = "";
    EXPECT_CONFIG_ERROR(y.text(), "admin.api_key: required key is missing");

    y.admin = "admin:\n  api_key: \"\"\n";
    EXPECT_CONFIG_ERROR(y.text(), "admin.api_key: must not be empty");
}

TEST(ConfigLoader, EnvironmentReferencesAreResolved) {
    ScopedEnv key("SB_UNIT_ADMIN_KEY", "env-admin-key-0123456789");
    ScopedEnv host("SB_UNIT_HOST", "10.0.0.7");
    Yaml y;
    y.server =
        "server:\n  bind: ${SB_UNIT_HOST}\n  public_base_url: https://${SB_UNIT_HOST}:8443\n";
    y.admin = "admin:\n  api_key: ${SB_UNIT_ADMIN_KEY}\n";
    AppConfig c = loadConfigText(y.text(), ".");
    EXPECT_EQ(c.server.bind, "10.0.0.7");
    EXPECT_EQ(c.server.publicBaseUrl, "https://10.0.0.7:8443");
    EXPECT_EQ(c.adminApiKey, "env-admin-key-0123456789");
}

TEST(ConfigLoader, UnsetVariableNamesVariableAndKeyButNoSecret) {
    const std::string secret = "very-secret-prefix-value-4242";
    ScopedEnv set("SB_UNIT_SET_SECRET", secret.c_str());
    ScopedEnv unset("SB_UNIT_UNSET_VAR", nullptr);

    Yaml y;
    y.admin = "admin:\n  api_key: ${SB_UNIT_UNSET_VAR}\n";
    std::string message = errorOf(y.text());
    EXPECT_TRUE(
        startsWith(message, "admin.api_key: environment variable SB_UNIT_UNSET_VAR is not set"));

    // A value combining a set secret with an unset variable: the error must name the unset
    // one and must not echo the part already resolved.
    y = Yaml();
    y.tenants =
        "tenants:\n  - id: acme\n    default_provider: p1\n"
        "    api_keys: [\"${SB_UNIT_SET_SECRET}-${SB_UNIT_UNSET_VAR}\"]\n";
    message = errorOf(y.text());
    EXPECT_TRUE(startsWith(message, "tenants[0].api_keys[0]: "));
    EXPECT_NE(message.find("SB_UNIT_UNSET_VAR"), std::string::npos) << message;
    EXPECT_EQ(message.find(secret), std::string::npos) << message;

    // A too-short resolved key is refused without quoting it.
    ScopedEnv shortKey("SB_UNIT_SHORT_SECRET", "shortsecret");
    y = Yaml();
    y.admin = "admin:\n  api_key: ${SB_UNIT_SHORT_SECRET}\n";
    message = errorOf(y.text());
    EXPECT_TRUE(startsWith(message, "admin.api_key: must be at least 16 characters"));
    EXPECT_EQ(message.find("shortsecret"), std::string::npos) << message;
}

TEST(ConfigLoader, FileReferencesAreRelativeToTheConfigFile) {
    TempDir dir;
    std::filesystem::create_directories(dir.file("conf/secrets"));
    dir.write("conf/secrets/admin.key", "file-admin-key-0123456789\n");
    dir.write("conf/secrets/tenant.key", "file-tenant-key-0123456789\r\n");
    const std::string absoluteSecret = dir.write("abs.key", "absolute-tenant-key-0123456789");
    Yaml y;
    y.admin = "admin:\n  api_key: file:secrets/admin.key\n";
    y.tenants =
        "tenants:\n  - id: acme\n    default_provider: p1\n"
        "    api_keys: [\"file:secrets/tenant.key\", \"file:" +
        absoluteSecret + "\"]\n";
    const std::string configPath = dir.write("conf/switchboard.yaml", y.text());

    AppConfig c = loadConfigFile(configPath);
    EXPECT_EQ(c.adminApiKey, "file-admin-key-0123456789");  // trailing newline stripped
    ASSERT_EQ(c.tenants[0].apiKeys.size(), 2u);
    EXPECT_EQ(c.tenants[0].apiKeys[0], "file-tenant-key-0123456789");  // CRLF stripped
    EXPECT_EQ(c.tenants[0].apiKeys[1], "absolute-tenant-key-0123456789");

    // loadConfigText resolves against the base directory it is given.
    AppConfig fromText = loadConfigText(y.text(), dir.file("conf"));
    EXPECT_EQ(fromText.adminApiKey, "file-admin-key-0123456789");
}

TEST(ConfigLoader, FileReferenceStripsOnlyOneTrailingNewline) {
    TempDir dir;
    dir.write("admin.key", "file-admin-key-0123456789\n\n");
    Yaml y;
    y.admin = "admin:\n  api_key: file:admin.key\n";
    AppConfig c = loadConfigFile(dir.write("switchboard.yaml", y.text()));
    EXPECT_EQ(c.adminApiKey, "file-admin-key-0123456789\n");
}

TEST(ConfigLoader, MissingSecretFileNamesKeyAndFile) {
    TempDir dir;
    Yaml y;
    y.admin = "admin:\n  api_key: file:secrets/missing.key\n";
    const std::string configPath = dir.write("switchboard.yaml", y.text());
    auto e = thrown<ConfigError>([&] { loadConfigFile(configPath); });
    ASSERT_TRUE(e) << "expected a ConfigError";
    const std::string message = e->what();
    EXPECT_TRUE(startsWith(message, "admin.api_key: cannot read secret file"));
    EXPECT_NE(message.find(dir.file("secrets/missing.key")), std::string::npos) << message;

    y.admin = "admin:\n  api_key: \"file:\"\n";
    EXPECT_CONFIG_ERROR(y.text(), "admin.api_key: file: reference names no file");
}

TEST(ConfigLoader, InvalidYamlIsReported) {
    auto e = thrown<ConfigError>([] { loadConfigText("server: [unclosed\n", ".", "broken.yaml"); });
    ASSERT_TRUE(e) << "expected a ConfigError";
    EXPECT_TRUE(startsWith(e->what(), "broken.yaml: invalid YAML"));
    TempDir dir;
    const std::string path = dir.write("broken.yaml", "server:\n  port: [1, 2\n");
    e = thrown<ConfigError>([&] { loadConfigFile(path); });
    ASSERT_TRUE(e) << "expected a ConfigError";
    EXPECT_TRUE(startsWith(e->what(), path + ": invalid YAML"));
}

TEST(ConfigLoader, EmptyFileIsReported) {
    TempDir dir;
    const std::string empty = dir.write("empty.yaml", "");
    auto e = thrown<ConfigError>([&] { loadConfigFile(empty); });
    ASSERT_TRUE(e) << "expected a ConfigError";
    EXPECT_TRUE(startsWith(e->what(), empty + ": the file is empty"));
    const std::string comments = dir.write("comments.yaml", "# nothing here\n\n");
    e = thrown<ConfigError>([&] { loadConfigFile(comments); });
    ASSERT_TRUE(e) << "expected a ConfigError";
    EXPECT_TRUE(startsWith(e->what(), comments + ": the file is empty"));
    e = thrown<ConfigError>([] { loadConfigText("", ".", "inline.yaml"); });
    ASSERT_TRUE(e) << "expected a ConfigError";
    EXPECT_TRUE(startsWith(e->what(), "inline.yaml: the file is empty"));
}

TEST(ConfigLoader, MissingFileIsReported) {
    TempDir dir;
    const std::string path = dir.file("does-not-exist.yaml");
    auto e = thrown<ConfigError>([&] { loadConfigFile(path); });
    ASSERT_TRUE(e) << "expected a ConfigError";
    EXPECT_STREQ(e->what(), ("cannot read config file " + path).c_str());
}

}  // namespace
}  // namespace switchboard::config
