#pragma once

#include "domain/ServiceError.h"
#include "store/Database.h"
#include "store/Records.h"

#include <cstdint>
#include <string>
#include <vector>

namespace switchboard::messaging {

/// A tenant's reading of its own messages (MT and MO) and contacts. Every query is scoped
/// to the tenant: another tenant's message is indistinguishable from a missing one.
/// Thread-safe.
class MessageQueryService {
  public:
    explicit MessageQueryService(store::Database& db) : db_(db) {}

    /// One page of the tenant's messages, newest first, of `direction` ("inbound",
    /// "outbound", or "" for both; InvalidInput invalid_parameter otherwise); `total`
    /// receives the match count. store::StoreUnavailable.
    std::vector<store::Message> list(const std::string& tenantId, const std::string& direction,
                                     const store::PageRequest& page, std::int64_t& total);

    /// Message `id` of the tenant; NotFound not_found otherwise.
    store::Message get(const std::string& tenantId, std::int64_t id);

    /// One page of the tenant's contacts; `total` receives their count.
    std::vector<store::Contact> contacts(const std::string& tenantId,
                                         const store::PageRequest& page, std::int64_t& total);

  private:
    store::Database& db_;
};

}  // namespace switchboard::messaging
