#include "plugin/ProviderSet.h"

#include "config/ConfigError.h"
#include "config/PluginSchema.h"
#include "plugin/CapabilityChecks.h"

#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <filesystem>

namespace switchboard::plugin {
namespace {

std::string statusCallbackUrlFor(const config::AppConfig& config,
                                 const config::ProviderConfig& provider) {
    if (config.server.publicBaseUrl.empty()) return {};
    // The operator named it (validated by the config loader to serve this instance).
    if (!provider.statusCallbackRoute.empty())
        return config.server.publicBaseUrl + provider.statusCallbackRoute;
    const std::string& providerId = provider.id;
    const config::RouteConfig* best = nullptr;
    for (const auto& route : config.routes) {
        bool serves = std::find(route.providers.begin(), route.providers.end(), providerId) !=
                      route.providers.end();
        if (!serves) continue;
        if (best == nullptr || (route.providers.size() == 1 && best->providers.size() > 1))
            best = &route;
    }
    return best ? config.server.publicBaseUrl + best->path : std::string();
}

// The schema's type and secrecy of each tenant-suppliable key (schema format: plugin_abi.h).
void describeTenantFields(const config::ProviderConfig& pc, const std::string& schemaJson,
                          Provider& provider) {
    if (pc.tenantCredentialFields.empty()) return;
    Poco::JSON::Parser parser;
    auto schema = parser.parse(schemaJson).extract<Poco::JSON::Object::Ptr>();
    auto properties = schema->getObject("properties");
    for (std::size_t i = 0; i < pc.tenantCredentialFields.size(); ++i) {
        const std::string& field = pc.tenantCredentialFields[i];
        const std::string path = pc.keyPath + ".tenant_credentials[" + std::to_string(i) + "]";
        auto spec = properties ? properties->getObject(field) : nullptr;
        if (!spec)
            throw config::ConfigError(path,
                                      "'" + field + "' is not a config key of plugin " + pc.plugin);
        const std::string type = spec->optValue<std::string>("type", "string");
        if (type != "string" && type != "integer" && type != "boolean")
            throw config::ConfigError(path, "'" + field + "' has type " + type +
                                                "; tenants may only supply string, integer or "
                                                "boolean keys");
        provider.tenantCredentialTypes[field] = type;
        if (spec->optValue<bool>("secret", false)) provider.tenantSecretFields.insert(field);
    }
}

}  // namespace

ProviderSet::ProviderSet(config::AppConfig& config, const PluginRegistry& registry) {
    std::string baseDir = config.sourceFile.empty()
                              ? std::string(".")
                              : std::filesystem::absolute(config.sourceFile).parent_path().string();
    checkTelephonyProvider(config,
                           [&registry](const std::string& name) { return registry.find(name); });
    for (auto& pc : config.providers) {
        const PluginLibrary* library = registry.find(pc.plugin);
        if (library == nullptr) {
            std::string loaded;
            for (const auto& name : registry.names()) loaded += (loaded.empty() ? "" : ", ") + name;
            throw config::ConfigError(pc.keyPath + ".plugin",
                                      "no plugin named '" + pc.plugin + "' is loaded (loaded: " +
                                          (loaded.empty() ? "none" : loaded) + ")");
        }
        auto validated =
            config::validateInstanceConfig(library->descriptor().config_schema_json, pc.rawConfig,
                                           pc.keyPath + ".config", baseDir);
        pc.configJson = validated.json;
        config.secrets.insert(config.secrets.end(), validated.secrets.begin(),
                              validated.secrets.end());
        messaging::StatusTable statuses;
        try {
            statuses = messaging::StatusTable(library->descriptor().default_status_table_json,
                                              pc.statusMap);
        } catch (const std::invalid_argument& e) {
            throw config::ConfigError(pc.keyPath + ".plugin",
                                      "plugin " + library->path() + ": " + e.what());
        }
        Provider provider{pc, std::make_unique<ProviderInstance>(*library, pc.id, pc.configJson),
                          statuses, statusCallbackUrlFor(config, pc)};
        describeTenantFields(pc, library->descriptor().config_schema_json, provider);
        providers_.emplace(pc.id, std::move(provider));
    }
    checkCapabilities(config, [this](const std::string& id) -> const PluginLibrary& {
        return providers_.at(id).instance->library();
    });
    std::map<std::string, const config::ProviderConfig*> byName;
    for (const auto& pc : config.providers) {
        if (pc.tenantCredentialFields.empty()) continue;
        auto [it, fresh] = byName.emplace(pc.tenantCredentialName, &pc);
        if (fresh) continue;
        std::set<std::string> a(pc.tenantCredentialFields.begin(), pc.tenantCredentialFields.end());
        std::set<std::string> b(it->second->tenantCredentialFields.begin(),
                                it->second->tenantCredentialFields.end());
        if (pc.plugin != it->second->plugin || a != b)
            throw config::ConfigError(pc.keyPath + ".tenant_credentials",
                                      "the tenant-facing name '" + pc.tenantCredentialName +
                                          "' is also used by " + it->second->keyPath +
                                          " with another plugin or other fields");
    }
}

const Provider* ProviderSet::findByTenantCredentialName(const std::string& name) const {
    for (const auto& [id, provider] : providers_) {
        if (provider.acceptsTenantCredentials() && provider.config.tenantCredentialName == name)
            return &provider;
    }
    return nullptr;
}

const Provider* ProviderSet::find(const std::string& id) const {
    auto it = providers_.find(id);
    return it == providers_.end() ? nullptr : &it->second;
}

}  // namespace switchboard::plugin
