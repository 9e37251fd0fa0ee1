#pragma once

#include "credentials/CredentialCipher.h"
#include "credentials/TenantProviderCache.h"
#include "domain/ServiceError.h"
#include "plugin/ProviderSet.h"
#include "store/Database.h"
#include "store/Records.h"
#include "store/TenantCredentialRepository.h"
#include "util/Clock.h"

#include <Poco/JSON/Object.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace switchboard::credentials {

/// What one re-encryption pass did.
struct RotationReport {
    int resealed = 0;  ///< rows now sealed under the active key by this pass
    int skipped = 0;   ///< rows changed concurrently (a tenant update or another rotator)
    int failed = 0;    ///< rows that could not be opened (their key is not configured, or
                       ///< they do not authenticate); left as they are
    std::string activeKeyId;
};

/// Bring-your-own-carrier: a tenant's own provider credentials, validated against what the
/// operator allows (providers[].tenant_credentials), sealed with AES-256-GCM under the
/// active master key, never returned; and the master-key rotation that re-seals old rows.
/// Every change is audited without values. Thread-safe.
class TenantCredentialService {
  public:
    TenantCredentialService(store::Database& db, const plugin::ProviderSet& providers,
                            const CredentialCipher& cipher, TenantProviderCache& cache,
                            const util::Clock& clock);

    /// False when no master key is configured: every tenant operation then throws
    /// ServiceError NotEnabled byoc_disabled.
    bool enabled() const { return cipher_.enabled(); }

    /// Stores (replacing any previous) the tenant's credentials for the tenant-facing
    /// provider name `name`. `fields` must hold exactly the keys the operator allows, each
    /// of its schema type (strings non-empty). The plugin must accept the operator's config
    /// overlaid with them. Returns the stored row's summary.
    /// Throws domain::ServiceError NotEnabled byoc_disabled, NotFound not_found (no instance offers
    /// `name`), InvalidInput unknown_field / missing_field / invalid_field (naming the field, never
    /// its value), InvalidInput invalid_credentials (the plugin's reason, values masked);
    /// Unavailable via StoreUnavailable.
    store::CredentialSummary put(const store::Tenant& tenant, const std::string& name,
                                 const Poco::JSON::Object& fields);

    /// Deletes the tenant's credentials for `name`; the operator's credentials apply again.
    /// Throws ServiceError NotEnabled byoc_disabled, NotFound not_found when none are stored.
    void remove(const store::Tenant& tenant, const std::string& name);

    /// Which providers the tenant stored credentials for, and when. NotEnabled when disabled.
    std::vector<store::CredentialSummary> list(const store::Tenant& tenant);

    /// Re-seals every row not sealed under the active key, each in its own short
    /// transaction guarded by the row's version and key id, so it is safe to interrupt and
    /// to run in several processes at once. `actor` goes into the audit entries ("admin",
    /// "job"). Does nothing when disabled.
    RotationReport rotate(const std::string& actor);

    /// Row count per key id in the store.
    std::map<std::string, std::int64_t> rowsPerKey();

    const CredentialCipher& cipher() const { return cipher_; }

  private:
    store::Database& db_;
    const plugin::ProviderSet& providers_;
    const CredentialCipher& cipher_;
    TenantProviderCache& cache_;
    const util::Clock& clock_;
};

}  // namespace switchboard::credentials
