#include "store/FailureEventRepository.h"

#include "store/RowReader.h"

using namespace Poco::Data::Keywords;

namespace switchboard::store {

void FailureEventRepository::append(Poco::Data::Session& s, const FailureEvent& e) {
    s << "INSERT INTO failure_events (at, tenant_id, message_id, status, source, detail) VALUES "
         "($1, $2, $3, $4, "
         "$5, $6)",
        bind(static_cast<Poco::Int64>(e.at)), bind(nullIfEmpty(e.tenantId)),
        bind(static_cast<Poco::Int64>(e.messageId)), bind(e.status), bind(e.source), bind(e.detail),
        now;
}

std::vector<FailureEvent> FailureEventRepository::latest(int limit) {
    std::vector<FailureEvent> result;
    db_.read([&](Poco::Data::Session& s) {
        Poco::Data::Statement st(s);
        st << "SELECT id, at, tenant_id, message_id, status, source, detail FROM failure_events "
              "ORDER BY id DESC "
              "LIMIT $1",
            bind(limit), now;
        Poco::Data::RecordSet rs(st);
        for (bool more = rs.moveFirst(); more; more = rs.moveNext()) {
            RowReader row(rs);
            result.push_back({row.i64("id"), row.i64("at"), row.str("tenant_id"),
                              row.i64("message_id"), row.str("status"), row.str("source"),
                              row.str("detail")});
        }
    });
    return result;
}

}  // namespace switchboard::store
