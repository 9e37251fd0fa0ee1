#pragma once

#include "store/Database.h"
#include "store/Records.h"

#include <optional>
#include <string>
#include <vector>

namespace switchboard::store {

/// Tenants, their assigned numbers and their API keys (stored as SHA-256 hex only).
class TenantRepository {
  public:
    explicit TenantRepository(Database& db) : db_(db) {}

    /// Inserts or updates a tenant from YAML and makes its numbers and config-sourced keys
    /// exactly `numbers`/`keyHashes` (keys no longer in YAML are revoked at `now`).
    void bootstrap(const Tenant& tenant, const std::vector<std::string>& numbers,
                   const std::vector<std::string>& keyHashes, TimeMs now);

    /// Disables every tenant not in `keepIds`, revokes its config-sourced keys and frees
    /// its numbers: removing a tenant from YAML must remove its access at the next start.
    /// Returns how many tenants were retired.
    int retireAllExcept(const std::vector<std::string>& keepIds, TimeMs now);

    /// The enabled tenant owning an unrevoked key with this hash, or nullopt.
    std::optional<Tenant> findByKeyHash(const std::string& keyHash);

    /// The tenant a receiving number (E.164) is assigned to, or nullopt.
    std::optional<std::string> tenantForNumber(const std::string& number);

    std::optional<Tenant> get(const std::string& id);

  private:
    Database& db_;
};

}  // namespace switchboard::store
