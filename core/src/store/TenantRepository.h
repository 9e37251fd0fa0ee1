#pragma once

#include "store/Database.h"
#include "store/Records.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace switchboard::store {

/// Tenants, their assigned numbers (E.164) and their API keys (stored as SHA-256 hex only).
///
/// Rows carry a `source`: "config" rows are synchronised from YAML at start-up, "api" rows are
/// managed by the admin API and never touched by that synchronisation. Methods taking a
/// Session run inside the caller's transaction (so an audit entry commits with the change).
class TenantRepository {
  public:
    explicit TenantRepository(Database& db) : db_(db) {}

    /// Inserts or updates a tenant from YAML and makes its config-sourced numbers and keys
    /// exactly `numbers`/`keyHashes` (config keys no longer in YAML are revoked at `now`).
    /// A tenant disabled because it had left YAML is enabled again; one disabled by the
    /// admin stays disabled.
    void bootstrap(const Tenant& tenant, const std::vector<std::string>& numbers,
                   const std::vector<std::string>& keyHashes, TimeMs now);

    /// Disables every YAML-sourced tenant not in `keepIds`, revokes its config-sourced keys
    /// and frees its numbers: removing a tenant from YAML must remove its access at the next
    /// start. Tenants created through the admin API are left alone. Returns how many were
    /// retired.
    int retireAllExcept(const std::vector<std::string>& keepIds, TimeMs now);

    /// The tenant (enabled or not) owning a key with this hash that is unrevoked at `at`
    /// (revoked_at NULL or later than `at`), with Tenant::apiKeyId set; nullopt otherwise.
    std::optional<Tenant> findByKeyHash(const std::string& keyHash, TimeMs at);

    /// The tenant a receiving number (E.164) is assigned to, or nullopt.
    std::optional<std::string> tenantForNumber(const std::string& number);

    std::optional<Tenant> get(const std::string& id);

    /// Tenants ordered by id, one page; `total` receives the count of all tenants.
    std::vector<Tenant> list(const PageRequest& page, std::int64_t& total);

    /// The numbers assigned to a tenant, sorted.
    std::vector<std::string> numbersOf(const std::string& tenantId);
    /// The same for several tenants in one query (a listing page): tenant id → numbers; a
    /// tenant with none has no entry.
    std::map<std::string, std::vector<std::string>> numbersOf(
        const std::vector<std::string>& tenantIds);

    /// The tenant's keys, newest first (never the hash).
    std::vector<ApiKeyInfo> keysOf(const std::string& tenantId);
    /// The same for several tenants in one query: tenant id → keys; none → no entry.
    std::map<std::string, std::vector<ApiKeyInfo>> keysOf(
        const std::vector<std::string>& tenantIds);

    /// Inserts an admin-created tenant (source "api"). False when the id is taken.
    static bool create(Poco::Data::Session& s, const Tenant& tenant, TimeMs at);

    /// Sets name, business name and default provider. False when there is no such tenant.
    static bool update(Poco::Data::Session& s, const Tenant& tenant);

    /// Disables (by "admin") or enables a tenant. False when there is no such tenant.
    static bool setDisabled(Poco::Data::Session& s, const std::string& tenantId, bool disabled);

    /// Makes the tenant's numbers exactly `numbers` (all sources; new ones are source "api").
    /// Returns the first number already assigned to another tenant — nothing is changed then
    /// — or nullopt on success.
    static std::optional<std::string> replaceNumbers(Poco::Data::Session& s,
                                                     const std::string& tenantId,
                                                     const std::vector<std::string>& numbers);

    /// Stores a new key (source "api") and returns its id.
    static std::int64_t insertKey(Poco::Data::Session& s, const std::string& tenantId,
                                  const std::string& keyHash, const std::string& prefix,
                                  const std::string& label, TimeMs at);

    /// Revokes the tenant's key `keyId` as of `at` (which may be in the future for a grace
    /// period; an earlier existing revocation is kept). False when the tenant has no such
    /// key or it is already revoked.
    static bool revokeKey(Poco::Data::Session& s, const std::string& tenantId, std::int64_t keyId,
                          TimeMs at, TimeMs now);

  private:
    Database& db_;
};

}  // namespace switchboard::store
