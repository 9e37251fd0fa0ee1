#pragma once

#include "http/Exchange.h"
#include "store/Database.h"
#include "store/Records.h"
#include "util/Clock.h"

#include <Poco/Dynamic/Var.h>

#include <functional>
#include <string>

namespace switchboard::http {

/// Idempotency-Key handling for send, reply and bulk. Without the header, `produce` runs
/// and its result is sent. With it (1–255 printable ASCII characters, else 400
/// invalid_idempotency_key), the first request runs `produce` and its response is stored;
/// a repeat within 24 hours gets the stored response (header Idempotent-Replayed: true) and
/// nothing runs again; the same key with a different body or endpoint gets 422
/// idempotency_key_mismatch; a repeat while the first is still running gets 409
/// idempotency_in_progress. A request that fails (ApiError, store error) frees its key, so
/// the client may correct it and retry with the same key.
///
/// Guarantee (also across processes sharing one database): `produce` runs inside one write
/// transaction together with the recording of its response, so a process that dies mid-way
/// either stored the messages and the response (a repeat replays it) or stored neither. A
/// reservation left pending by a dead process answers repeats with 409 until it is
/// kAbandonedAfterMs old, then the next repeat runs as if first — never a second send.
class IdempotentResponder {
  public:
    /// How long a key's stored response is replayed (ms).
    static constexpr std::int64_t kWindowMs = 24LL * 3600 * 1000;
    /// Age (ms) after which a still-pending reservation counts as abandoned by a dead
    /// process. Far above any request's run time: a request still running then finds its
    /// reservation taken over and rolls back (409) rather than send twice. The age is read
    /// by one process's clock from a time another wrote, so the hosts' clocks must agree to
    /// well within this (NTP); a larger skew costs a spurious 409, never a second send.
    static constexpr std::int64_t kAbandonedAfterMs = 60LL * 1000;

    IdempotentResponder(store::Database& db, const util::Clock& clock) : db_(db), clock_(clock) {}

    /// `produce` returns the success status and JSON body; it may throw ApiError. Its
    /// Database writes must go through the same Database (they join the enclosing
    /// transaction) and it must not talk to providers. Throws ApiError (400, 409, 422) and
    /// StoreUnavailable as described above.
    void respond(Exchange& exchange, const std::string& tenantId,
                 const std::function<std::pair<int, Poco::Dynamic::Var>()>& produce) const;

  private:
    store::Database& db_;
    const util::Clock& clock_;
};

}  // namespace switchboard::http
