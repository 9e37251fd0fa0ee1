#pragma once

#include "store/Database.h"
#include "store/Records.h"

#include <optional>
#include <string>

namespace switchboard::store {

/// What a reservation found.
struct IdempotencyRecord {
    std::string fingerprint;
    std::string state;  ///< "pending" (in progress or crashed) | "done"
    int responseStatus = 0;
    std::string responseBody;
    TimeMs createdAt = 0;
};

/// Per-tenant Idempotency-Key records (migration 004).
class IdempotencyRepository {
  public:
    explicit IdempotencyRepository(Database& db) : db_(db) {}

    /// Atomically reserves (tenant, key) for a request with `fingerprint` at `now` (ms since
    /// the epoch), or returns the existing record. Taken over as if new: any record created
    /// before `expiresBefore`, and a still-pending one created before `abandonedBefore` (its
    /// process died between reserve and complete; complete() is atomic with the request's
    /// own writes, so such a request stored nothing). nullopt = reserved for the caller,
    /// whose reservation is identified by `now`; it must then complete() or release() it.
    /// Throws StoreUnavailable.
    std::optional<IdempotencyRecord> reserve(const std::string& tenantId, const std::string& key,
                                             const std::string& endpoint,
                                             const std::string& fingerprint, TimeMs now,
                                             TimeMs expiresBefore, TimeMs abandonedBefore);

    /// The record of (tenant, key) as `s` sees it, if any.
    static std::optional<IdempotencyRecord> find(Poco::Data::Session& s,
                                                 const std::string& tenantId,
                                                 const std::string& key);

    /// Stores the response (HTTP status, JSON text) of the reservation made at `reservedAt`,
    /// in the caller's transaction `s`, so the response is recorded if and only if the
    /// request's writes commit. Returns false, changing nothing, if that reservation is no
    /// longer pending (it was taken over as abandoned); the caller must then roll back.
    static bool complete(Poco::Data::Session& s, const std::string& tenantId,
                         const std::string& key, TimeMs reservedAt, int status,
                         const std::string& body);

    /// Drops the pending reservation made at `reservedAt` after its request failed, so the
    /// client may retry with the same key. Another request's reservation is left alone.
    void release(const std::string& tenantId, const std::string& key, TimeMs reservedAt);

  private:
    Database& db_;
};

}  // namespace switchboard::store
