#pragma once

#include "store/Database.h"
#include "store/Records.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace switchboard::store {

/// One tenant's sealed provider credentials (migration 007). Byte fields are raw bytes; the
/// repository stores them as base64 text.
struct StoredCredential {
    std::string tenantId;
    std::string provider;  ///< tenant-facing name, e.g. "twilio"
    std::string keyId;     ///< the master key that sealed it
    std::string nonce;
    std::string ciphertext;
    std::string tag;
    std::int64_t version = 0;  ///< 1 on creation, +1 on every tenant change
    TimeMs createdAt = 0;
    TimeMs updatedAt = 0;  ///< the tenant's last change (rotation leaves it alone)
};

/// What a tenant may see of its stored credentials: that they exist, and when.
struct CredentialSummary {
    std::string provider;
    TimeMs createdAt = 0;
    TimeMs updatedAt = 0;
};

/// The tenant_credentials table. Every tenant-facing method takes the tenant; rotation
/// methods work across tenants by design (they never return plaintext — there is none here).
/// Methods taking a Session run inside the caller's transaction (so the audit entry commits
/// with the change). Throws StoreUnavailable (via Database) when the store fails.
class TenantCredentialRepository {
  public:
    explicit TenantCredentialRepository(Database& db) : db_(db) {}

    /// The tenant's sealed credentials for `provider`, or nullopt.
    std::optional<StoredCredential> find(const std::string& tenantId, const std::string& provider);

    /// Inserts or replaces (tenantId, provider) with the sealed value in `c` (keyId, nonce,
    /// ciphertext, tag) at time `at`. Returns the row's new version (1 for a new row).
    static std::int64_t put(Poco::Data::Session& session, const StoredCredential& c, TimeMs at);

    /// Deletes the row. False when the tenant had none for `provider`.
    static bool remove(Poco::Data::Session& session, const std::string& tenantId,
                       const std::string& provider);

    /// The tenant's stored credentials, by provider name.
    std::vector<CredentialSummary> list(const std::string& tenantId);

    /// At most `limit` rows not sealed under `activeKeyId` that come after (afterTenant,
    /// afterProvider) in (tenant, provider) order — pass the last row of the previous batch,
    /// or two empty strings to start.
    std::vector<StoredCredential> notSealedUnder(const std::string& activeKeyId,
                                                 const std::string& afterTenant,
                                                 const std::string& afterProvider, int limit);

    /// Replaces the sealed value of `old` with `resealed` (keyId, nonce, ciphertext, tag),
    /// only if the row still has `old`'s version and key id — a concurrent tenant change or
    /// another rotating process wins. Returns whether this call replaced it.
    static bool reseal(Poco::Data::Session& session, const StoredCredential& old,
                       const StoredCredential& resealed);

    /// Row count per key id (every key id present in the table).
    std::map<std::string, std::int64_t> countByKey();

  private:
    Database& db_;
};

}  // namespace switchboard::store
