#pragma once

#include "config/AppConfig.h"

#include <functional>
#include <string>

namespace switchboard::plugin {

class PluginLibrary;

/// Every place the configuration puts a provider instance to use must name one whose plugin
/// has the capability that use needs: webhook routes and tenants' default_provider need
/// SB_CAP_MESSAGING, telephony.provider needs SB_CAP_TELEPHONY. `libraryOf` returns the
/// loaded library of an instance id (never null for a configured id). Throws
/// config::ConfigError naming the key path and the plugin, e.g.
/// "telephony.provider: instance 'extreme-main' (plugin extreme) has no telephony capability".
void checkCapabilities(const config::AppConfig& config,
                       const std::function<const PluginLibrary&(const std::string&)>& libraryOf);

/// The same check for telephony.provider alone, made before any instance config is
/// validated: the host adds the carrier table to that instance's config, which a plugin
/// without the capability would otherwise refuse as an unknown key — a misleading message.
/// `libraryOf` returns nullptr for a plugin that is not loaded (reported elsewhere).
void checkTelephonyProvider(
    const config::AppConfig& config,
    const std::function<const PluginLibrary*(const std::string& plugin)>& libraryOf);

}  // namespace switchboard::plugin
