#include "store/TenantRepository.h"

#include "store/PreparedStatements.h"
#include "store/RowReader.h"
#include "store/SqlConditions.h"

#include <algorithm>

using namespace Poco::Data::Keywords;

namespace switchboard::store {
namespace {

const char* const kTenantColumns =
    "t.id, t.name, t.business_name, t.default_provider, t.disabled, t.source, t.disabled_by, "
    "t.created_at";

Tenant tenantOf(const RowReader& row) {
    Tenant t{row.str("id"), row.str("name"), row.str("business_name"), row.str("default_provider"),
             row.i64("disabled") != 0};
    t.source = row.str("source");
    t.disabledBy = row.str("disabled_by");
    t.createdAt = row.i64("created_at");
    return t;
}

std::optional<Tenant> firstTenant(const Poco::Data::Statement& statement) {
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
             "created_at, source) VALUES ($1, $2, $3, $4, 0, $5, 'config') ON CONFLICT (id) DO "
             "UPDATE SET name = excluded.name, business_name = excluded.business_name, "
             "default_provider = excluded.default_provider, source = 'config', "
             "disabled = CASE WHEN tenants.disabled_by = 'admin' THEN 1 ELSE 0 END, "
             "disabled_by = CASE WHEN tenants.disabled_by = 'admin' THEN 'admin' ELSE NULL END",
            bind(t.id), bind(t.name), bind(t.businessName), bind(t.defaultProvider), bind(at), now;
        s << "DELETE FROM tenant_numbers WHERE tenant_id = $1 AND source = 'config'", bind(t.id),
            now;
        for (const auto& number : numbers) {
            s << "INSERT INTO tenant_numbers (number, tenant_id, source) VALUES ($1, $2, "
                 "'config') ON CONFLICT (number) DO UPDATE SET tenant_id = excluded.tenant_id, "
                 "source = 'config'",
                bind(number), bind(t.id), now;
        }
        s << "UPDATE api_keys SET revoked_at = $1 WHERE tenant_id = $2 AND source = 'config' AND "
             "revoked_at IS NULL",
            bind(at), bind(t.id), now;
        for (const auto& hash : keyHashes) {
            s << "INSERT INTO api_keys (tenant_id, key_hash, label, source, created_at) VALUES "
                 "($1, $2, 'config', 'config', $3) ON CONFLICT (key_hash) DO UPDATE SET "
                 "tenant_id = excluded.tenant_id, revoked_at = NULL",
                bind(t.id), bind(hash), bind(at), now;
        }
    });
}

int TenantRepository::retireAllExcept(const std::vector<std::string>& keepIds, TimeMs at_) {
    int retired = 0;
    db_.write([&](Poco::Data::Session& s) {
        std::vector<std::string> ids;
        s << "SELECT id FROM tenants WHERE disabled = 0 AND source = 'config'", into(ids), now;
        Poco::Int64 at = at_;
        for (const auto& id : ids) {
            if (std::find(keepIds.begin(), keepIds.end(), id) != keepIds.end()) continue;
            s << "UPDATE tenants SET disabled = 1, disabled_by = 'config' WHERE id = $1", bind(id),
                now;
            s << "UPDATE api_keys SET revoked_at = $1 WHERE tenant_id = $2 AND source = 'config' "
                 "AND revoked_at IS NULL",
                bind(at), bind(id), now;
            s << "DELETE FROM tenant_numbers WHERE tenant_id = $1", bind(id), now;
            ++retired;
        }
    });
    return retired;
}

std::optional<Tenant> TenantRepository::findByKeyHash(const std::string& keyHash, TimeMs at) {
    std::optional<Tenant> result;
    db_.read([&](Poco::Data::Session& s) {
        static const std::string kByKey =
            "SELECT " + std::string(kTenantColumns) +
            ", k.id AS key_id FROM api_keys k JOIN tenants t ON t.id = k.tenant_id WHERE "
            "k.key_hash = $1 AND (k.revoked_at IS NULL OR k.revoked_at > $2)";
        Poco::Data::RecordSet rs = execute(s, kByKey, keyHash, static_cast<Poco::Int64>(at)).rows();
        if (!rs.moveFirst()) return;
        RowReader row(rs);
        result = tenantOf(row);
        result->apiKeyId = row.i64("key_id");
    });
    return result;
}

std::optional<std::string> TenantRepository::tenantForNumber(const std::string& number) {
    std::optional<std::string> result;
    db_.read([&](Poco::Data::Session& s) {
        Poco::Data::RecordSet rs =
            execute(s, "SELECT tenant_id FROM tenant_numbers WHERE number = $1", number).rows();
        if (rs.moveFirst()) result = RowReader(rs).str("tenant_id");
    });
    return result;
}

std::optional<Tenant> TenantRepository::get(const std::string& id) {
    std::optional<Tenant> result;
    db_.read([&](Poco::Data::Session& s) {
        static const std::string kById =
            "SELECT " + std::string(kTenantColumns) + " FROM tenants t WHERE t.id = $1";
        result = firstTenant(execute(s, kById, id).statement);
    });
    return result;
}

std::vector<Tenant> TenantRepository::list(const PageRequest& page, std::int64_t& total) {
    std::vector<Tenant> result;
    db_.read([&](Poco::Data::Session& s) {
        Poco::Int64 count = 0;
        s << "SELECT COUNT(*) FROM tenants", into(count), now;
        total = count;
        Poco::Data::Statement st(s);
        st << "SELECT " << kTenantColumns << " FROM tenants t ORDER BY t.id LIMIT $1 OFFSET $2",
            bind(page.limit), bind(static_cast<Poco::Int64>(page.offset())), now;
        Poco::Data::RecordSet rs(st);
        for (bool more = rs.moveFirst(); more; more = rs.moveNext())
            result.push_back(tenantOf(RowReader(rs)));
    });
    return result;
}

std::vector<std::string> TenantRepository::numbersOf(const std::string& tenantId) {
    return numbersOf(std::vector<std::string>{tenantId})[tenantId];
}

std::map<std::string, std::vector<std::string>> TenantRepository::numbersOf(
    const std::vector<std::string>& tenantIds) {
    std::map<std::string, std::vector<std::string>> numbers;
    db_.read([&](Poco::Data::Session& s) {
        numbers.clear();
        SqlConditions where(1);
        where.addAnyOf("tenant_id", tenantIds);
        Poco::Data::Statement st(s);
        st << "SELECT tenant_id, number FROM tenant_numbers WHERE 1 = 1" << where.sql()
           << " ORDER BY number";
        where.bindAll(st);
        st.execute();
        Poco::Data::RecordSet rs(st);
        for (bool more = rs.moveFirst(); more; more = rs.moveNext()) {
            RowReader row(rs);
            numbers[row.str("tenant_id")].push_back(row.str("number"));
        }
    });
    return numbers;
}

std::vector<ApiKeyInfo> TenantRepository::keysOf(const std::string& tenantId) {
    return keysOf(std::vector<std::string>{tenantId})[tenantId];
}

std::map<std::string, std::vector<ApiKeyInfo>> TenantRepository::keysOf(
    const std::vector<std::string>& tenantIds) {
    std::map<std::string, std::vector<ApiKeyInfo>> keys;
    db_.read([&](Poco::Data::Session& s) {
        keys.clear();
        SqlConditions where(1);
        where.addAnyOf("tenant_id", tenantIds);
        Poco::Data::Statement st(s);
        st << "SELECT id, tenant_id, key_prefix, label, source, created_at, revoked_at FROM "
              "api_keys WHERE 1 = 1"
           << where.sql() << " ORDER BY id DESC";
        where.bindAll(st);
        st.execute();
        Poco::Data::RecordSet rs(st);
        for (bool more = rs.moveFirst(); more; more = rs.moveNext()) {
            RowReader row(rs);
            keys[row.str("tenant_id")].push_back(
                {row.i64("id"), row.str("tenant_id"), row.str("key_prefix"), row.str("label"),
                 row.str("source"), row.i64("created_at"), row.optI64("revoked_at")});
        }
    });
    return keys;
}

bool TenantRepository::create(Poco::Data::Session& s, const Tenant& t, TimeMs at) {
    Poco::Data::Statement insert(s);
    insert << "INSERT INTO tenants (id, name, business_name, default_provider, disabled, "
              "created_at, source) VALUES ($1, $2, $3, $4, 0, $5, 'api') ON CONFLICT (id) DO "
              "NOTHING",
        bind(t.id), bind(t.name), bind(t.businessName), bind(t.defaultProvider),
        bind(static_cast<Poco::Int64>(at));
    return insert.execute() == 1;
}

bool TenantRepository::update(Poco::Data::Session& s, const Tenant& t) {
    Poco::Data::Statement update(s);
    update << "UPDATE tenants SET name = $1, business_name = $2, default_provider = $3 WHERE id "
              "= $4",
        bind(t.name), bind(t.businessName), bind(t.defaultProvider), bind(t.id);
    return update.execute() == 1;
}

bool TenantRepository::setDisabled(Poco::Data::Session& s, const std::string& tenantId,
                                   bool disabled) {
    Poco::Data::Statement update(s);
    if (disabled) {
        update << "UPDATE tenants SET disabled = 1, disabled_by = 'admin' WHERE id = $1",
            bind(tenantId);
    } else {
        update << "UPDATE tenants SET disabled = 0, disabled_by = NULL WHERE id = $1",
            bind(tenantId);
    }
    return update.execute() == 1;
}

std::optional<std::string> TenantRepository::replaceNumbers(
    Poco::Data::Session& s, const std::string& tenantId, const std::vector<std::string>& numbers) {
    for (const auto& number : numbers) {
        std::vector<std::string> owner;
        s << "SELECT tenant_id FROM tenant_numbers WHERE number = $1", bind(number), into(owner),
            now;
        if (!owner.empty() && owner.front() != tenantId) return number;
    }
    std::vector<std::string> current;
    s << "SELECT number FROM tenant_numbers WHERE tenant_id = $1", bind(tenantId), into(current),
        now;
    for (const auto& number : current) {
        if (std::find(numbers.begin(), numbers.end(), number) == numbers.end())
            s << "DELETE FROM tenant_numbers WHERE number = $1", bind(number), now;
    }
    for (const auto& number : numbers) {
        s << "INSERT INTO tenant_numbers (number, tenant_id, source) VALUES ($1, $2, 'api') ON "
             "CONFLICT (number) DO NOTHING",
            bind(number), bind(tenantId), now;
    }
    return std::nullopt;
}

std::int64_t TenantRepository::insertKey(Poco::Data::Session& s, const std::string& tenantId,
                                         const std::string& keyHash, const std::string& prefix,
                                         const std::string& label, TimeMs at) {
    s << "INSERT INTO api_keys (tenant_id, key_hash, key_prefix, label, source, created_at) "
         "VALUES ($1, $2, $3, $4, 'api', $5)",
        bind(tenantId), bind(keyHash), bind(prefix), bind(label),
        bind(static_cast<Poco::Int64>(at)), now;
    Poco::Int64 id = 0;
    s << "SELECT id FROM api_keys WHERE key_hash = $1", bind(keyHash), into(id), now;
    return id;
}

bool TenantRepository::revokeKey(Poco::Data::Session& s, const std::string& tenantId,
                                 std::int64_t keyId, TimeMs at, TimeMs nowMs) {
    Poco::Data::Statement update(s);
    update << "UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND tenant_id = $3 AND "
              "(revoked_at IS NULL OR (revoked_at > $4 AND revoked_at > $1))",
        bind(static_cast<Poco::Int64>(at)), bind(static_cast<Poco::Int64>(keyId)), bind(tenantId),
        bind(static_cast<Poco::Int64>(nowMs));
    return update.execute() == 1;
}

}  // namespace switchboard::store
