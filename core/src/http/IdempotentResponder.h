#pragma once

#include "http/Exchange.h"
#include "messaging/IdempotencyLedger.h"

#include <Poco/Dynamic/Var.h>

#include <functional>
#include <string>

namespace switchboard::http {

/// The Idempotency-Key header for send, reply and bulk, over messaging::IdempotencyLedger.
/// Without the header, `produce` runs and its result is sent. With it (1–255 printable
/// ASCII characters, else 400 invalid_idempotency_key), the first request runs `produce`
/// and its response is recorded; a repeat within 24 hours gets the recorded response
/// (header Idempotent-Replayed: true) and nothing runs again; the same key with a different
/// body or endpoint gets 422 idempotency_key_mismatch; a repeat while the first is still
/// running gets 409 idempotency_in_progress. A request that fails frees its key, so the
/// client may correct it and retry with the same key. The ledger's crash guarantee applies.
class IdempotentResponder {
  public:
    explicit IdempotentResponder(const messaging::IdempotencyLedger& ledger) : ledger_(ledger) {}

    /// `produce` returns the success status and JSON body; it may throw ApiError or
    /// domain::ServiceError. Its Database writes must go through the service's Database
    /// (they join the ledger's transaction) and it must not talk to providers. Throws
    /// ApiError 400 and the ledger's errors as described above.
    void respond(Exchange& exchange, const std::string& tenantId,
                 const std::function<std::pair<int, Poco::Dynamic::Var>()>& produce) const;

  private:
    const messaging::IdempotencyLedger& ledger_;
};

}  // namespace switchboard::http
