#include "store/ModemRouteRepository.h"

#include "store/RowReader.h"

using namespace Poco::Data::Keywords;

namespace switchboard::store {

std::optional<std::string> ModemRouteRepository::tenantFor(const std::string& providerInstance,
                                                           const std::string& modem,
                                                           const std::string& port) {
    std::optional<std::string> result;
    db_.read([&](Poco::Data::Session& s) {
        Poco::Data::Statement st(s);
        st << "SELECT tenant_id FROM modem_routes WHERE provider_instance = $1 AND modem = $2 AND "
              "port = $3",
            bind(providerInstance), bind(modem), bind(port), now;
        Poco::Data::RecordSet rs(st);
        if (rs.moveFirst()) result = RowReader(rs).str("tenant_id");
    });
    return result;
}

void ModemRouteRepository::learn(Poco::Data::Session& s, const std::string& providerInstance,
                                 const std::string& modem, const std::string& port,
                                 const std::string& tenantId, TimeMs at) {
    s << "INSERT INTO modem_routes (provider_instance, modem, port, tenant_id, source, updated_at) "
         "VALUES ($1, "
         "$2, $3, $4, 'traffic', $5) ON CONFLICT (provider_instance, modem, port) DO UPDATE SET "
         "tenant_id = "
         "excluded.tenant_id, updated_at = excluded.updated_at WHERE modem_routes.source = "
         "'traffic'",
        bind(providerInstance), bind(modem), bind(port), bind(tenantId),
        bind(static_cast<Poco::Int64>(at)), now;
}

void ModemRouteRepository::setManual(const ModemRoute& r) {
    db_.write([&](Poco::Data::Session& s) {
        s << "INSERT INTO modem_routes (provider_instance, modem, port, tenant_id, source, "
             "updated_at) VALUES "
             "($1, $2, $3, $4, 'manual', $5) ON CONFLICT (provider_instance, modem, port) DO "
             "UPDATE SET "
             "tenant_id = excluded.tenant_id, source = 'manual', updated_at = excluded.updated_at",
            bind(r.providerInstance), bind(r.modem), bind(r.port), bind(r.tenantId),
            bind(static_cast<Poco::Int64>(r.updatedAt)), now;
    });
}

std::vector<ModemRoute> ModemRouteRepository::all() {
    std::vector<ModemRoute> result;
    db_.read([&](Poco::Data::Session& s) {
        Poco::Data::Statement st(s);
        st << "SELECT provider_instance, modem, port, tenant_id, source, updated_at FROM "
              "modem_routes ORDER BY "
              "provider_instance, modem, port",
            now;
        Poco::Data::RecordSet rs(st);
        for (bool more = rs.moveFirst(); more; more = rs.moveNext()) {
            RowReader row(rs);
            result.push_back({row.str("provider_instance"), row.str("modem"), row.str("port"),
                              row.str("tenant_id"), row.str("source"), row.i64("updated_at")});
        }
    });
    return result;
}

}  // namespace switchboard::store
