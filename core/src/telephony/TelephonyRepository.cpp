#include "telephony/TelephonyRepository.h"

#include "store/RowReader.h"

#include <Poco/Data/RecordSet.h>

using namespace Poco::Data::Keywords;

namespace switchboard::telephony {
namespace {

using store::nullable;
using store::RowReader;

constexpr const char* kVerificationColumns =
    "v.id, v.tenant_id, v.phone_number, v.friendly_name, v.status, v.code_salt, v.code_hash, "
    "v.code_expires_at, v.attempts, v.locked_until, v.provider_instance, v.call_status, "
    "v.provider_call_ref, v.verified_at, v.created_at, v.updated_at";

constexpr const char* kConfigColumns =
    "id, tenant_id, verification_id, sim_phone_number, carrier, mode, destination_number, "
    "ring_time_s, activation_code, deactivation_code, cancel_all_code, instructions, status, "
    "confirmed_at, disabled_at, created_at, updated_at";

Poco::Int64 ms(TimeMs t) { return static_cast<Poco::Int64>(t); }

Verification verificationOf(const RowReader& row) {
    Verification v;
    v.id = row.i64("id");
    v.tenantId = row.str("tenant_id");
    v.phoneNumber = row.str("phone_number");
    v.friendlyName = row.str("friendly_name");
    v.status = row.str("status");
    v.codeSalt = row.optStr("code_salt");
    v.codeHash = row.optStr("code_hash");
    v.codeExpiresAt = row.i64("code_expires_at");
    v.attempts = static_cast<int>(row.i64("attempts"));
    v.lockedUntil = row.optI64("locked_until");
    v.providerInstance = row.str("provider_instance");
    v.callStatus = row.str("call_status");
    v.providerCallRef = row.optStr("provider_call_ref");
    v.verifiedAt = row.optI64("verified_at");
    v.createdAt = row.i64("created_at");
    v.updatedAt = row.i64("updated_at");
    return v;
}

ForwardingConfig configOfRow(const RowReader& row) {
    ForwardingConfig c;
    c.id = row.i64("id");
    c.tenantId = row.str("tenant_id");
    c.verificationId = row.i64("verification_id");
    c.simPhoneNumber = row.str("sim_phone_number");
    c.carrier = row.str("carrier");
    c.mode = row.str("mode");
    c.destinationNumber = row.str("destination_number");
    if (auto ring = row.optI64("ring_time_s")) c.ringTimeSeconds = static_cast<int>(*ring);
    c.activationCode = row.str("activation_code");
    c.deactivationCode = row.str("deactivation_code");
    c.cancelAllCode = row.optStr("cancel_all_code");
    c.instructionsJson = row.str("instructions");
    c.status = row.str("status");
    c.confirmedAt = row.optI64("confirmed_at");
    c.disabledAt = row.optI64("disabled_at");
    c.createdAt = row.i64("created_at");
    c.updatedAt = row.i64("updated_at");
    return c;
}

std::optional<ForwardingConfig> firstConfig(Poco::Data::Statement& st) {
    Poco::Data::RecordSet rs(st);
    if (!rs.moveFirst()) return std::nullopt;
    return configOfRow(RowReader(rs));
}

// Advisory-lock keys are 64-bit; FNV-1a of the number keeps them stable across processes.
Poco::Int64 phoneLockKey(const std::string& phone) {
    std::uint64_t h = 1469598103934665603ULL;
    for (unsigned char c : "switchboard.telephony.phone." + phone) h = (h ^ c) * 1099511628211ULL;
    return static_cast<Poco::Int64>(h >> 1);
}

}  // namespace

std::optional<Verification> TelephonyRepository::find(Poco::Data::Session& s,
                                                      const std::string& dialect,
                                                      const std::string& tenantId, std::int64_t id,
                                                      bool forUpdate) {
    Poco::Data::Statement st(s);
    st << "SELECT " << kVerificationColumns
       << " FROM caller_id_verifications v WHERE v.tenant_id = $1 AND v.id = $2"
       << (forUpdate && dialect == "postgresql" ? " FOR UPDATE" : ""),
        bind(tenantId), bind(static_cast<Poco::Int64>(id)), now;
    Poco::Data::RecordSet rs(st);
    if (!rs.moveFirst()) return std::nullopt;
    return verificationOf(RowReader(rs));
}

bool TelephonyRepository::isVerified(Poco::Data::Session& s, const std::string& tenantId,
                                     const std::string& phone) {
    Poco::Int64 count = 0;
    s << "SELECT COUNT(*) FROM caller_id_verifications WHERE tenant_id = $1 AND phone_number = "
         "$2 AND status = 'verified'",
        bind(tenantId), bind(phone), into(count), now;
    return count > 0;
}

std::optional<TimeMs> TelephonyRepository::lockedUntil(Poco::Data::Session& s,
                                                       const std::string& tenantId,
                                                       const std::string& phone, TimeMs at) {
    Poco::Nullable<Poco::Int64> until;
    s << "SELECT MAX(locked_until) FROM caller_id_verifications WHERE tenant_id = $1 AND "
         "phone_number = $2 AND status = 'failed' AND locked_until > $3",
        bind(tenantId), bind(phone), bind(ms(at)), into(until), now;
    if (until.isNull()) return std::nullopt;
    return until.value();
}

int TelephonyRepository::supersedePending(Poco::Data::Session& s, const std::string& tenantId,
                                          const std::string& phone, TimeMs at) {
    Poco::Data::Statement st(s);
    st << "UPDATE caller_id_verifications SET status = 'expired', code_salt = NULL, code_hash = "
          "NULL, updated_at = $1 WHERE tenant_id = $2 AND phone_number = $3 AND status = "
          "'pending'",
        bind(ms(at)), bind(tenantId), bind(phone);
    return static_cast<int>(st.execute());
}

std::int64_t TelephonyRepository::insert(Poco::Data::Session& s, const Verification& v) {
    Poco::Int64 id = 0;
    s << "INSERT INTO caller_id_verifications (tenant_id, phone_number, friendly_name, status, "
         "code_salt, code_hash, code_expires_at, attempts, locked_until, provider_instance, "
         "call_status, provider_call_ref, verified_at, created_at, updated_at) VALUES ($1, $2, "
         "$3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id",
        bind(v.tenantId), bind(v.phoneNumber), bind(v.friendlyName), bind(v.status),
        bind(nullable(v.codeSalt)), bind(nullable(v.codeHash)), bind(ms(v.codeExpiresAt)),
        bind(v.attempts), bind(nullable(v.lockedUntil)), bind(v.providerInstance),
        bind(v.callStatus), bind(nullable(v.providerCallRef)), bind(nullable(v.verifiedAt)),
        bind(ms(v.createdAt)), bind(ms(v.updatedAt)), into(id), now;
    return id;
}

void TelephonyRepository::setCallOutcome(Poco::Data::Session& s, std::int64_t id,
                                         const std::string& callStatus,
                                         const std::optional<std::string>& providerRef, TimeMs at) {
    s << "UPDATE caller_id_verifications SET call_status = $1, provider_call_ref = $2, "
         "updated_at = $3 WHERE id = $4",
        bind(callStatus), bind(nullable(providerRef)), bind(ms(at)),
        bind(static_cast<Poco::Int64>(id)), now;
}

void TelephonyRepository::recordWrongCode(Poco::Data::Session& s, std::int64_t id, int attempts,
                                          TimeMs at) {
    s << "UPDATE caller_id_verifications SET attempts = $1, updated_at = $2 WHERE id = $3",
        bind(attempts), bind(ms(at)), bind(static_cast<Poco::Int64>(id)), now;
}

void TelephonyRepository::markFailed(Poco::Data::Session& s, std::int64_t id, int attempts,
                                     TimeMs lockedUntil, TimeMs at) {
    s << "UPDATE caller_id_verifications SET status = 'failed', attempts = $1, locked_until = $2, "
         "code_salt = NULL, code_hash = NULL, updated_at = $3 WHERE id = $4",
        bind(attempts), bind(ms(lockedUntil)), bind(ms(at)), bind(static_cast<Poco::Int64>(id)),
        now;
}

void TelephonyRepository::markVerified(Poco::Data::Session& s, std::int64_t id, TimeMs at) {
    s << "UPDATE caller_id_verifications SET status = 'verified', verified_at = $1, code_salt = "
         "NULL, code_hash = NULL, updated_at = $2 WHERE id = $3",
        bind(ms(at)), bind(ms(at)), bind(static_cast<Poco::Int64>(id)), now;
}

void TelephonyRepository::markExpired(Poco::Data::Session& s, std::int64_t id, TimeMs at) {
    s << "UPDATE caller_id_verifications SET status = 'expired', code_salt = NULL, code_hash = "
         "NULL, updated_at = $1 WHERE id = $2 AND status = 'pending'",
        bind(ms(at)), bind(static_cast<Poco::Int64>(id)), now;
}

bool TelephonyRepository::remove(Poco::Data::Session& s, const std::string& tenantId,
                                 std::int64_t id) {
    const Poco::Int64 key = id;
    s << "DELETE FROM forwarding_configs WHERE tenant_id = $1 AND verification_id = $2",
        bind(tenantId), bind(key), now;
    s << "DELETE FROM caller_id_dry_run_calls WHERE tenant_id = $1 AND verification_id = $2",
        bind(tenantId), bind(key), now;
    Poco::Data::Statement st(s);
    st << "DELETE FROM caller_id_verifications WHERE tenant_id = $1 AND id = $2", bind(tenantId),
        bind(key);
    return st.execute() > 0;
}

std::vector<Verification> TelephonyRepository::list(store::Database& db,
                                                    const std::string& tenantId,
                                                    const std::string& status) {
    std::vector<Verification> result;
    db.read([&](Poco::Data::Session& s) {
        result.clear();
        Poco::Data::Statement st(s);
        st << "SELECT " << kVerificationColumns
           << ", f.status AS forwarding_status FROM caller_id_verifications v LEFT JOIN "
              "forwarding_configs f ON f.verification_id = v.id WHERE v.tenant_id = $1"
           << (status.empty() ? "" : " AND v.status = $2") << " ORDER BY v.id DESC",
            bind(tenantId);
        if (!status.empty()) st, bind(status);
        st.execute();
        Poco::Data::RecordSet rs(st);
        for (bool more = rs.moveFirst(); more; more = rs.moveNext()) {
            RowReader row(rs);
            Verification v = verificationOf(row);
            v.forwardingStatus = row.optStr("forwarding_status");
            result.push_back(std::move(v));
        }
    });
    return result;
}

void TelephonyRepository::lockPhone(Poco::Data::Session& s, const std::string& dialect,
                                    const std::string& phone) {
    if (dialect != "postgresql") return;
    s << "SELECT pg_advisory_xact_lock($1)", bind(phoneLockKey(phone)), now;
}

std::vector<TimeMs> TelephonyRepository::callsSince(Poco::Data::Session& s,
                                                    const std::string& phone, TimeMs since) {
    std::vector<Poco::Int64> times;
    s << "SELECT created_at FROM caller_id_calls WHERE phone_number = $1 AND created_at >= $2 "
         "ORDER BY created_at",
        bind(phone), bind(ms(since)), into(times), now;
    return {times.begin(), times.end()};
}

void TelephonyRepository::recordCall(Poco::Data::Session& s, const std::string& phone,
                                     const std::string& tenantId, TimeMs at) {
    s << "INSERT INTO caller_id_calls (phone_number, tenant_id, created_at) VALUES ($1, $2, $3)",
        bind(phone), bind(tenantId), bind(ms(at)), now;
}

void TelephonyRepository::recordDryRunCall(Poco::Data::Session& s, const DryRunCall& c) {
    s << "INSERT INTO caller_id_dry_run_calls (verification_id, tenant_id, provider_instance, "
         "method, url, headers, body, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        bind(static_cast<Poco::Int64>(c.verificationId)), bind(c.tenantId),
        bind(c.providerInstance), bind(c.method), bind(c.url), bind(c.headersJson), bind(c.body),
        bind(ms(c.createdAt)), now;
}

std::optional<ForwardingConfig> TelephonyRepository::findConfig(Poco::Data::Session& s,
                                                                const std::string& tenantId,
                                                                std::int64_t id) {
    Poco::Data::Statement st(s);
    st << "SELECT " << kConfigColumns
       << " FROM forwarding_configs WHERE tenant_id = $1 AND id = $2",
        bind(tenantId), bind(static_cast<Poco::Int64>(id)), now;
    return firstConfig(st);
}

std::optional<ForwardingConfig> TelephonyRepository::configOf(Poco::Data::Session& s,
                                                              const std::string& tenantId,
                                                              std::int64_t verificationId) {
    Poco::Data::Statement st(s);
    st << "SELECT " << kConfigColumns
       << " FROM forwarding_configs WHERE tenant_id = $1 AND verification_id = $2",
        bind(tenantId), bind(static_cast<Poco::Int64>(verificationId)), now;
    return firstConfig(st);
}

std::int64_t TelephonyRepository::insertConfig(Poco::Data::Session& s, const ForwardingConfig& c) {
    Poco::Int64 id = 0;
    std::optional<std::int64_t> ring;
    if (c.ringTimeSeconds) ring = *c.ringTimeSeconds;
    s << "INSERT INTO forwarding_configs (tenant_id, verification_id, sim_phone_number, carrier, "
         "mode, destination_number, ring_time_s, activation_code, deactivation_code, "
         "cancel_all_code, instructions, status, confirmed_at, disabled_at, created_at, "
         "updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, "
         "$16) RETURNING id",
        bind(c.tenantId), bind(static_cast<Poco::Int64>(c.verificationId)), bind(c.simPhoneNumber),
        bind(c.carrier), bind(c.mode), bind(c.destinationNumber), bind(nullable(ring)),
        bind(c.activationCode), bind(c.deactivationCode), bind(nullable(c.cancelAllCode)),
        bind(c.instructionsJson), bind(c.status), bind(nullable(c.confirmedAt)),
        bind(nullable(c.disabledAt)), bind(ms(c.createdAt)), bind(ms(c.updatedAt)), into(id), now;
    return id;
}

void TelephonyRepository::deleteConfig(Poco::Data::Session& s, std::int64_t id) {
    s << "DELETE FROM forwarding_configs WHERE id = $1", bind(static_cast<Poco::Int64>(id)), now;
}

void TelephonyRepository::setConfigStatus(Poco::Data::Session& s, std::int64_t id,
                                          const std::string& status, TimeMs at) {
    const Poco::Int64 key = id;
    if (status == forwarding_status::kActive) {
        s << "UPDATE forwarding_configs SET status = $1, confirmed_at = $2, updated_at = $3 WHERE "
             "id = $4",
            bind(status), bind(ms(at)), bind(ms(at)), bind(key), now;
    } else if (status == forwarding_status::kDisabled) {
        s << "UPDATE forwarding_configs SET status = $1, disabled_at = $2, updated_at = $3 WHERE "
             "id = $4",
            bind(status), bind(ms(at)), bind(ms(at)), bind(key), now;
    } else {
        s << "UPDATE forwarding_configs SET status = $1, updated_at = $2 WHERE id = $3",
            bind(status), bind(ms(at)), bind(key), now;
    }
}

int TelephonyRepository::expireOverdue(Poco::Data::Session& s, TimeMs at) {
    Poco::Data::Statement st(s);
    st << "UPDATE caller_id_verifications SET status = 'expired', code_salt = NULL, code_hash = "
          "NULL, updated_at = $1 WHERE status = 'pending' AND code_expires_at <= $2",
        bind(ms(at)), bind(ms(at));
    return static_cast<int>(st.execute());
}

int TelephonyRepository::deleteStale(Poco::Data::Session& s, TimeMs before) {
    // The same selection three times, so each DELETE is one statement on both dialects.
    const std::string stale =
        "SELECT v.id FROM caller_id_verifications v WHERE v.status IN ('failed', 'expired') AND "
        "v.updated_at < $1 AND NOT EXISTS (SELECT 1 FROM forwarding_configs f WHERE "
        "f.verification_id = v.id AND f.status = 'active')";
    s << "DELETE FROM forwarding_configs WHERE verification_id IN (" + stale + ")",
        bind(ms(before)), now;
    s << "DELETE FROM caller_id_dry_run_calls WHERE verification_id IN (" + stale + ")",
        bind(ms(before)), now;
    Poco::Data::Statement st(s);
    st << "DELETE FROM caller_id_verifications WHERE id IN (" + stale + ")", bind(ms(before));
    return static_cast<int>(st.execute());
}

int TelephonyRepository::dropCallsBefore(Poco::Data::Session& s, TimeMs before) {
    Poco::Data::Statement st(s);
    st << "DELETE FROM caller_id_calls WHERE created_at < $1", bind(ms(before));
    return static_cast<int>(st.execute());
}

}  // namespace switchboard::telephony
