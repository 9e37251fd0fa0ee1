#include "store/ParkedReceiptRepository.h"

#include "store/RowReader.h"

#include <Poco/Data/RecordSet.h>

using namespace Poco::Data::Keywords;

namespace switchboard::store {
namespace {

constexpr const char* kColumns =
    "id, provider_instance, provider_ref, raw_status, error_code, error_message, raw_payload, "
    "ip, scoped_tenant, received_at, callback_key";

std::vector<ParkedReceipt> receiptsOf(Poco::Data::Statement& st) {
    std::vector<ParkedReceipt> out;
    Poco::Data::RecordSet rs(st);
    for (bool more = rs.moveFirst(); more; more = rs.moveNext()) {
        RowReader row(rs);
        ParkedReceipt r;
        r.id = row.i64("id");
        r.providerInstance = row.str("provider_instance");
        r.providerRef = row.str("provider_ref");
        r.rawStatus = row.str("raw_status");
        r.errorCode = row.str("error_code");
        r.errorMessage = row.str("error_message");
        r.rawPayload = row.str("raw_payload");
        r.ip = row.str("ip");
        r.scopedTenant = row.optStr("scoped_tenant");
        r.receivedAt = row.i64("received_at");
        r.callbackKey = row.str("callback_key");
        out.push_back(std::move(r));
    }
    return out;
}

}  // namespace

std::int64_t ParkedReceiptRepository::park(Poco::Data::Session& s, const ParkedReceipt& r) {
    Poco::Int64 id = 0;
    s << "INSERT INTO parked_receipts (provider_instance, provider_ref, raw_status, error_code, "
         "error_message, raw_payload, ip, scoped_tenant, received_at, callback_key) VALUES ($1, "
         "$2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        bind(r.providerInstance), bind(r.providerRef), bind(r.rawStatus), bind(r.errorCode),
        bind(r.errorMessage), bind(r.rawPayload), bind(r.ip), bind(nullable(r.scopedTenant)),
        bind(static_cast<Poco::Int64>(r.receivedAt)), bind(r.callbackKey), into(id), now;
    return id;
}

std::vector<ParkedReceipt> ParkedReceiptRepository::forReference(
    Poco::Data::Session& s, const std::string& providerInstance, const std::string& providerRef) {
    Poco::Data::Statement st(s);
    st << "SELECT " << kColumns
       << " FROM parked_receipts WHERE provider_instance = $1 AND provider_ref = $2 ORDER BY id",
        bind(providerInstance), bind(providerRef), now;
    return receiptsOf(st);
}

std::int64_t ParkedReceiptRepository::countFor(Poco::Data::Session& s,
                                               const std::string& providerInstance) {
    Poco::Int64 n = 0;
    s << "SELECT COUNT(*) FROM parked_receipts WHERE provider_instance = $1",
        bind(providerInstance), into(n), now;
    return n;
}

bool ParkedReceiptRepository::take(Poco::Data::Session& s, std::int64_t id) {
    Poco::Data::Statement del(s);
    del << "DELETE FROM parked_receipts WHERE id = $1", bind(static_cast<Poco::Int64>(id));
    return del.execute() == 1;
}

std::vector<std::pair<std::string, std::string>> ParkedReceiptRepository::matchedReferences() {
    std::vector<std::string> instances, refs;
    db_.read([&](Poco::Data::Session& s) {
        s << "SELECT DISTINCT p.provider_instance, p.provider_ref FROM parked_receipts p JOIN "
             "messages m ON m.provider_instance = p.provider_instance AND m.provider_ref = "
             "p.provider_ref AND m.direction = 'outbound'",
            into(instances), into(refs), now;
    });
    std::vector<std::pair<std::string, std::string>> out;
    for (std::size_t i = 0; i < instances.size(); ++i) out.emplace_back(instances[i], refs[i]);
    return out;
}

std::vector<ParkedReceipt> ParkedReceiptRepository::dropReceivedBefore(TimeMs before) {
    std::vector<ParkedReceipt> dropped;
    db_.write([&](Poco::Data::Session& s) {
        Poco::Data::Statement st(s);
        st << "SELECT " << kColumns << " FROM parked_receipts WHERE received_at < $1 ORDER BY id",
            bind(static_cast<Poco::Int64>(before)), now;
        dropped.clear();
        for (auto& r : receiptsOf(st))
            if (take(s, r.id)) dropped.push_back(std::move(r));
    });
    return dropped;
}

}  // namespace switchboard::store
