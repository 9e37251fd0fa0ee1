#include "http/IdempotentResponder.h"

#include "store/IdempotencyRepository.h"
#include "util/Digest.h"
#include "util/JsonText.h"

namespace switchboard::http {
namespace {

/// Unwinds (and so rolls back) a run whose work an earlier, committed run already did.
struct CommittedEarlier {
    int status;
    std::string body;
};

}  // namespace

void IdempotentResponder::respond(
    Exchange& ex, const std::string& tenantId,
    const std::function<std::pair<int, Poco::Dynamic::Var>()>& produce) const {
    if (!ex.request().has("Idempotency-Key")) {
        auto [status, body] = produce();
        ex.sendJson(status, body);
        return;
    }
    const std::string key = ex.request().get("Idempotency-Key");
    bool printable = !key.empty() && key.size() <= 255;
    for (unsigned char c : key) printable = printable && c >= 0x20 && c < 0x7F;
    if (!printable)
        throw ApiError(400, "invalid_idempotency_key",
                       "Idempotency-Key must be 1 to 255 printable ASCII characters");

    const std::string endpoint = ex.request().getMethod() + " " + ex.path();
    const std::string fingerprint = util::sha256Hex(endpoint + "\n" + ex.body());
    store::IdempotencyRepository repo(db_);
    const auto nowMs = clock_.nowMs();
    auto existing = repo.reserve(tenantId, key, endpoint, fingerprint, nowMs, nowMs - kWindowMs,
                                 nowMs - kAbandonedAfterMs);
    if (existing) {
        if (!util::constantTimeEquals(existing->fingerprint, fingerprint))
            throw ApiError(
                422, "idempotency_key_mismatch",
                "this Idempotency-Key was used for a different request in the last 24 hours");
        if (existing->state != "done")
            throw ApiError(409, "idempotency_in_progress",
                           "a request with this Idempotency-Key is still in progress");
        ex.response().set("Idempotent-Replayed", "true");
        ex.sendText(existing->responseStatus, "application/json; charset=utf-8",
                    existing->responseBody);
        return;
    }
    // produce()'s writes join this transaction, so its messages and the stored response
    // commit together: a crash leaves either both (a repeat replays the response) or
    // neither (the reservation is abandoned and a repeat after kAbandonedAfterMs runs anew).
    int status = 0;
    std::string body;
    try {
        db_.write([&](Poco::Data::Session& s) {
            auto result = produce();
            status = result.first;
            body = util::toJson(result.second);
            if (store::IdempotencyRepository::complete(s, tenantId, key, nowMs, status, body))
                return;
            // Done under our own reservation: the database committed an earlier run of this
            // body and only the acknowledgement was lost (Database::write retries once on a
            // dropped connection). Undo this run and answer with what was committed.
            auto record = store::IdempotencyRepository::find(s, tenantId, key);
            if (record && record->state == "done" && record->createdAt == nowMs)
                throw CommittedEarlier{record->responseStatus, record->responseBody};
            throw ApiError(409, "idempotency_in_progress",
                           "this request ran so long that a repeat with its Idempotency-Key "
                           "took over; nothing was stored for it");
        });
    } catch (const CommittedEarlier& committed) {
        status = committed.status;
        body = committed.body;
    } catch (...) {
        try {
            repo.release(tenantId, key, nowMs);
        } catch (const std::exception&) {
            // The request's own error is what the client must see; the key expires anyway.
        }
        throw;
    }
    ex.sendText(status, "application/json; charset=utf-8", body);
}

}  // namespace switchboard::http
