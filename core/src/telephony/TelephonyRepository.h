// Storage of verifications, verification calls and forwarding configurations (migration
// 006). Every method but the cleanup ones takes the tenant and touches only its rows; the
// Session& methods run inside the caller's transaction (Database::write), so a service
// can check and change in one step.
#pragma once

#include "store/Database.h"
#include "telephony/TelephonyRecords.h"

#include <optional>
#include <string>
#include <vector>

namespace switchboard::telephony {

class TelephonyRepository {
  public:
    // --- verifications ---

    /// The tenant's verification `id`, or nullopt (another tenant's id included).
    /// `forUpdate` locks the row until the transaction ends on PostgreSQL (SQLite's write
    /// transaction is exclusive already), so concurrent confirmations count every attempt.
    static std::optional<Verification> find(Poco::Data::Session& s, const std::string& dialect,
                                            const std::string& tenantId, std::int64_t id,
                                            bool forUpdate);
    /// Whether the tenant has `phone` verified.
    static bool isVerified(Poco::Data::Session& s, const std::string& tenantId,
                           const std::string& phone);
    /// The latest lock end of the tenant's failed verifications of `phone` after `at`, or
    /// nullopt when the number is not locked.
    static std::optional<TimeMs> lockedUntil(Poco::Data::Session& s, const std::string& tenantId,
                                             const std::string& phone, TimeMs at);
    /// Marks the tenant's pending verifications of `phone` expired (a new one replaces
    /// them), clearing their code hashes. Returns how many.
    static int supersedePending(Poco::Data::Session& s, const std::string& tenantId,
                                const std::string& phone, TimeMs at);
    /// Inserts `v` (id ignored); returns the new id.
    static std::int64_t insert(Poco::Data::Session& s, const Verification& v);
    /// Sets the call's outcome: callStatus dry_run | placed | failed, the provider's call id.
    static void setCallOutcome(Poco::Data::Session& s, std::int64_t id,
                               const std::string& callStatus,
                               const std::optional<std::string>& providerRef, TimeMs at);
    /// One more wrong code: attempts = `attempts`.
    static void recordWrongCode(Poco::Data::Session& s, std::int64_t id, int attempts, TimeMs at);
    /// pending → failed after the last allowed wrong code; locked until `lockedUntil`.
    static void markFailed(Poco::Data::Session& s, std::int64_t id, int attempts,
                           TimeMs lockedUntil, TimeMs at);
    /// pending → verified; clears the code.
    static void markVerified(Poco::Data::Session& s, std::int64_t id, TimeMs at);
    /// pending → expired; clears the code.
    static void markExpired(Poco::Data::Session& s, std::int64_t id, TimeMs at);
    /// Deletes the tenant's verification `id` with its forwarding configuration and dry-run
    /// records. Returns false when there is no such row for the tenant.
    static bool remove(Poco::Data::Session& s, const std::string& tenantId, std::int64_t id);
    /// The tenant's verifications, newest first, with their forwarding status; `status`
    /// restricts to one status when non-empty.
    static std::vector<Verification> list(store::Database& db, const std::string& tenantId,
                                          const std::string& status);

    // --- verification calls (rate limit) ---

    /// Serialises initiations for `phone` until the transaction ends: a PostgreSQL
    /// transaction-scoped advisory lock (SQLite's write transaction is exclusive already).
    static void lockPhone(Poco::Data::Session& s, const std::string& dialect,
                          const std::string& phone);
    /// Start times of the calls to `phone` at or after `since`, oldest first (any tenant).
    static std::vector<TimeMs> callsSince(Poco::Data::Session& s, const std::string& phone,
                                          TimeMs since);
    static void recordCall(Poco::Data::Session& s, const std::string& phone,
                           const std::string& tenantId, TimeMs at);
    static void recordDryRunCall(Poco::Data::Session& s, const DryRunCall& call);

    // --- forwarding configurations ---

    static std::optional<ForwardingConfig> findConfig(Poco::Data::Session& s,
                                                      const std::string& tenantId, std::int64_t id);
    static std::optional<ForwardingConfig> configOf(Poco::Data::Session& s,
                                                    const std::string& tenantId,
                                                    std::int64_t verificationId);
    /// Inserts `c` (id ignored); returns the new id.
    static std::int64_t insertConfig(Poco::Data::Session& s, const ForwardingConfig& c);
    static void deleteConfig(Poco::Data::Session& s, std::int64_t id);
    /// Sets the status; `active` stamps confirmed_at, `disabled` stamps disabled_at.
    static void setConfigStatus(Poco::Data::Session& s, std::int64_t id, const std::string& status,
                                TimeMs at);

    // --- cleanup (all tenants) ---

    /// pending verifications whose code expired before `at` → expired. Returns how many.
    static int expireOverdue(Poco::Data::Session& s, TimeMs at);
    /// Deletes failed and expired verifications last changed before `before`, except any
    /// whose forwarding configuration is active. Returns how many.
    static int deleteStale(Poco::Data::Session& s, TimeMs before);
    /// Drops verification-call records older than `before`.
    static int dropCallsBefore(Poco::Data::Session& s, TimeMs before);
};

}  // namespace switchboard::telephony
