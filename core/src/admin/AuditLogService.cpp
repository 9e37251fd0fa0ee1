#include "admin/AuditLogService.h"

namespace switchboard::admin {

std::vector<store::AuditEntry> AuditLogService::list(const store::AuditFilter& filter,
                                                     const store::PageRequest& page,
                                                     std::int64_t& total) {
    if (filter.from && filter.to && *filter.from > *filter.to)
        throw domain::ServiceError(domain::ErrorKind::InvalidInput, "invalid_parameter",
                                   "'from' must not be after 'to'");
    return store::AuditRepository(db_).list(filter, page, total);
}

}  // namespace switchboard::admin
