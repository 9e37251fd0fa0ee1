#pragma once

#include "domain/ServiceError.h"
#include "store/AuditRepository.h"
#include "store/Database.h"

#include <cstdint>
#include <vector>

namespace switchboard::admin {

/// The operator's reading of the audit log (writes happen inside each audited change's own
/// transaction, through store::AuditRepository::append). Thread-safe.
class AuditLogService {
  public:
    explicit AuditLogService(store::Database& db) : db_(db) {}

    /// One page of entries matching `filter`, newest first; `total` receives the match
    /// count. InvalidInput invalid_parameter when filter.from is after filter.to (ms since
    /// the epoch); store::StoreUnavailable.
    std::vector<store::AuditEntry> list(const store::AuditFilter& filter,
                                        const store::PageRequest& page, std::int64_t& total);

  private:
    store::Database& db_;
};

}  // namespace switchboard::admin
