#include "store/AuditRepository.h"

#include "store/PreparedStatements.h"
#include "store/RowReader.h"
#include "store/SqlConditions.h"

using namespace Poco::Data::Keywords;

namespace switchboard::store {

void AuditRepository::append(Poco::Data::Session& s, const std::string& tenantId,
                             const std::string& actor, const std::string& action,
                             const std::string& target, const std::string& detailJson, TimeMs at) {
    execute(s,
            "INSERT INTO audit_log (at, tenant_id, actor, action, target, detail) VALUES ($1, $2, "
            "$3, $4, $5, $6)",
            static_cast<Poco::Int64>(at), nullIfEmpty(tenantId), actor, action, target, detailJson);
}

std::vector<AuditEntry> AuditRepository::list(const AuditFilter& f, const PageRequest& page,
                                              std::int64_t& total) {
    SqlConditions c(1);
    if (!f.tenantId.empty()) c.add("tenant_id = ?", f.tenantId);
    if (!f.actor.empty()) c.add("actor = ?", f.actor);
    if (!f.action.empty()) c.add("action = ?", f.action);
    if (!f.target.empty()) c.add("target = ?", f.target);
    if (f.from) c.add("at >= ?", static_cast<Poco::Int64>(*f.from));
    if (f.to) c.add("at <= ?", static_cast<Poco::Int64>(*f.to));
    std::vector<AuditEntry> result;
    db_.read([&](Poco::Data::Session& s) {
        result.clear();
        Poco::Int64 count = 0;
        Poco::Data::Statement counting(s);
        counting << "SELECT COUNT(*) FROM audit_log WHERE 1 = 1" << c.sql(), into(count);
        c.bindAll(counting);
        counting.execute();
        total = count;
        Poco::Data::Statement st(s);
        st << "SELECT id, at, tenant_id, actor, action, target, detail FROM audit_log WHERE 1 = 1"
           << c.sql() << " ORDER BY at DESC, id DESC LIMIT $" << c.next() << " OFFSET $"
           << c.next() + 1;
        c.bindAll(st);
        st.addBind(bind(page.limit));
        st.addBind(bind(static_cast<Poco::Int64>(page.offset())));
        st.execute();
        Poco::Data::RecordSet rs(st);
        for (bool more = rs.moveFirst(); more; more = rs.moveNext()) {
            RowReader row(rs);
            result.push_back({row.i64("id"), row.i64("at"), row.str("tenant_id"), row.str("actor"),
                              row.str("action"), row.str("target"), row.str("detail")});
        }
    });
    return result;
}

}  // namespace switchboard::store
