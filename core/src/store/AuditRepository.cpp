#include "store/AuditRepository.h"

#include "store/RowReader.h"

using namespace Poco::Data::Keywords;

namespace switchboard::store {

void AuditRepository::append(Poco::Data::Session& s, const std::string& tenantId,
                             const std::string& actor, const std::string& action,
                             const std::string& target, const std::string& detailJson, TimeMs at) {
    s << "INSERT INTO audit_log (at, tenant_id, actor, action, target, detail) VALUES ($1, $2, $3, "
         "$4, $5, $6)",
        bind(static_cast<Poco::Int64>(at)), bind(nullIfEmpty(tenantId)), bind(actor), bind(action),
        bind(target), bind(detailJson), now;
}

}  // namespace switchboard::store
