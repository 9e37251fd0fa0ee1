#include "store/ContactRepository.h"

#include "store/PreparedStatements.h"
#include "store/RowReader.h"

using namespace Poco::Data::Keywords;

namespace switchboard::store {
namespace {

std::vector<Contact> contactsOf(const Poco::Data::Statement& statement) {
    Poco::Data::RecordSet rs(statement);
    std::vector<Contact> result;
    for (bool more = rs.moveFirst(); more; more = rs.moveNext()) {
        RowReader row(rs);
        result.push_back({row.i64("id"), row.str("tenant_id"), row.str("phone"), row.str("name"),
                          row.str("business_name"), row.i64("opted_out") != 0,
                          row.i64("created_at")});
    }
    return result;
}

const char* const kColumns = "id, tenant_id, phone, name, business_name, opted_out, created_at";

}  // namespace

std::int64_t ContactRepository::ensure(Poco::Data::Session& s, const std::string& tenantId,
                                       const std::string& phone, const std::string& businessName,
                                       TimeMs at) {
    // Look up first: most sends go to known contacts, and an INSERT that hits the conflict
    // would still burn an id.
    static const std::string kFind = "SELECT id FROM contacts WHERE tenant_id = $1 AND phone = $2";
    if (auto id = execute(s, kFind, tenantId, phone).firstInt()) return *id;
    // Two transactions capturing the same new contact at once (the same webhook on two
    // processes): the second insert waits for the first and does nothing, and the row the
    // first committed is then visible to a new statement.
    auto id = execute(s,
                      "INSERT INTO contacts (tenant_id, phone, business_name, created_at) VALUES "
                      "($1, $2, $3, $4) ON CONFLICT (tenant_id, phone) DO NOTHING RETURNING id",
                      tenantId, phone, businessName, static_cast<Poco::Int64>(at))
                  .firstInt();
    if (!id) id = execute(s, kFind, tenantId, phone).firstInt();
    if (!id) throw StoreUnavailable("contact " + phone + " vanished while being captured");
    return *id;
}

bool ContactRepository::setOptedOut(Poco::Data::Session& s, const std::string& tenantId,
                                    std::int64_t contactId, bool optedOut, TimeMs at) {
    return execute(s,
                   "UPDATE contacts SET opted_out = $1, opted_out_at = $2 WHERE tenant_id = $3 AND "
                   "id = $4 AND opted_out <> $5",
                   optedOut ? 1 : 0, static_cast<Poco::Int64>(at), tenantId,
                   static_cast<Poco::Int64>(contactId), optedOut ? 1 : 0)
               .affected == 1;
}

std::optional<ContactRepository::Known> ContactRepository::find(Poco::Data::Session& s,
                                                                const std::string& tenantId,
                                                                const std::string& phone) {
    Poco::Data::RecordSet rs =
        execute(s, "SELECT id, opted_out FROM contacts WHERE tenant_id = $1 AND phone = $2",
                tenantId, phone)
            .rows();
    if (!rs.moveFirst()) return std::nullopt;
    RowReader row(rs);
    return Known{row.i64("id"), row.i64("opted_out") != 0};
}

std::set<std::string> ContactRepository::optedOutPhones(const std::string& tenantId) {
    std::vector<std::string> phones;
    db_.read([&](Poco::Data::Session& s) {
        phones.clear();
        s << "SELECT phone FROM contacts WHERE tenant_id = $1 AND opted_out = 1", bind(tenantId),
            into(phones), now;
    });
    return {phones.begin(), phones.end()};
}

std::vector<Contact> ContactRepository::list(const std::string& tenantId, const PageRequest& page,
                                             std::int64_t& total) {
    std::vector<Contact> result;
    db_.read([&](Poco::Data::Session& s) {
        Poco::Int64 count = 0;
        s << "SELECT COUNT(*) FROM contacts WHERE tenant_id = $1", bind(tenantId), into(count), now;
        total = count;
        Poco::Data::Statement st(s);
        st << "SELECT " << kColumns
           << " FROM contacts WHERE tenant_id = $1 ORDER BY id DESC LIMIT $2 OFFSET $3",
            bind(tenantId), bind(page.limit), bind(static_cast<Poco::Int64>(page.offset())), now;
        result = contactsOf(st);
    });
    return result;
}

std::optional<Contact> ContactRepository::findByPhone(const std::string& tenantId,
                                                      const std::string& phone) {
    std::vector<Contact> result;
    db_.read([&](Poco::Data::Session& s) {
        static const std::string kByPhone = "SELECT " + std::string(kColumns) +
                                            " FROM contacts WHERE tenant_id = $1 AND phone = $2";
        result = contactsOf(execute(s, kByPhone, tenantId, phone).statement);
    });
    if (result.empty()) return std::nullopt;
    return result.front();
}

}  // namespace switchboard::store
