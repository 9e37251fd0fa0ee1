#include "store/DeliveryEventRepository.h"

#include "store/PreparedStatements.h"
#include "store/RowReader.h"
#include "store/SqlConditions.h"

#include <limits>

using namespace Poco::Data::Keywords;

namespace switchboard::store {
namespace {

SqlConditions conditionsFor(const std::string& tenantId, const DeliveryLogFilter& f) {
    SqlConditions c(1);
    c.add("e.tenant_id = ?", tenantId);
    if (f.contactId) c.add("m.contact_id = ?", static_cast<Poco::Int64>(*f.contactId));
    if (!f.status.empty()) c.add("e.status = ?", f.status);
    if (f.providerInstances) c.addAnyOf("e.provider_instance", *f.providerInstances);
    if (f.from) c.add("e.received_at >= ?", static_cast<Poco::Int64>(*f.from));
    if (f.to) c.add("e.received_at <= ?", static_cast<Poco::Int64>(*f.to));
    if (!f.providerRef.empty()) c.add("e.provider_ref = ?", f.providerRef);
    return c;
}

const char* const kFrom =
    " FROM delivery_events e JOIN messages m ON m.id = e.message_id LEFT JOIN contacts c ON c.id = "
    "m.contact_id WHERE 1 = 1";

const char* const kColumns =
    "SELECT e.id, e.message_id, e.tenant_id, e.provider_instance, e.provider_ref, e.status, "
    "e.raw_status, "
    "e.error_code, e.raw_payload, e.received_at, e.ip, e.applied, m.contact_id, c.name AS "
    "contact_name, "
    "c.phone AS contact_phone";

std::vector<DeliveryEvent> eventsOf(Poco::Data::Statement& st) {
    Poco::Data::RecordSet rs(st);
    std::vector<DeliveryEvent> result;
    for (bool more = rs.moveFirst(); more; more = rs.moveNext()) {
        RowReader row(rs);
        DeliveryEvent e;
        e.id = row.i64("id");
        e.messageId = row.i64("message_id");
        e.tenantId = row.str("tenant_id");
        e.providerInstance = row.str("provider_instance");
        e.providerRef = row.str("provider_ref");
        e.status = row.str("status");
        e.rawStatus = row.str("raw_status");
        e.errorCode = row.str("error_code");
        e.rawPayload = row.str("raw_payload");
        e.receivedAt = row.i64("received_at");
        e.ip = row.str("ip");
        e.applied = row.i64("applied") != 0;
        e.contactId = row.optI64("contact_id");
        e.contactName = row.str("contact_name");
        e.contactPhone = row.str("contact_phone");
        result.push_back(std::move(e));
    }
    return result;
}

}  // namespace

bool DeliveryEventRepository::contains(Poco::Data::Session& s, const std::string& providerInstance,
                                       const std::string& providerRef,
                                       const std::string& callbackKey) {
    return execute(s,
                   "SELECT COUNT(*) FROM delivery_events WHERE provider_instance = $1 AND "
                   "provider_ref = $2 AND callback_key = $3",
                   providerInstance, providerRef, callbackKey)
               .firstInt()
               .value_or(0) > 0;
}

std::optional<std::int64_t> DeliveryEventRepository::append(Poco::Data::Session& s,
                                                            const DeliveryEvent& e) {
    return execute(s,
                   "INSERT INTO delivery_events (message_id, tenant_id, provider_instance, "
                   "provider_ref, status, raw_status, error_code, raw_payload, received_at, ip, "
                   "applied, callback_key) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, "
                   "$12) ON CONFLICT DO NOTHING RETURNING id",
                   static_cast<Poco::Int64>(e.messageId), nullIfEmpty(e.tenantId),
                   e.providerInstance, e.providerRef, e.status, e.rawStatus,
                   nullIfEmpty(e.errorCode), e.rawPayload, static_cast<Poco::Int64>(e.receivedAt),
                   e.ip, e.applied ? 1 : 0, nullIfEmpty(e.callbackKey))
        .firstInt();
}

std::vector<DeliveryEvent> DeliveryEventRepository::list(const std::string& tenantId,
                                                         const DeliveryLogFilter& filter,
                                                         const PageRequest& page,
                                                         std::int64_t& total) {
    std::vector<DeliveryEvent> result;
    db_.read([&](Poco::Data::Session& s) {
        SqlConditions c = conditionsFor(tenantId, filter);
        Poco::Int64 count = 0;
        Poco::Data::Statement counting(s);
        counting << "SELECT COUNT(*)" << kFrom << c.sql(), into(count);
        c.bindAll(counting);
        counting.execute();
        total = count;
        Poco::Data::Statement st(s);
        st << kColumns << kFrom << c.sql() << " ORDER BY e.received_at DESC, e.id DESC LIMIT $"
           << c.next() << " OFFSET $" << c.next() + 1;
        c.bindAll(st);
        st.addBind(bind(page.limit));
        st.addBind(bind(static_cast<Poco::Int64>(page.offset())));
        st.execute();
        result = eventsOf(st);
    });
    return result;
}

std::vector<DeliveryEvent> DeliveryEventRepository::forMessage(const std::string& tenantId,
                                                               std::int64_t messageId) {
    std::vector<DeliveryEvent> result;
    db_.read([&](Poco::Data::Session& s) {
        Poco::Data::Statement st(s);
        st << kColumns << kFrom
           << " AND e.tenant_id = $1 AND e.message_id = $2 ORDER BY e.received_at, e.id",
            bind(tenantId), bind(static_cast<Poco::Int64>(messageId)), now;
        result = eventsOf(st);
    });
    return result;
}

DeliverySummary DeliveryEventRepository::summary(const std::string& tenantId,
                                                 const DeliveryLogFilter& filter) {
    DeliverySummary summary;
    db_.read([&](Poco::Data::Session& s) {
        SqlConditions c = conditionsFor(tenantId, filter);
        Poco::Int64 total = 0, delivered = 0, failed = 0;
        Poco::Data::Statement counts(s);
        counts
            << "SELECT COUNT(*), COALESCE(SUM(CASE WHEN e.status = 'DELIVERED' THEN 1 ELSE 0 END), "
               "0), "
               "COALESCE(SUM(CASE WHEN e.status IN ('FAILED', 'UNDELIVERED') THEN 1 ELSE 0 END), 0)"
            << kFrom << c.sql(),
            into(total), into(delivered), into(failed);
        c.bindAll(counts);
        counts.execute();
        summary.totalEvents = total;
        summary.delivered = delivered;
        summary.failed = failed;

        // Per message: first DELIVERED event among the filtered ones, first SENT event of
        // the message (any), else the dispatch acceptance time.
        Poco::Nullable<double> mean;
        Poco::Data::Statement timing(s);
        timing << "SELECT CAST(AVG((d.delivered_at - COALESCE(sent.first_sent, m.sent_at)) / "
                  "1000.0) AS "
                  "DOUBLE PRECISION) "
                  "FROM (SELECT "
                  "e.message_id, MIN(e.received_at) AS delivered_at"
               << kFrom << c.sql()
               << " AND e.status = 'DELIVERED' GROUP BY e.message_id) d JOIN messages m ON m.id = "
                  "d.message_id "
                  "LEFT JOIN (SELECT message_id, MIN(received_at) AS first_sent FROM "
                  "delivery_events WHERE status "
                  "= 'SENT' GROUP BY message_id) sent ON sent.message_id = d.message_id WHERE "
                  "COALESCE(sent.first_sent, m.sent_at) IS NOT NULL",
            into(mean);
        c.bindAll(timing);
        timing.execute();
        if (!mean.isNull()) summary.meanSecondsToDeliver = mean.value();
    });
    return summary;
}

}  // namespace switchboard::store
