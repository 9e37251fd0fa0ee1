#include "tenancy/ApiKeyDirectory.h"

#include "store/TenantRepository.h"
#include "util/Digest.h"

namespace switchboard::tenancy {

std::optional<store::Tenant> ApiKeyDirectory::tenantFor(const std::string& presentedKey) const {
    return store::TenantRepository(db_).findByKeyHash(util::sha256Hex(presentedKey),
                                                      clock_.nowMs());
}

}  // namespace switchboard::tenancy
