#include "http/IdempotentResponder.h"

#include "util/JsonText.h"

namespace switchboard::http {

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
    const auto outcome = ledger_.run(tenantId, key, endpoint, ex.body(), [&] {
        auto [status, body] = produce();
        return messaging::RecordedResponse{status, util::toJson(body)};
    });
    if (outcome.replayed) ex.response().set("Idempotent-Replayed", "true");
    ex.sendText(outcome.response.status, "application/json; charset=utf-8", outcome.response.body);
}

}  // namespace switchboard::http
