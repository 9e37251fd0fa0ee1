#include "plugin/CapabilityChecks.h"

#include "config/ConfigError.h"
#include "plugin/PluginLibrary.h"

namespace switchboard::plugin {
namespace {

void require(const PluginLibrary& library, uint32_t bit, const char* what,
             const std::string& keyPath, const std::string& id) {
    if (!library.has(bit))
        throw config::ConfigError(keyPath, "instance '" + id + "' (plugin " + library.name() +
                                               ") has no " + what + " capability");
}

}  // namespace

void checkCapabilities(const config::AppConfig& config,
                       const std::function<const PluginLibrary&(const std::string&)>& libraryOf) {
    for (std::size_t r = 0; r < config.routes.size(); ++r) {
        const auto& ids = config.routes[r].providers;
        for (std::size_t i = 0; i < ids.size(); ++i)
            require(libraryOf(ids[i]), SB_CAP_MESSAGING, "messaging",
                    "routes[" + std::to_string(r) + "].providers[" + std::to_string(i) + "]",
                    ids[i]);
    }
    for (std::size_t t = 0; t < config.tenants.size(); ++t) {
        const auto& id = config.tenants[t].defaultProvider;
        require(libraryOf(id), SB_CAP_MESSAGING, "messaging",
                "tenants[" + std::to_string(t) + "].default_provider", id);
    }
    if (config.telephony.enabled)
        require(libraryOf(config.telephony.provider), SB_CAP_TELEPHONY, "telephony",
                "telephony.provider", config.telephony.provider);
}

void checkTelephonyProvider(
    const config::AppConfig& config,
    const std::function<const PluginLibrary*(const std::string& plugin)>& libraryOf) {
    if (!config.telephony.enabled) return;
    for (const auto& pc : config.providers) {
        if (pc.id != config.telephony.provider) continue;
        if (const PluginLibrary* library = libraryOf(pc.plugin))
            require(*library, SB_CAP_TELEPHONY, "telephony", "telephony.provider", pc.id);
    }
}

}  // namespace switchboard::plugin
