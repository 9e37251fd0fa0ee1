#pragma once

#include "domain/ServiceError.h"
#include "plugin/ProviderSet.h"
#include "store/Database.h"
#include "store/Records.h"
#include "util/Clock.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace switchboard::tenancy {

/// A tenant with what the admin API shows beside it. `asOf` (ms since the epoch) is the
/// moment the view was read, against which keys count as active (revokedAt in the future).
struct TenantView {
    store::Tenant tenant;
    std::vector<std::string> numbers;  ///< E.164, as assigned
    std::vector<store::ApiKeyInfo> keys;
    store::TimeMs asOf = 0;
};

/// A key just issued. `key` is the only copy of the secret: the store keeps its SHA-256 and
/// its first util::kApiKeyPrefixLength characters (`prefix`), so show it once and drop it.
struct IssuedKey {
    std::int64_t id = 0;
    std::string key;
    std::string prefix;
    std::string label;
    store::TimeMs createdAt = 0;
};

/// What POST /api/admin/tenants asks for. `numbers` are E.164 strings; `keyLabel` ≤ 100 bytes.
struct NewTenant {
    std::string id;  ///< slug: 1–63 of a-z 0-9 '-' '_', starting with a letter or digit
    std::string name;
    std::string businessName;
    std::string defaultProvider;  ///< a configured provider instance id
    std::vector<std::string> numbers;
    std::string keyLabel;
};

/// A partial edit: fields left unset stay as they are.
struct TenantPatch {
    std::optional<std::string> name;
    std::optional<std::string> businessName;
    std::optional<std::string> defaultProvider;
    std::optional<bool> disabled;
};

/// A rotation's result: the new key, and when the replaced one stops working.
struct RotatedKey {
    IssuedKey key;
    std::int64_t replacesKeyId = 0;
    store::TimeMs replacedKeyRevokedAt = 0;
};

/// The operator's tenant management: tenants, their numbers and their API keys. Every
/// change commits in one transaction together with its audit entry (actor "admin"), so the
/// audit log never misses a change nor records one that did not happen.
///
/// Errors: domain::ServiceError InvalidInput invalid_field / invalid_phone (validation, see
/// each method), NotFound not_found (no such tenant / active key), Conflict tenant_exists /
/// number_taken; store::StoreUnavailable when the database cannot be reached. Thread-safe.
class TenantAdminService {
  public:
    /// Longest grace period a rotation may give the replaced key: 7 days, in seconds.
    static constexpr std::int64_t kMaxGraceSeconds = 7 * 24 * 3600;

    TenantAdminService(store::Database& db, const plugin::ProviderSet& providers,
                       const util::Clock& clock)
        : db_(db), providers_(providers), clock_(clock) {}

    /// Creates the tenant with its numbers and a first API key. Validates name (1–200
    /// bytes), defaultProvider (configured), numbers (E.164, no repeats), keyLabel, then id.
    /// Conflict tenant_exists when the id is taken, number_taken when a number belongs to
    /// another tenant (nothing is stored then).
    std::pair<TenantView, IssuedKey> create(const NewTenant& request);

    /// One page of tenants in id order; `total` receives the count of all tenants.
    std::vector<TenantView> list(const store::PageRequest& page, std::int64_t& total);

    /// The tenant `tenantId` with its numbers and keys (active and revoked, judged against
    /// `asOf`); NotFound not_found otherwise.
    TenantView get(const std::string& tenantId);

    /// Applies `patch` (name 1–200 bytes, defaultProvider configured). A disabled tenant's
    /// keys then get 403 on every tenant endpoint; its stored data stays. Returns the result.
    TenantView update(const std::string& tenantId, const TenantPatch& patch);

    /// Replaces the tenant's numbers with `numbers` (E.164, no repeats; may be empty) and
    /// returns them as stored. Conflict number_taken when one belongs to another tenant.
    std::vector<std::string> replaceNumbers(const std::string& tenantId,
                                            const std::vector<std::string>& numbers);

    /// Issues another key labelled `label` (≤ 100 bytes).
    IssuedKey issueKey(const std::string& tenantId, const std::string& label);

    /// Revokes key `keyId` now and returns that moment (ms). NotFound not_found when the
    /// tenant has no such active key.
    store::TimeMs revokeKey(const std::string& tenantId, std::int64_t keyId);

    /// Issues a new key and revokes `keyId` `graceSeconds` (0–kMaxGraceSeconds) from now, so
    /// clients can switch without an outage. NotFound not_found when no such active key.
    RotatedKey rotateKey(const std::string& tenantId, std::int64_t keyId, std::int64_t graceSeconds,
                         const std::string& label);

  private:
    store::Tenant existing(const std::string& tenantId);
    TenantView view(const std::string& tenantId, store::TimeMs asOf);

    store::Database& db_;
    const plugin::ProviderSet& providers_;
    const util::Clock& clock_;
};

}  // namespace switchboard::tenancy
