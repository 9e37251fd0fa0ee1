#include "store/DryRunRepository.h"

#include "store/RowReader.h"

using namespace Poco::Data::Keywords;

namespace switchboard::store {

void DryRunRepository::insert(Poco::Data::Session& s, const DryRunRecord& r) {
    s << "INSERT INTO dry_run_requests (message_id, tenant_id, provider_instance, method, url, "
         "headers, body, "
         "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        bind(static_cast<Poco::Int64>(r.messageId)), bind(nullIfEmpty(r.tenantId)),
        bind(r.providerInstance), bind(r.method), bind(r.url), bind(r.headersJson), bind(r.body),
        bind(static_cast<Poco::Int64>(r.createdAt)), now;
}

std::vector<DryRunRecord> DryRunRepository::latest(int limit,
                                                   std::optional<std::int64_t> messageId) {
    std::vector<DryRunRecord> result;
    db_.read([&](Poco::Data::Session& s) {
        Poco::Data::Statement st(s);
        Poco::Int64 id = messageId.value_or(0);
        st << "SELECT id, message_id, tenant_id, provider_instance, method, url, headers, body, "
              "created_at FROM "
              "dry_run_requests WHERE ($1 = 0 OR message_id = $2) ORDER BY id DESC LIMIT $3",
            bind(id), bind(id), bind(limit), now;
        Poco::Data::RecordSet rs(st);
        for (bool more = rs.moveFirst(); more; more = rs.moveNext()) {
            RowReader row(rs);
            result.push_back({row.i64("id"), row.i64("message_id"), row.str("tenant_id"),
                              row.str("provider_instance"), row.str("method"), row.str("url"),
                              row.str("headers"), row.str("body"), row.i64("created_at")});
        }
    });
    return result;
}

}  // namespace switchboard::store
