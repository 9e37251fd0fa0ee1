#include "store/WebhookEventRepository.h"

#include "store/PreparedStatements.h"
#include "store/RowReader.h"

using namespace Poco::Data::Keywords;

namespace switchboard::store {

std::int64_t WebhookEventRepository::insert(Poco::Data::Session& s, const WebhookEventRecord& e) {
    return execute(
               s,
               "INSERT INTO webhook_events (received_at, route_path, provider_instance, "
               "remote_addr, outcome, reason, tenant_id, message_id, routing, payload, "
               "reason_code) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
               static_cast<Poco::Int64>(e.receivedAt), e.routePath, nullIfEmpty(e.providerInstance),
               e.remoteAddr, e.outcome, e.reason, nullIfEmpty(e.tenantId), nullable(e.messageId),
               e.routingJson, e.payload, e.reasonCode)
        .firstInt()
        .value_or(0);
}

std::int64_t WebhookEventRepository::insert(const WebhookEventRecord& e) {
    std::int64_t id = 0;
    db_.write([&](Poco::Data::Session& s) { id = insert(s, e); });
    return id;
}

std::vector<WebhookEventRecord> WebhookEventRepository::latest(int limit) {
    std::vector<WebhookEventRecord> result;
    db_.read([&](Poco::Data::Session& s) {
        Poco::Data::Statement st(s);
        st << "SELECT id, received_at, route_path, provider_instance, remote_addr, outcome, "
              "reason, tenant_id, message_id, routing, payload, reason_code FROM webhook_events "
              "ORDER BY id DESC LIMIT $1",
            bind(limit), now;
        Poco::Data::RecordSet rs(st);
        for (bool more = rs.moveFirst(); more; more = rs.moveNext()) {
            RowReader row(rs);
            result.push_back({row.i64("id"), row.i64("received_at"), row.str("route_path"),
                              row.str("provider_instance"), row.str("remote_addr"),
                              row.str("outcome"), row.str("reason"), row.str("tenant_id"),
                              row.optI64("message_id"), row.str("routing"), row.str("payload"),
                              row.str("reason_code")});
        }
    });
    return result;
}

std::map<std::string, std::int64_t> WebhookEventRepository::refusalsByReason(TimeMs since) {
    std::map<std::string, std::int64_t> counts;
    db_.read([&](Poco::Data::Session& s) {
        std::vector<std::string> codes;
        std::vector<Poco::Int64> numbers;
        s << "SELECT reason_code, COUNT(*) FROM webhook_events WHERE outcome IN ('rejected', "
             "'rate_limited') AND received_at >= $1 GROUP BY reason_code",
            bind(static_cast<Poco::Int64>(since)), into(codes), into(numbers), now;
        for (std::size_t i = 0; i < codes.size() && i < numbers.size(); ++i)
            counts[codes[i].empty() ? "unclassified" : codes[i]] += numbers[i];
    });
    return counts;
}

}  // namespace switchboard::store
