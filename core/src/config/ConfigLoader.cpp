#include "config/ConfigLoader.h"

#include "config/ConfigError.h"
#include "config/ProtectionConfig.h"
#include "config/YamlReader.h"
#include "credentials/MasterKey.h"
#include "telephony/TelephonyConfigReader.h"
#include "util/CidrSet.h"
#include "util/E164.h"

#include <algorithm>
#include <filesystem>
#include <regex>
#include <set>

namespace switchboard::config {
namespace {

constexpr long long kMaxInt = 1'000'000'000;

void readServer(YamlReader r, ServerConfig& s) {
    s.bind = r.string("bind", s.bind);
    s.port = static_cast<int>(r.integer("port", s.port, 0, 65535));
    s.threads = static_cast<int>(r.integer("threads", s.threads, 1, 1024));
    s.maxQueued = static_cast<int>(r.integer("max_queued", s.maxQueued, 1, 100000));
    s.maxBodyBytes = static_cast<std::size_t>(
        r.integer("max_body_bytes", static_cast<long long>(s.maxBodyBytes), 256, 64LL << 20));
    s.keepAliveTimeoutS =
        static_cast<int>(r.integer("keep_alive_timeout_s", s.keepAliveTimeoutS, 1, 3600));
    s.requestTimeoutS =
        static_cast<int>(r.integer("request_timeout_s", s.requestTimeoutS, 1, 3600));
    s.publicBaseUrl = r.string("public_base_url", "");
    while (!s.publicBaseUrl.empty() && s.publicBaseUrl.back() == '/') s.publicBaseUrl.pop_back();
    s.trustedProxies = r.stringList("trusted_proxies");
    for (std::size_t i = 0; i < s.trustedProxies.size(); ++i) {
        if (!util::CidrSet::parse(s.trustedProxies[i]))
            throw ConfigError(YamlReader::index(r.childPath("trusted_proxies"), i),
                              "'" + s.trustedProxies[i] + "' is not an IP address or CIDR network");
    }
    r.finish();
}

void readStorage(YamlReader r, StorageConfig& s, std::vector<std::string>& secrets) {
    s.driver = r.string("driver", s.driver);
    if (s.driver != "sqlite" && s.driver != "postgresql")
        throw ConfigError(r.childPath("driver"),
                          "unsupported driver '" + s.driver + "' (supported: sqlite, postgresql)");
    YamlReader sqlite(r.child("sqlite"), r.childPath("sqlite"), r.baseDir());
    s.sqlitePath = sqlite.string("path", s.sqlitePath);
    sqlite.finish();
    YamlReader pg(r.child("postgresql"), r.childPath("postgresql"), r.baseDir());
    const std::string host = pg.string("host", "127.0.0.1");
    const long long port = pg.integer("port", 5432, 1, 65535);
    const std::string database = pg.string("database", "switchboard");
    const std::string user = pg.string("user", "switchboard");
    const std::string password = pg.string("password", "");
    // Poco 1.11 splits the connection string on single spaces (TOOLCHAIN.md), so a value
    // with whitespace cannot be passed through it.
    for (const auto& [key, value] : {std::pair<const char*, const std::string&>{"host", host},
                                     {"database", database},
                                     {"user", user},
                                     {"password", password}}) {
        if (value.find_first_of(" \t\r\n'\\") != std::string::npos)
            throw ConfigError(pg.childPath(key),
                              "must not contain whitespace, quotes or backslashes");
    }
    pg.finish();
    if (!password.empty()) secrets.push_back(password);
    s.postgresConnection = "host=" + host + " port=" + std::to_string(port) +
                           " dbname=" + database + " user=" + user +
                           (password.empty() ? "" : " password=" + password);
    s.poolSize = static_cast<int>(r.integer("pool_size", s.poolSize, 1, 256));
    const int groupCommitDefault = s.driver == "postgresql"
                                       ? StorageConfig::kGroupCommitDefaultPostgres
                                       : StorageConfig::kGroupCommitDefaultSqlite;
    s.groupCommitMax = static_cast<int>(r.integer("group_commit_max", groupCommitDefault, 1, 1024));
    r.finish();
}

void readDispatch(YamlReader r, DispatchConfig& d) {
    d.workers = static_cast<int>(r.integer("workers", d.workers, 1, 256));
    d.maxAttempts = static_cast<int>(r.integer("max_attempts", d.maxAttempts, 1, 100));
    d.backoffInitialMs =
        static_cast<int>(r.integer("backoff_initial_ms", d.backoffInitialMs, 1, kMaxInt));
    d.backoffJitter = r.number("backoff_jitter", d.backoffJitter, 0.0, 0.9);
    d.pollIntervalMs =
        static_cast<int>(r.integer("poll_interval_ms", d.pollIntervalMs, 10, 600000));
    d.connectTimeoutMs =
        static_cast<int>(r.integer("connect_timeout_ms", d.connectTimeoutMs, 1, 600000));
    d.readTimeoutMs = static_cast<int>(r.integer("read_timeout_ms", d.readTimeoutMs, 1, 600000));
    d.leaseSeconds = static_cast<int>(r.integer("lease_seconds", d.leaseSeconds, 5, 86400));
    d.claimBatch = static_cast<int>(r.integer("claim_batch", d.claimBatch, 1, 64));
    r.finish();
}

const std::set<std::string> kCanonical = {"QUEUED",      "PENDING", "SENT",   "DELIVERED",
                                          "UNDELIVERED", "FAILED",  "UNKNOWN"};

// `tenant_credentials:` is either the list of fields, or {name, fields} when tenants should
// know the credentials by another name than the plugin's. Whether the fields exist in the
// plugin's schema is checked once the plugin is loaded (ProviderSet).
void readTenantCredentials(YamlReader& r, ProviderConfig& p) {
    const YAML::Node node = r.child("tenant_credentials");
    if (!node.IsDefined() || node.IsNull()) return;
    const std::string path = r.childPath("tenant_credentials");
    std::string fieldsPath = path;
    YAML::Node fields = node;
    if (node.IsMap()) {
        YamlReader declaration(node, path, r.baseDir());
        p.tenantCredentialName = declaration.string("name", "");
        fields = declaration.child("fields");
        fieldsPath = declaration.childPath("fields");
        declaration.finish();
        static const std::regex kName("[a-z0-9][a-z0-9_-]{0,63}");
        if (!p.tenantCredentialName.empty() && !std::regex_match(p.tenantCredentialName, kName))
            throw ConfigError(YamlReader::join(path, "name"),
                              "must match [a-z0-9][a-z0-9_-]{0,63}");
    }
    if (!fields.IsSequence() || fields.size() == 0)
        throw ConfigError(fieldsPath, "expected a non-empty list of config keys");
    std::set<std::string> seen;
    for (std::size_t i = 0; i < fields.size(); ++i) {
        const std::string fieldPath = YamlReader::index(fieldsPath, i);
        if (!fields[i].IsScalar()) throw ConfigError(fieldPath, "expected a config key");
        std::string field = fields[i].as<std::string>();
        if (!seen.insert(field).second)
            throw ConfigError(fieldPath, "'" + field + "' is listed twice");
        p.tenantCredentialFields.push_back(std::move(field));
    }
    if (p.tenantCredentialName.empty()) p.tenantCredentialName = p.plugin;
}

void readCredentials(YamlReader r, CredentialsConfig& c, std::vector<std::string>& secrets) {
    const YAML::Node keys = r.child("master_keys");
    if (keys.IsDefined() && !keys.IsNull()) {
        if (!keys.IsSequence()) throw ConfigError(r.childPath("master_keys"), "expected a list");
        std::set<std::string> ids;
        for (std::size_t i = 0; i < keys.size(); ++i) {
            YamlReader entry(keys[i], YamlReader::index(r.childPath("master_keys"), i),
                             r.baseDir());
            MasterKeyConfig key;
            key.id = entry.requiredString("id");
            static const std::regex kId("[A-Za-z0-9_.-]{1,64}");
            if (!std::regex_match(key.id, kId))
                throw ConfigError(entry.childPath("id"), "must match [A-Za-z0-9_.-]{1,64}");
            if (!ids.insert(key.id).second)
                throw ConfigError(entry.childPath("id"),
                                  "duplicate master key id '" + key.id + "'");
            const std::string text = entry.requiredString("key");
            if (!text.empty()) secrets.push_back(text);
            auto bytes = credentials::decodeMasterKey(text);
            // The value is never echoed: it is (or should have been) a secret.
            if (!bytes)
                throw ConfigError(entry.childPath("key"),
                                  "must be 32 bytes written as 64 hex digits or as base64 "
                                  "(e.g. the output of 'openssl rand -base64 32')");
            key.bytes = std::move(*bytes);
            entry.finish();
            c.masterKeys.push_back(std::move(key));
        }
    }
    c.rotationIntervalS =
        static_cast<int>(r.integer("rotation_interval_s", c.rotationIntervalS, 0, 86400));
    r.finish();
}

ProviderConfig readProvider(const YAML::Node& node, const std::string& path,
                            const std::string& baseDir) {
    YamlReader r(node, path, baseDir);
    ProviderConfig p;
    p.keyPath = path;
    p.id = r.requiredString("id");
    static const std::regex kId("[A-Za-z0-9_.-]{1,64}");
    if (!std::regex_match(p.id, kId))
        throw ConfigError(r.childPath("id"), "must match [A-Za-z0-9_.-]{1,64}");
    p.plugin = r.requiredString("plugin");
    p.transport = r.string("transport", "http");
    if (p.transport != "http" && p.transport != "dry-run")
        throw ConfigError(r.childPath("transport"),
                          "must be 'http' or 'dry-run', got '" + p.transport + "'");
    p.rawConfig = r.child("config");
    p.label = r.string("label", "");
    if (p.label.size() > 64) throw ConfigError(r.childPath("label"), "at most 64 characters");
    readTenantCredentials(r, p);
    p.statusCallbackRoute = r.string("status_callback_route", "");
    p.throughput = r.number("throughput", 0, 0, 100000);
    const YAML::Node statuses = r.child("status_map");
    if (statuses.IsDefined() && !statuses.IsNull()) {
        if (!statuses.IsMap()) throw ConfigError(r.childPath("status_map"), "expected a mapping");
        for (const auto& entry : statuses) {
            std::string raw = entry.first.as<std::string>();
            std::string keyPath = YamlReader::join(r.childPath("status_map"), raw);
            std::string canonical = YamlReader::scalar(entry.second, keyPath, baseDir);
            if (!kCanonical.count(canonical))
                throw ConfigError(keyPath,
                                  "'" + canonical +
                                      "' is not a canonical status (QUEUED, PENDING, SENT, "
                                      "DELIVERED, UNDELIVERED, FAILED, UNKNOWN)");
            p.statusMap[raw] = canonical;
        }
    }
    r.finish();
    return p;
}

template <class F>
void forEachItem(YamlReader& r, const std::string& key, F&& f) {
    const YAML::Node list = r.child(key);
    if (!list.IsDefined() || list.IsNull()) return;
    if (!list.IsSequence()) throw ConfigError(r.childPath(key), "expected a list");
    for (std::size_t i = 0; i < list.size(); ++i)
        f(list[i], YamlReader::index(r.childPath(key), i));
}

AppConfig build(const YAML::Node& root, const std::string& baseDir, const std::string& source) {
    AppConfig config;
    config.sourceFile = source;
    YamlReader r(root, "", baseDir);
    readServer(YamlReader(r.child("server"), "server", baseDir), config.server);
    {
        YamlReader logging(r.child("logging"), "logging", baseDir);
        config.logLevel = logging.string("level", config.logLevel);
        static const std::set<std::string> kLevels = {"trace",   "debug", "information", "notice",
                                                      "warning", "error", "critical",    "fatal"};
        if (!kLevels.count(config.logLevel))
            throw ConfigError("logging.level", "unknown level '" + config.logLevel +
                                                   "' (trace, debug, information, notice, warning, "
                                                   "error, critical, fatal)");
        config.logFile = logging.string("file", "");
        logging.finish();
    }
    readStorage(YamlReader(r.child("storage"), "storage", baseDir), config.storage, config.secrets);
    {
        YamlReader plugins(r.child("plugins"), "plugins", baseDir);
        config.pluginDirectory = plugins.string("directory", config.pluginDirectory);
        plugins.finish();
    }
    readDispatch(YamlReader(r.child("dispatch"), "dispatch", baseDir), config.dispatch);
    {
        YamlReader messaging(r.child("messaging"), "messaging", baseDir);
        config.messaging.maxSegments = static_cast<int>(
            messaging.integer("max_segments", config.messaging.maxSegments, 1, 255));
        config.messaging.bulkMaxRecipients = static_cast<int>(messaging.integer(
            "bulk_max_recipients", config.messaging.bulkMaxRecipients, 1, 100000));
        YamlReader optOut(messaging.child("opt_out"), messaging.childPath("opt_out"), baseDir);
        if (optOut.has("stop_keywords"))
            config.messaging.stopKeywords = optOut.stringList("stop_keywords");
        if (optOut.has("start_keywords"))
            config.messaging.startKeywords = optOut.stringList("start_keywords");
        optOut.finish();
        messaging.finish();
    }
    {
        YamlReader branding(r.child("branding"), "branding", baseDir);
        config.branding.productName = branding.string("product_name", config.branding.productName);
        if (config.branding.productName.empty() || config.branding.productName.size() > 64)
            throw ConfigError("branding.product_name", "must be 1 to 64 characters");
        branding.finish();
    }
    {
        YamlReader admin(r.child("admin"), "admin", baseDir);
        config.adminApiKey = admin.requiredString("api_key");
        if (config.adminApiKey.size() < 16)
            throw ConfigError("admin.api_key", "must be at least 16 characters");
        config.secrets.push_back(config.adminApiKey);
        admin.finish();
    }

    readCredentials(YamlReader(r.child("credentials"), "credentials", baseDir), config.credentials,
                    config.secrets);
    readLimits(YamlReader(r.child("limits"), "limits", baseDir), config.limits);

    std::set<std::string> providerIds;
    forEachItem(r, "providers", [&](const YAML::Node& node, const std::string& path) {
        ProviderConfig p = readProvider(node, path, baseDir);
        if (!providerIds.insert(p.id).second)
            throw ConfigError(path + ".id", "duplicate provider id '" + p.id + "'");
        config.providers.push_back(std::move(p));
    });

    std::set<std::string> routePaths;
    forEachItem(r, "routes", [&](const YAML::Node& node, const std::string& path) {
        YamlReader route(node, path, baseDir);
        RouteConfig rc;
        rc.path = route.requiredString("path");
        if (rc.path.front() != '/' || rc.path.find('?') != std::string::npos)
            throw ConfigError(route.childPath("path"), "must start with '/' and have no query");
        if (rc.path.rfind("/api/admin", 0) == 0 || rc.path == "/api/sms/send" ||
            rc.path == "/api/sms/reply")
            throw ConfigError(route.childPath("path"), "collides with a built-in API path");
        if (!routePaths.insert(rc.path).second)
            throw ConfigError(route.childPath("path"), "duplicate route path '" + rc.path + "'");
        rc.providers = route.stringList("providers");
        if (rc.providers.empty())
            throw ConfigError(route.childPath("providers"), "must name at least one provider");
        for (std::size_t i = 0; i < rc.providers.size(); ++i) {
            if (!providerIds.count(rc.providers[i]))
                throw ConfigError(YamlReader::index(route.childPath("providers"), i),
                                  "unknown provider id '" + rc.providers[i] + "'");
        }
        readRouteProtection(route, config.server, config.limits, rc, config.secrets);
        route.finish();
        config.routes.push_back(std::move(rc));
    });
    for (std::size_t i = 0; i < config.providers.size(); ++i) {
        const ProviderConfig& p = config.providers[i];
        if (p.statusCallbackRoute.empty()) continue;
        const bool serves = std::any_of(config.routes.begin(), config.routes.end(), [&](auto& rc) {
            return rc.path == p.statusCallbackRoute &&
                   std::find(rc.providers.begin(), rc.providers.end(), p.id) != rc.providers.end();
        });
        if (!serves)
            throw ConfigError(p.keyPath + ".status_callback_route",
                              "'" + p.statusCallbackRoute + "' is not a route serving " + p.id);
    }

    std::set<std::string> tenantIds, numbers, keys;
    forEachItem(r, "tenants", [&](const YAML::Node& node, const std::string& path) {
        YamlReader tenant(node, path, baseDir);
        TenantConfig t;
        t.id = tenant.requiredString("id");
        static const std::regex kSlug("[a-z0-9][a-z0-9_-]{0,63}");
        if (!std::regex_match(t.id, kSlug))
            throw ConfigError(tenant.childPath("id"), "must match [a-z0-9][a-z0-9_-]{0,63}");
        if (!tenantIds.insert(t.id).second)
            throw ConfigError(tenant.childPath("id"), "duplicate tenant id '" + t.id + "'");
        t.name = tenant.string("name", t.id);
        t.businessName = tenant.string("business_name", t.name);
        t.defaultProvider = tenant.requiredString("default_provider");
        if (!providerIds.count(t.defaultProvider))
            throw ConfigError(tenant.childPath("default_provider"),
                              "unknown provider id '" + t.defaultProvider + "'");
        t.numbers = tenant.stringList("numbers");
        for (std::size_t i = 0; i < t.numbers.size(); ++i) {
            std::string keyPath = YamlReader::index(tenant.childPath("numbers"), i);
            if (!util::isE164(t.numbers[i]))
                throw ConfigError(
                    keyPath, "'" + t.numbers[i] + "' is not an E.164 number (+ and 7-15 digits)");
            if (!numbers.insert(t.numbers[i]).second)
                throw ConfigError(keyPath, "number " + t.numbers[i] + " is assigned twice");
        }
        t.apiKeys = tenant.stringList("api_keys");
        for (std::size_t i = 0; i < t.apiKeys.size(); ++i) {
            std::string keyPath = YamlReader::index(tenant.childPath("api_keys"), i);
            if (t.apiKeys[i].size() < 16)
                throw ConfigError(keyPath, "API keys must be at least 16 characters");
            if (!keys.insert(t.apiKeys[i]).second || t.apiKeys[i] == config.adminApiKey)
                throw ConfigError(keyPath, "API key is used twice");
            config.secrets.push_back(t.apiKeys[i]);
        }
        tenant.finish();
        config.tenants.push_back(std::move(t));
    });
    telephony::readTelephonyConfig(YamlReader(r.child("telephony"), "telephony", baseDir), config);
    r.finish();
    return config;
}

}  // namespace

AppConfig loadConfigText(const std::string& yaml, const std::string& baseDir,
                         const std::string& sourceName) {
    YAML::Node root;
    try {
        root = YAML::Load(yaml);
    } catch (const YAML::Exception& e) {
        throw ConfigError("", sourceName + ": invalid YAML: " + e.what());
    }
    if (!root.IsDefined() || root.IsNull())
        throw ConfigError("", sourceName + ": the file is empty");
    return build(root, baseDir, sourceName);
}

AppConfig loadConfigFile(const std::string& path) {
    YAML::Node root;
    try {
        root = YAML::LoadFile(path);
    } catch (const YAML::BadFile&) {
        throw ConfigError("", "cannot read config file " + path);
    } catch (const YAML::Exception& e) {
        throw ConfigError("", path + ": invalid YAML: " + e.what());
    }
    if (!root.IsDefined() || root.IsNull()) throw ConfigError("", path + ": the file is empty");
    std::string baseDir = std::filesystem::absolute(path).parent_path().string();
    return build(root, baseDir, path);
}

}  // namespace switchboard::config
