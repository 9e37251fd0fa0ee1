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
/// Guarantee: a crash after `produce` stored its messages but before the response was
/// recorded leaves the key pending until it expires (24 h) — the client then gets 409,
/// never a second send.
class IdempotentResponder {
  public:
    static constexpr std::int64_t kWindowMs = 24LL * 3600 * 1000;

    IdempotentResponder(store::Database& db, const util::Clock& clock) : db_(db), clock_(clock) {}

    /// `produce` returns the success status and JSON body; it may throw ApiError.
    void respond(Exchange& exchange, const std::string& tenantId,
                 const std::function<std::pair<int, Poco::Dynamic::Var>()>& produce) const;

  private:
    store::Database& db_;
    const util::Clock& clock_;
};

}  // namespace switchboard::http
