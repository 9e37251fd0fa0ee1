#include "store/IdempotencyRepository.h"

#include "store/PreparedStatements.h"
#include "store/RowReader.h"

using namespace Poco::Data::Keywords;

namespace switchboard::store {

std::optional<IdempotencyRecord> IdempotencyRepository::reserve(
    const std::string& tenantId, const std::string& key, const std::string& endpoint,
    const std::string& fingerprint, TimeMs at, TimeMs expiresBefore, TimeMs abandonedBefore) {
    std::optional<IdempotencyRecord> existing;
    db_.write([&](Poco::Data::Session& s) {
        // Insert first: of two concurrent first requests exactly one inserts (the other's
        // INSERT does nothing), on SQLite and PostgreSQL alike.
        if (execute(s,
                    "INSERT INTO idempotency_keys (tenant_id, idempotency_key, endpoint, "
                    "fingerprint, state, created_at) VALUES ($1, $2, $3, $4, 'pending', $5) ON "
                    "CONFLICT (tenant_id, idempotency_key) DO NOTHING",
                    tenantId, key, endpoint, fingerprint, static_cast<Poco::Int64>(at))
                .affected == 1)
            return;
        // An expired or abandoned record is taken over as if new.
        if (execute(s,
                    "UPDATE idempotency_keys SET endpoint = $1, fingerprint = $2, state = "
                    "'pending', response_status = NULL, response_body = NULL, created_at = $3 "
                    "WHERE tenant_id = $4 AND idempotency_key = $5 AND (created_at < $6 OR "
                    "(state = 'pending' AND created_at < $7))",
                    endpoint, fingerprint, static_cast<Poco::Int64>(at), tenantId, key,
                    static_cast<Poco::Int64>(expiresBefore),
                    static_cast<Poco::Int64>(abandonedBefore))
                .affected == 1)
            return;
        existing = find(s, tenantId, key);
    });
    return existing;
}

std::optional<IdempotencyRecord> IdempotencyRepository::find(Poco::Data::Session& s,
                                                             const std::string& tenantId,
                                                             const std::string& key) {
    Poco::Data::RecordSet rs =
        execute(s,
                "SELECT fingerprint, state, response_status, response_body, created_at FROM "
                "idempotency_keys WHERE tenant_id = $1 AND idempotency_key = $2",
                tenantId, key)
            .rows();
    if (!rs.moveFirst()) return std::nullopt;
    RowReader row(rs);
    return IdempotencyRecord{row.str("fingerprint"), row.str("state"),
                             static_cast<int>(row.i64("response_status")), row.str("response_body"),
                             row.i64("created_at")};
}

bool IdempotencyRepository::complete(Poco::Data::Session& s, const std::string& tenantId,
                                     const std::string& key, TimeMs reservedAt, int status,
                                     const std::string& body) {
    // created_at identifies the reservation: a takeover always moves it forward.
    return execute(s,
                   "UPDATE idempotency_keys SET state = 'done', response_status = $1, "
                   "response_body = $2 WHERE tenant_id = $3 AND idempotency_key = $4 AND state = "
                   "'pending' AND created_at = $5",
                   status, body, tenantId, key, static_cast<Poco::Int64>(reservedAt))
               .affected == 1;
}

void IdempotencyRepository::release(const std::string& tenantId, const std::string& key,
                                    TimeMs reservedAt) {
    db_.write([&](Poco::Data::Session& s) {
        s << "DELETE FROM idempotency_keys WHERE tenant_id = $1 AND idempotency_key = $2 AND state "
             "= 'pending' AND created_at = $3",
            bind(tenantId), bind(key), bind(static_cast<Poco::Int64>(reservedAt)), now;
    });
}

}  // namespace switchboard::store
