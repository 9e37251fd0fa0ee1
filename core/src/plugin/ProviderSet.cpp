#include "plugin/ProviderSet.h"

#include "config/ConfigError.h"
#include "config/PluginSchema.h"

#include <algorithm>
#include <filesystem>

namespace switchboard::plugin {
namespace {

std::string statusCallbackUrlFor(const config::AppConfig& config, const std::string& providerId) {
    if (config.server.publicBaseUrl.empty()) return {};
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

}  // namespace

ProviderSet::ProviderSet(config::AppConfig& config, const PluginRegistry& registry) {
    std::string baseDir = config.sourceFile.empty()
                              ? std::string(".")
                              : std::filesystem::absolute(config.sourceFile).parent_path().string();
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
                          statuses, statusCallbackUrlFor(config, pc.id)};
        providers_.emplace(pc.id, std::move(provider));
    }
}

const Provider* ProviderSet::find(const std::string& id) const {
    auto it = providers_.find(id);
    return it == providers_.end() ? nullptr : &it->second;
}

}  // namespace switchboard::plugin
