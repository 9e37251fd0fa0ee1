#include "store/TenantCredentialRepository.h"

#include "store/RowReader.h"

#include "switchboard/sdk/Crypto.h"

#include <sstream>

using namespace Poco::Data::Keywords;

namespace switchboard::store {
namespace {

std::string toBase64(const std::string& bytes) { return sdk::base64(bytes); }

/// Stored columns are written by toBase64, so anything else means a damaged row.
std::string fromBase64(const std::string& text) {
    auto bytes = sdk::fromBase64(text);
    if (!bytes) throw std::runtime_error("a stored tenant credential is not valid base64");
    return *bytes;
}

constexpr const char* kColumns =
    "tenant_id, provider, key_id, nonce, ciphertext, tag, version, created_at, updated_at";

StoredCredential rowOf(Poco::Data::RecordSet& rs) {
    RowReader row(rs);
    StoredCredential c;
    c.tenantId = row.str("tenant_id");
    c.provider = row.str("provider");
    c.keyId = row.str("key_id");
    c.nonce = fromBase64(row.str("nonce"));
    c.ciphertext = fromBase64(row.str("ciphertext"));
    c.tag = fromBase64(row.str("tag"));
    c.version = row.i64("version");
    c.createdAt = row.i64("created_at");
    c.updatedAt = row.i64("updated_at");
    return c;
}

}  // namespace

std::optional<StoredCredential> TenantCredentialRepository::find(const std::string& tenantId,
                                                                 const std::string& provider) {
    std::optional<StoredCredential> found;
    db_.read([&](Poco::Data::Session& s) {
        Poco::Data::Statement st(s);
        st << "SELECT " << kColumns
           << " FROM tenant_credentials WHERE tenant_id = $1 AND provider = $2",
            bind(tenantId), bind(provider), now;
        Poco::Data::RecordSet rs(st);
        if (rs.moveFirst()) found = rowOf(rs);
    });
    return found;
}

std::int64_t TenantCredentialRepository::put(Poco::Data::Session& s, const StoredCredential& c,
                                             TimeMs at) {
    // One statement, so two concurrent first PUTs cannot both insert: the second becomes an
    // update of the first (the same on SQLite and PostgreSQL).
    Poco::Int64 version = 0;
    s << "INSERT INTO tenant_credentials (tenant_id, provider, key_id, nonce, ciphertext, tag, "
         "version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $8) "
         "ON CONFLICT (tenant_id, provider) DO UPDATE SET key_id = excluded.key_id, "
         "nonce = excluded.nonce, ciphertext = excluded.ciphertext, tag = excluded.tag, "
         "version = tenant_credentials.version + 1, updated_at = excluded.updated_at "
         "RETURNING version",
        bind(c.tenantId), bind(c.provider), bind(c.keyId), bind(toBase64(c.nonce)),
        bind(toBase64(c.ciphertext)), bind(toBase64(c.tag)), bind(static_cast<Poco::Int64>(at)),
        bind(static_cast<Poco::Int64>(at)), into(version), now;
    return version;
}

bool TenantCredentialRepository::remove(Poco::Data::Session& s, const std::string& tenantId,
                                        const std::string& provider) {
    Poco::Data::Statement st(s);
    st << "DELETE FROM tenant_credentials WHERE tenant_id = $1 AND provider = $2", bind(tenantId),
        bind(provider);
    return st.execute() > 0;
}

std::vector<CredentialSummary> TenantCredentialRepository::list(const std::string& tenantId) {
    std::vector<CredentialSummary> result;
    db_.read([&](Poco::Data::Session& s) {
        Poco::Data::Statement st(s);
        st << "SELECT provider, created_at, updated_at FROM tenant_credentials WHERE tenant_id = "
              "$1 ORDER BY provider",
            bind(tenantId), now;
        Poco::Data::RecordSet rs(st);
        for (bool more = rs.moveFirst(); more; more = rs.moveNext()) {
            RowReader row(rs);
            result.push_back({row.str("provider"), row.i64("created_at"), row.i64("updated_at")});
        }
    });
    return result;
}

std::vector<StoredCredential> TenantCredentialRepository::notSealedUnder(
    const std::string& activeKeyId, const std::string& afterTenant,
    const std::string& afterProvider, int limit) {
    std::vector<StoredCredential> result;
    db_.read([&](Poco::Data::Session& s) {
        Poco::Data::Statement st(s);
        st << "SELECT " << kColumns
           << " FROM tenant_credentials WHERE key_id <> $1 AND (tenant_id > $2 OR (tenant_id = "
              "$3 AND provider > $4)) ORDER BY tenant_id, provider LIMIT $5",
            bind(activeKeyId), bind(afterTenant), bind(afterTenant), bind(afterProvider),
            bind(limit), now;
        Poco::Data::RecordSet rs(st);
        for (bool more = rs.moveFirst(); more; more = rs.moveNext()) result.push_back(rowOf(rs));
    });
    return result;
}

bool TenantCredentialRepository::reseal(Poco::Data::Session& s, const StoredCredential& old,
                                        const StoredCredential& resealed) {
    Poco::Data::Statement st(s);
    st << "UPDATE tenant_credentials SET key_id = $1, nonce = $2, ciphertext = $3, tag = $4 "
          "WHERE tenant_id = $5 AND provider = $6 AND version = $7 AND key_id = $8",
        bind(resealed.keyId), bind(toBase64(resealed.nonce)), bind(toBase64(resealed.ciphertext)),
        bind(toBase64(resealed.tag)), bind(old.tenantId), bind(old.provider),
        bind(static_cast<Poco::Int64>(old.version)), bind(old.keyId);
    return st.execute() == 1;
}

std::map<std::string, std::int64_t> TenantCredentialRepository::countByKey() {
    std::map<std::string, std::int64_t> counts;
    db_.read([&](Poco::Data::Session& s) {
        Poco::Data::Statement st(s);
        st << "SELECT key_id, COUNT(*) AS n FROM tenant_credentials GROUP BY key_id", now;
        Poco::Data::RecordSet rs(st);
        for (bool more = rs.moveFirst(); more; more = rs.moveNext()) {
            RowReader row(rs);
            counts[row.str("key_id")] = row.i64("n");
        }
    });
    return counts;
}

}  // namespace switchboard::store
