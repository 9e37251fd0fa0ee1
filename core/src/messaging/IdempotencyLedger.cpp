#include "messaging/IdempotencyLedger.h"

#include "store/IdempotencyRepository.h"
#include "util/Digest.h"

namespace switchboard::messaging {
namespace {

using domain::ErrorKind;
using domain::ServiceError;

/// Unwinds (and so rolls back) a run whose work an earlier, committed run already did.
struct CommittedEarlier {
    RecordedResponse response;
};

}  // namespace

IdempotencyLedger::Outcome IdempotencyLedger::run(
    const std::string& tenantId, const std::string& key, const std::string& endpoint,
    const std::string& requestBody, const std::function<RecordedResponse()>& produce) const {
    const std::string fingerprint = util::sha256Hex(endpoint + "\n" + requestBody);
    store::IdempotencyRepository repo(db_);
    const auto nowMs = clock_.nowMs();
    auto existing = repo.reserve(tenantId, key, endpoint, fingerprint, nowMs, nowMs - kWindowMs,
                                 nowMs - kAbandonedAfterMs);
    if (existing) {
        if (!util::constantTimeEquals(existing->fingerprint, fingerprint))
            throw ServiceError(
                ErrorKind::PolicyRefused, "idempotency_key_mismatch",
                "this Idempotency-Key was used for a different request in the last 24 hours");
        if (existing->state != "done")
            throw ServiceError(ErrorKind::Conflict, "idempotency_in_progress",
                               "a request with this Idempotency-Key is still in progress");
        return {{existing->responseStatus, existing->responseBody}, true};
    }
    // produce()'s writes join this transaction, so its messages and the recorded response
    // commit together: a crash leaves either both (a repeat replays the response) or
    // neither (the reservation is abandoned and a repeat after kAbandonedAfterMs runs anew).
    RecordedResponse response;
    try {
        db_.write([&](Poco::Data::Session& s) {
            response = produce();
            if (store::IdempotencyRepository::complete(s, tenantId, key, nowMs, response.status,
                                                       response.body))
                return;
            // Done under our own reservation: the database committed an earlier run of this
            // body and only the acknowledgement was lost (Database::write retries once on a
            // dropped connection). Undo this run and answer with what was committed.
            auto record = store::IdempotencyRepository::find(s, tenantId, key);
            if (record && record->state == "done" && record->createdAt == nowMs)
                throw CommittedEarlier{{record->responseStatus, record->responseBody}};
            throw ServiceError(ErrorKind::Conflict, "idempotency_in_progress",
                               "this request ran so long that a repeat with its Idempotency-Key "
                               "took over; nothing was stored for it");
        });
    } catch (const CommittedEarlier& committed) {
        response = committed.response;
    } catch (...) {
        try {
            repo.release(tenantId, key, nowMs);
        } catch (const std::exception&) {
            // The request's own error is what the client must see; the key expires anyway.
        }
        throw;
    }
    return {response, false};
}

}  // namespace switchboard::messaging
