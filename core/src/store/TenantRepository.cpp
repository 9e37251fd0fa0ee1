#include "store/TenantRepository.h"

#include "store/RowReader.h"

#include <algorithm>

using namespace Poco::Data::Keywords;

namespace switchboard::store {
namespace {

Tenant tenantOf(const RowReader& row) {
    return {row.str("id"), row.str("name"), row.str("business_name"), row.str("default_provider"),
            row.i64("disabled") != 0};
}

std::optional<Tenant> firstTenant(Poco::Data::Statement& statement) {
    Poco::Data::RecordSet rs(statement);
    if (!rs.moveFirst()) return std::nullopt;
    return tenantOf(RowReader(rs));
}

}  // namespace

void TenantRepository::bootstrap(const Tenant& t, const std::vector<std::string>& numbers,
                                 const std::vector<std::string>& keyHashes, TimeMs at_) {
    db_.write([&](Poco::Data::Session& s) {
        Poco::Int64 at = at_;
        s << "INSERT INTO tenants (id, name, business_name, default_provider, disabled, "
             "created_at) "
             "VALUES ($1, $2, $3, $4, 0, $5) ON CONFLICT (id) DO UPDATE SET name = excluded.name, "
             "business_name = excluded.business_name, default_provider = "
             "excluded.default_provider, "
             "disabled = 0",
            bind(t.id), bind(t.name), bind(t.businessName), bind(t.defaultProvider), bind(at), now;
        s << "DELETE FROM tenant_numbers WHERE tenant_id = $1", bind(t.id), now;
        for (const auto& number : numbers) {
            s << "INSERT INTO tenant_numbers (number, tenant_id) VALUES ($1, $2) ON CONFLICT "
                 "(number) "
                 "DO UPDATE SET tenant_id = excluded.tenant_id",
                bind(number), bind(t.id), now;
        }
        s << "UPDATE api_keys SET revoked_at = $1 WHERE tenant_id = $2 AND source = 'config' AND "
             "revoked_at IS NULL",
            bind(at), bind(t.id), now;
        for (const auto& hash : keyHashes) {
            s << "INSERT INTO api_keys (tenant_id, key_hash, label, source, created_at) VALUES "
                 "($1, $2, "
                 "'config', 'config', $3) ON CONFLICT (key_hash) DO UPDATE SET tenant_id = "
                 "excluded.tenant_id, revoked_at = NULL",
                bind(t.id), bind(hash), bind(at), now;
        }
    });
}

int TenantRepository::retireAllExcept(const std::vector<std::string>& keepIds, TimeMs at_) {
    int retired = 0;
    db_.write([&](Poco::Data::Session& s) {
        std::vector<std::string> ids;
        s << "SELECT id FROM tenants WHERE disabled = 0", into(ids), now;
        Poco::Int64 at = at_;
        for (const auto& id : ids) {
            if (std::find(keepIds.begin(), keepIds.end(), id) != keepIds.end()) continue;
            s << "UPDATE tenants SET disabled = 1 WHERE id = $1", bind(id), now;
            s << "UPDATE api_keys SET revoked_at = $1 WHERE tenant_id = $2 AND source = 'config' "
                 "AND "
                 "revoked_at IS NULL",
                bind(at), bind(id), now;
            s << "DELETE FROM tenant_numbers WHERE tenant_id = $1", bind(id), now;
            ++retired;
        }
    });
    return retired;
}

std::optional<Tenant> TenantRepository::findByKeyHash(const std::string& keyHash) {
    std::optional<Tenant> result;
    db_.read([&](Poco::Data::Session& s) {
        Poco::Data::Statement st(s);
        st << "SELECT t.id, t.name, t.business_name, t.default_provider, t.disabled FROM api_keys "
              "k "
              "JOIN tenants t ON t.id = k.tenant_id WHERE k.key_hash = $1 AND k.revoked_at IS NULL "
              "AND "
              "t.disabled = 0",
            bind(keyHash), now;
        result = firstTenant(st);
    });
    return result;
}

std::optional<std::string> TenantRepository::tenantForNumber(const std::string& number) {
    std::optional<std::string> result;
    db_.read([&](Poco::Data::Session& s) {
        Poco::Data::Statement st(s);
        st << "SELECT tenant_id FROM tenant_numbers WHERE number = $1", bind(number), now;
        Poco::Data::RecordSet rs(st);
        if (rs.moveFirst()) result = RowReader(rs).str("tenant_id");
    });
    return result;
}

std::optional<Tenant> TenantRepository::get(const std::string& id) {
    std::optional<Tenant> result;
    db_.read([&](Poco::Data::Session& s) {
        Poco::Data::Statement st(s);
        st << "SELECT id, name, business_name, default_provider, disabled FROM tenants WHERE id = "
              "$1",
            bind(id), now;
        result = firstTenant(st);
    });
    return result;
}

}  // namespace switchboard::store
