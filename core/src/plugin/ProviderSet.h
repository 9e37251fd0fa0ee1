#pragma once

#include "config/AppConfig.h"
#include "messaging/StatusTable.h"
#include "plugin/PluginRegistry.h"
#include "plugin/ProviderInstance.h"

#include <map>
#include <memory>
#include <set>
#include <string>

namespace switchboard::plugin {

/// A configured provider instance together with how the core drives it.
struct Provider {
    config::ProviderConfig config;  ///< id, plugin, transport (http | dry-run), status map
    std::unique_ptr<ProviderInstance> instance;
    messaging::StatusTable statuses;  ///< plugin defaults + YAML status_map
    /// Where the provider should post status callbacks for messages it sends: the public
    /// base URL + the path of the route serving this instance (one serving only it
    /// preferred). Empty without server.public_base_url or a route — a provider cannot reach
    /// a URL we had to guess.
    std::string statusCallbackUrl;
    /// Bring-your-own-carrier: each config key a tenant may supply (`tenant_credentials`)
    /// → its schema type ("string" | "integer" | "boolean"). Empty: the instance takes no
    /// tenant credentials.
    std::map<std::string, std::string> tenantCredentialTypes{};
    /// Those keys the plugin's schema marks secret: masked wherever a request is shown.
    std::set<std::string> tenantSecretFields{};

    bool dryRun() const { return config.transport == "dry-run"; }
    bool acceptsTenantCredentials() const { return !tenantCredentialTypes.empty(); }
};

/// Every provider instance declared in YAML, created from the loaded plugins.
class ProviderSet {
  public:
    /// For each `providers:` entry: finds its plugin (ConfigError naming `providers[i].plugin`
    /// if none is loaded under that name), validates `config:` against the plugin's schema
    /// (ConfigError naming the key path), records secret values in `config.secrets`, and
    /// builds the status table (ConfigError if the plugin's defaults are not canonical), and
    /// creates the instance (std::runtime_error with the plugin's reason if it refuses).
    /// `tenant_credentials` fields must be keys of the plugin's schema of type string,
    /// integer or boolean, and instances sharing a tenant-facing name must share plugin and
    /// fields (ConfigError naming providers[i].tenant_credentials otherwise).
    ProviderSet(config::AppConfig& config, const PluginRegistry& registry);

    /// The instance with this id, or nullptr.
    const Provider* find(const std::string& id) const;

    /// The first instance (by id) taking tenant credentials under this tenant-facing name,
    /// or nullptr. Every instance sharing a name has the same plugin and fields (checked at
    /// construction), so any of them describes what a tenant may store.
    const Provider* findByTenantCredentialName(const std::string& name) const;

    const std::map<std::string, Provider>& all() const { return providers_; }

  private:
    std::map<std::string, Provider> providers_;
};

}  // namespace switchboard::plugin
