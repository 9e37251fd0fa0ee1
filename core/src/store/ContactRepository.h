#pragma once

#include "store/Database.h"
#include "store/Records.h"

#include <optional>
#include <string>
#include <vector>

namespace switchboard::store {

/// Per-tenant contacts, auto-captured on first send and first inbound message.
class ContactRepository {
  public:
    explicit ContactRepository(Database& db) : db_(db) {}

    /// Returns the id of the tenant's contact for `phone` (E.164), creating it inside the
    /// caller's transaction with `businessName` when it does not exist yet.
    static std::int64_t ensure(Poco::Data::Session& session, const std::string& tenantId,
                               const std::string& phone, const std::string& businessName,
                               TimeMs now);

    /// The tenant's contacts, newest first.
    std::vector<Contact> list(const std::string& tenantId, const PageRequest& page,
                              std::int64_t& total);

    std::optional<Contact> findByPhone(const std::string& tenantId, const std::string& phone);

  private:
    Database& db_;
};

}  // namespace switchboard::store
