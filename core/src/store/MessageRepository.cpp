#include "store/MessageRepository.h"

#include "store/PreparedStatements.h"
#include "store/RowReader.h"
#include "store/SqlConditions.h"

#include <algorithm>

using namespace Poco::Data::Keywords;

namespace switchboard::store {
namespace {

const char* const kColumns =
    "id, tenant_id, contact_id, direction, kind, from_number, to_number, body, status, "
    "provider_instance, provider_ref, reply_to_message_id, reply_context, routing_modem, "
    "routing_port, warning, error_code, error_detail, attempts, next_attempt_at, created_at, "
    "updated_at, sent_at, delivered_at, failed_at, encoding, segments";

Message messageOf(const RowReader& row) {
    Message m;
    m.id = row.i64("id");
    m.tenantId = row.optStr("tenant_id");
    m.contactId = row.optI64("contact_id");
    m.direction = row.str("direction");
    m.kind = row.str("kind");
    m.fromNumber = row.str("from_number");
    m.toNumber = row.str("to_number");
    m.body = row.str("body");
    m.status = row.str("status");
    m.providerInstance = row.str("provider_instance");
    m.providerRef = row.str("provider_ref");
    m.replyToMessageId = row.optI64("reply_to_message_id");
    m.replyContextJson = row.str("reply_context");
    m.routingModem = row.str("routing_modem");
    m.routingPort = row.str("routing_port");
    m.warning = row.str("warning");
    m.errorCode = row.str("error_code");
    m.errorDetail = row.str("error_detail");
    m.attempts = static_cast<int>(row.i64("attempts"));
    m.nextAttemptAt = row.optI64("next_attempt_at");
    m.createdAt = row.i64("created_at");
    m.updatedAt = row.i64("updated_at");
    m.sentAt = row.optI64("sent_at");
    m.deliveredAt = row.optI64("delivered_at");
    m.failedAt = row.optI64("failed_at");
    m.encoding = row.str("encoding");
    m.segments = static_cast<int>(row.i64("segments"));
    return m;
}

const std::string kSelect = std::string("SELECT ") + kColumns + " FROM messages ";

std::vector<Message> messagesOf(const Poco::Data::Statement& statement) {
    Poco::Data::RecordSet rs(statement);
    std::vector<Message> result;
    for (bool more = rs.moveFirst(); more; more = rs.moveNext()) {
        RowReader row(rs);
        result.push_back(messageOf(row));
    }
    return result;
}

}  // namespace

namespace {

// One INSERT for both directions; `ignoreConflict` adds ON CONFLICT DO NOTHING, and the ids
// returned are then empty when the row was a duplicate.
std::optional<Poco::Int64> insertRow(Poco::Data::Session& s, const Message& m,
                                     bool ignoreConflict) {
    // Only inbound rows carry the key the unique index covers (migration 009).
    const std::string inboundRef = m.direction == "inbound" ? m.providerRef : std::string();
    static const std::string kInsert =
        "INSERT INTO messages (tenant_id, contact_id, direction, kind, from_number, to_number, "
        "body, status, provider_instance, provider_ref, reply_to_message_id, reply_context, "
        "routing_modem, routing_port, warning, attempts, next_attempt_at, created_at, "
        "updated_at, encoding, segments, inbound_ref) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, "
        "$9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22)";
    static const std::string kPlain = kInsert + " RETURNING id";
    static const std::string kIgnoring = kInsert + " ON CONFLICT DO NOTHING RETURNING id";
    return execute(s, ignoreConflict ? kIgnoring : kPlain, nullable(m.tenantId),
                   nullable(m.contactId), m.direction, nullIfEmpty(m.kind), m.fromNumber,
                   m.toNumber, m.body, m.status, m.providerInstance, nullIfEmpty(m.providerRef),
                   nullable(m.replyToMessageId), m.replyContextJson, nullIfEmpty(m.routingModem),
                   nullIfEmpty(m.routingPort), nullIfEmpty(m.warning), m.attempts,
                   nullable(m.nextAttemptAt), static_cast<Poco::Int64>(m.createdAt),
                   static_cast<Poco::Int64>(m.updatedAt), nullIfEmpty(m.encoding), m.segments,
                   nullIfEmpty(inboundRef))
        .firstInt();
}

}  // namespace

std::int64_t MessageRepository::insert(Poco::Data::Session& s, const Message& m) {
    auto id = insertRow(s, m, false);
    if (!id) throw StoreUnavailable("INSERT INTO messages returned no id");
    return *id;
}

std::optional<std::int64_t> MessageRepository::insertInbound(Poco::Data::Session& s,
                                                             const Message& m) {
    return insertRow(s, m, true);
}

std::optional<Message> MessageRepository::get(const std::string& tenantId, std::int64_t id) {
    std::vector<Message> found;
    db_.read([&](Poco::Data::Session& s) {
        found = messagesOf(execute(s, kSelect + "WHERE tenant_id = $1 AND id = $2", tenantId,
                                   static_cast<Poco::Int64>(id))
                               .statement);
    });
    if (found.empty()) return std::nullopt;
    return found.front();
}

std::optional<Message> MessageRepository::getAny(std::int64_t id) {
    std::vector<Message> found;
    db_.read([&](Poco::Data::Session& s) {
        found = messagesOf(
            execute(s, kSelect + "WHERE id = $1", static_cast<Poco::Int64>(id)).statement);
    });
    if (found.empty()) return std::nullopt;
    return found.front();
}

std::optional<Message> MessageRepository::latestInboundFrom(const std::string& tenantId,
                                                            const std::string& phone) {
    std::vector<Message> found;
    db_.read([&](Poco::Data::Session& s) {
        static const std::string kLatest =
            kSelect +
            "WHERE tenant_id = $1 AND direction = 'inbound' AND from_number = $2 ORDER BY id "
            "DESC LIMIT 1";
        found = messagesOf(execute(s, kLatest, tenantId, phone).statement);
    });
    if (found.empty()) return std::nullopt;
    return found.front();
}

std::vector<Message> MessageRepository::list(const std::string& tenantId,
                                             const std::string& direction, const PageRequest& page,
                                             std::int64_t& total) {
    std::vector<Message> result;
    db_.read([&](Poco::Data::Session& s) {
        // An empty direction matches both: ($2 = '' OR direction = $3) keeps one SQL text.
        Poco::Int64 count = 0;
        s << "SELECT COUNT(*) FROM messages WHERE tenant_id = $1 AND ($2 = '' OR direction = $3)",
            bind(tenantId), bind(direction), bind(direction), into(count), now;
        total = count;
        Poco::Data::Statement st(s);
        st << "SELECT " << kColumns
           << " FROM messages WHERE tenant_id = $1 AND ($2 = '' OR direction = $3) ORDER BY id "
              "DESC "
              "LIMIT $4 OFFSET $5",
            bind(tenantId), bind(direction), bind(direction), bind(page.limit),
            bind(static_cast<Poco::Int64>(page.offset())), now;
        result = messagesOf(st);
    });
    return result;
}

std::vector<Message> MessageRepository::search(const AdminMessageFilter& filter,
                                               const PageRequest& page, std::int64_t& total) {
    SqlConditions c(1);
    if (!filter.providerRef.empty()) c.add("provider_ref = ?", filter.providerRef);
    if (!filter.providerInstance.empty()) c.add("provider_instance = ?", filter.providerInstance);
    if (!filter.direction.empty()) c.add("direction = ?", filter.direction);
    if (!filter.tenantId.empty()) c.add("tenant_id = ?", filter.tenantId);
    std::vector<Message> result;
    db_.read([&](Poco::Data::Session& s) {
        Poco::Int64 count = 0;
        Poco::Data::Statement counting(s);
        counting << "SELECT COUNT(*) FROM messages WHERE 1 = 1" << c.sql(), into(count);
        c.bindAll(counting);
        counting.execute();
        total = count;
        Poco::Data::Statement st(s);
        st << "SELECT " << kColumns << " FROM messages WHERE 1 = 1" << c.sql()
           << " ORDER BY id DESC LIMIT $" << c.next() << " OFFSET $" << c.next() + 1;
        c.bindAll(st);
        st.addBind(bind(page.limit));
        st.addBind(bind(static_cast<Poco::Int64>(page.offset())));
        st.execute();
        result = messagesOf(st);
    });
    return result;
}

std::vector<Message> MessageRepository::claimDue(const std::string& owner, TimeMs now_,
                                                 TimeMs leaseUntil, int limit) {
    std::vector<Message> claimed;
    db_.write([&](Poco::Data::Session& s) {
        // One statement: pick the due rows and lease them. PostgreSQL: rows another process
        // is claiming right now are skipped, not waited for, so several dispatchers drain one
        // outbox without blocking each other. SQLite has one writer at a time, so the plain
        // sub-select is already exclusive. The outer conditions repeat the inner ones: a row
        // is only ever leased while it is QUEUED and unleased.
        static const std::string kClaim =
            "UPDATE messages SET locked_until = $1, lock_owner = $2 WHERE id IN (SELECT id FROM "
            "messages WHERE direction = 'outbound' AND status = 'QUEUED' AND next_attempt_at <= "
            "$3 AND (locked_until IS NULL OR locked_until < $4) ORDER BY next_attempt_at, id "
            "LIMIT $5";
        static const std::string kClaimed =
            ") AND status = 'QUEUED' AND (locked_until IS NULL OR locked_until < $6) RETURNING " +
            std::string(kColumns);
        static const std::string kPostgres = kClaim + " FOR UPDATE SKIP LOCKED" + kClaimed;
        static const std::string kSqlite = kClaim + kClaimed;
        const auto claim =
            execute(s, db_.dialect() == "postgresql" ? kPostgres : kSqlite,
                    static_cast<Poco::Int64>(leaseUntil), owner, static_cast<Poco::Int64>(now_),
                    static_cast<Poco::Int64>(now_), limit, static_cast<Poco::Int64>(now_));
        claimed = messagesOf(claim.statement);
    });
    // RETURNING has no order: oldest due first, as they were picked.
    std::sort(claimed.begin(), claimed.end(), [](const Message& a, const Message& b) {
        const TimeMs da = a.nextAttemptAt.value_or(0), db = b.nextAttemptAt.value_or(0);
        return da != db ? da < db : a.id < b.id;
    });
    return claimed;
}

void MessageRepository::markSent(Poco::Data::Session& s, std::int64_t id,
                                 const std::string& providerRef, int attempts, TimeMs at,
                                 const std::string& sender) {
    execute(s,
            "UPDATE messages SET from_number = COALESCE($1, from_number), status = 'SENT', "
            "provider_ref = $2, attempts = $3, sent_at = COALESCE(sent_at, $4), updated_at = $5, "
            "locked_until = NULL, lock_owner = NULL, next_attempt_at = NULL, error_code = NULL, "
            "error_detail = NULL WHERE id = $6 AND status = 'QUEUED'",
            nullIfEmpty(sender), nullIfEmpty(providerRef), attempts, static_cast<Poco::Int64>(at),
            static_cast<Poco::Int64>(at), static_cast<Poco::Int64>(id));
}

void MessageRepository::markSent(std::int64_t id, const std::string& providerRef, int attempts,
                                 TimeMs at, const std::string& sender) {
    db_.write([&](Poco::Data::Session& s) { markSent(s, id, providerRef, attempts, at, sender); });
}

void MessageRepository::scheduleRetry(std::int64_t id, int attempts, TimeMs nextAttemptAt,
                                      const std::string& errorCode, const std::string& errorDetail,
                                      TimeMs at) {
    db_.write([&](Poco::Data::Session& s) {
        execute(s,
                "UPDATE messages SET attempts = $1, next_attempt_at = $2, error_code = $3, "
                "error_detail = $4, updated_at = $5, locked_until = NULL, lock_owner = NULL "
                "WHERE id = $6 AND status = 'QUEUED'",
                attempts, static_cast<Poco::Int64>(nextAttemptAt), errorCode, errorDetail,
                static_cast<Poco::Int64>(at), static_cast<Poco::Int64>(id));
    });
}

bool MessageRepository::markFailed(Poco::Data::Session& s, std::int64_t id, int attempts,
                                   const std::string& errorCode, const std::string& errorDetail,
                                   TimeMs at) {
    return execute(s,
                   "UPDATE messages SET status = 'FAILED', attempts = $1, error_code = $2, "
                   "error_detail = $3, failed_at = COALESCE(failed_at, $4), updated_at = $5, "
                   "locked_until = NULL, lock_owner = NULL, next_attempt_at = NULL WHERE id = $6 "
                   "AND status = 'QUEUED'",
                   attempts, errorCode, errorDetail, static_cast<Poco::Int64>(at),
                   static_cast<Poco::Int64>(at), static_cast<Poco::Int64>(id))
               .affected == 1;
}

bool MessageRepository::hasSendInFlight(Poco::Data::Session& s,
                                        const std::string& providerInstance) {
    return execute(s,
                   "SELECT id FROM messages WHERE provider_instance = $1 AND direction = "
                   "'outbound' AND status = 'QUEUED' AND locked_until IS NOT NULL LIMIT 1",
                   providerInstance)
        .firstInt()
        .has_value();
}

std::optional<Message> MessageRepository::findOutboundByRef(Poco::Data::Session& s,
                                                            const std::string& providerInstance,
                                                            const std::string& providerRef) {
    static const std::string kByRef =
        kSelect +
        "WHERE provider_instance = $1 AND provider_ref = $2 AND direction = 'outbound' ORDER BY "
        "id DESC LIMIT 1";
    auto found = messagesOf(execute(s, kByRef, providerInstance, providerRef).statement);
    if (found.empty()) return std::nullopt;
    return found.front();
}

bool MessageRepository::applyDeliveryStatus(Poco::Data::Session& s, std::int64_t id,
                                            const std::string& expectedCurrent,
                                            const std::string& status, TimeMs at) {
    const bool delivered = status == "DELIVERED";
    const bool failed = status == "FAILED" || status == "UNDELIVERED";
    const Poco::Int64 when = at;
    return execute(s,
                   "UPDATE messages SET status = $1, updated_at = $2, sent_at = COALESCE(sent_at, "
                   "$3), delivered_at = CASE WHEN $4 = 1 THEN COALESCE(delivered_at, $5) ELSE "
                   "delivered_at END, failed_at = CASE WHEN $6 = 1 THEN COALESCE(failed_at, $7) "
                   "ELSE failed_at END WHERE id = $8 AND status = $9",
                   status, when, when, delivered ? 1 : 0, when, failed ? 1 : 0, when,
                   static_cast<Poco::Int64>(id), expectedCurrent)
               .affected == 1;
}

}  // namespace switchboard::store
