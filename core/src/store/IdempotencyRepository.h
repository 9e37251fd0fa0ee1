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

    /// Atomically reserves (tenant, key) for a request with `fingerprint`, or returns the
    /// existing record. A record older than `expiresBefore` is taken over as if new.
    /// nullopt = reserved for the caller, who must then complete() or release() it.
    std::optional<IdempotencyRecord> reserve(const std::string& tenantId, const std::string& key,
                                             const std::string& endpoint,
                                             const std::string& fingerprint, TimeMs now,
                                             TimeMs expiresBefore);

    /// Stores the response of a reserved request.
    void complete(const std::string& tenantId, const std::string& key, int status,
                  const std::string& body);

    /// Drops a reservation whose request failed, so the client may retry with the same key.
    void release(const std::string& tenantId, const std::string& key);

  private:
    Database& db_;
};

}  // namespace switchboard::store
