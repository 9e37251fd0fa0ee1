#pragma once

#include "domain/ServiceError.h"
#include "store/Database.h"
#include "util/Clock.h"

#include <cstdint>
#include <functional>
#include <string>

namespace switchboard::messaging {

/// A response as it is replayed: HTTP status and JSON text.
struct RecordedResponse {
    int status = 0;
    std::string body;
};

/// Idempotency keys for send, reply and bulk: the first request under a (tenant, key) runs
/// and its response is recorded; a repeat within kWindowMs gets the recorded response and
/// nothing runs again.
///
/// Guarantee (also across processes sharing one database): `produce` runs inside one write
/// transaction together with the recording of its response, so a process that dies mid-way
/// either stored the messages and the response (a repeat replays it) or stored neither. A
/// reservation left pending by a dead process answers repeats with Conflict until it is
/// kAbandonedAfterMs old, then the next repeat runs as if first — never a second send.
class IdempotencyLedger {
  public:
    /// How long a key's recorded response is replayed (ms).
    static constexpr std::int64_t kWindowMs = 24LL * 3600 * 1000;
    /// Age (ms) after which a still-pending reservation counts as abandoned by a dead
    /// process. Far above any request's run time: a request still running then finds its
    /// reservation taken over and rolls back (Conflict) rather than send twice. The age is
    /// read by one process's clock from a time another wrote, so the hosts' clocks must
    /// agree to well within this (NTP); a larger skew costs a spurious Conflict, never a
    /// second send.
    static constexpr std::int64_t kAbandonedAfterMs = 60LL * 1000;

    IdempotencyLedger(store::Database& db, const util::Clock& clock) : db_(db), clock_(clock) {}

    /// What run() answered, and whether it is a replay of an earlier request's response.
    struct Outcome {
        RecordedResponse response;
        bool replayed = false;
    };

    /// Runs `produce` once for (tenantId, key) — `key` already checked by the caller —, or
    /// replays its recorded response. `endpoint` ("POST /api/sms/send") and `requestBody`
    /// (bytes) fingerprint the request. `produce`'s Database writes join the enclosing
    /// transaction (so they must go through the same Database) and it must not talk to
    /// providers; when it throws, the key is freed so the client may correct the request and
    /// retry with the same key, and the error propagates.
    ///
    /// Throws domain::ServiceError PolicyRefused idempotency_key_mismatch (the key was used
    /// for a different request within kWindowMs), Conflict idempotency_in_progress (a request
    /// with this key is still running, or ran so long that a repeat took over);
    /// store::StoreUnavailable.
    Outcome run(const std::string& tenantId, const std::string& key, const std::string& endpoint,
                const std::string& requestBody,
                const std::function<RecordedResponse()>& produce) const;

  private:
    store::Database& db_;
    const util::Clock& clock_;
};

}  // namespace switchboard::messaging
