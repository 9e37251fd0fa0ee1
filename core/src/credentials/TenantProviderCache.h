#pragma once

#include "credentials/CredentialCipher.h"
#include "plugin/ProviderSet.h"
#include "store/Database.h"

#include <Poco/JSON/Object.h>

#include <cstdint>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace switchboard::credentials {

/// A tenant has stored credentials for a provider, but they cannot be used now: no master
/// key is configured, the row's master key is not in the ring, the row does not
/// authenticate, or the plugin refuses the merged configuration. The message names the
/// tenant, the provider name and the cause — never a value.
class CredentialsUnavailable : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// A plugin instance configured with the operator's instance config overlaid by one
/// tenant's own credentials. Its plaintext lives only here (and inside the plugin instance)
/// and is wiped when the last user lets go of it.
struct TenantProvider {
    std::unique_ptr<plugin::ProviderInstance> instance;
    /// The tenant's values of schema-secret keys, for masking any text shown or logged.
    std::vector<std::string> secretValues;
    std::int64_t version = 0;  ///< the stored row's version it was built from

    ~TenantProvider();
    /// `text` with every secret value replaced by "****".
    std::string mask(std::string text) const;
};

/// The operator's `configJson` (a JSON object) with each of `tenantFields`' members set on
/// top. Output: JSON text (wipe() it when done: it holds the tenant's plaintext). Throws
/// Poco::Exception when `configJson` is not a JSON object.
std::string mergeConfig(const std::string& configJson, const Poco::JSON::Object& tenantFields);

/// Builds a TenantProvider for `provider` from a tenant's fields (a JSON object of allowed
/// keys). Throws std::runtime_error with the plugin's reason (prefixed by the instance id)
/// when the plugin refuses the merged configuration.
std::shared_ptr<TenantProvider> buildTenantProvider(const plugin::Provider& provider,
                                                    const Poco::JSON::Object& tenantFields,
                                                    std::int64_t version);

/// Per-tenant provider instances for sending and for verifying webhooks, built on demand
/// from tenant_credentials and cached by (tenant, instance) with the row version: every
/// lookup reads the row (one indexed query), so a change made by any process is seen at
/// the next send; the plugin instance is rebuilt only when the version moved. At most
/// `capacity` entries (least recently used evicted). Thread-safe.
class TenantProviderCache {
  public:
    TenantProviderCache(store::Database& db, const CredentialCipher& cipher,
                        std::size_t capacity = 1024);

    /// The instance to use for `tenantId` on `provider`: nullptr when the instance takes no
    /// tenant credentials or the tenant stored none under its name (the operator's instance
    /// applies). Throws CredentialsUnavailable (see there) — the caller must not fall back
    /// to the operator's credentials then; StoreUnavailable when the store fails.
    std::shared_ptr<const TenantProvider> resolve(const std::string& tenantId,
                                                  const plugin::Provider& provider);

    /// Drops cached instances of `tenantId` for every instance under `providerName`.
    void forget(const std::string& tenantId, const std::string& providerName);

  private:
    using Key = std::pair<std::string, std::string>;  ///< tenant id, instance id
    struct Entry {
        std::shared_ptr<const TenantProvider> value;
        std::string providerName;
        std::list<Key>::iterator recency;
    };

    store::Database& db_;
    const CredentialCipher& cipher_;
    std::size_t capacity_;
    std::mutex mutex_;
    std::map<Key, Entry> entries_;
    std::list<Key> recency_;  ///< most recently used first
};

}  // namespace switchboard::credentials
