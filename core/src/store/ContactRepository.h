#pragma once

#include "store/Database.h"
#include "store/Records.h"

#include <optional>
#include <set>
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

    /// Marks the tenant's contact opted out (true) or back in (false) inside the caller's
    /// transaction, stamping opted_out_at. Returns whether the flag changed (a repeated STOP
    /// changes nothing and should not be audited twice).
    static bool setOptedOut(Poco::Data::Session& session, const std::string& tenantId,
                            std::int64_t contactId, bool optedOut, TimeMs at);

    /// The id of the tenant's existing contact for `phone` (E.164) and whether it opted out,
    /// read inside the caller's transaction; nullopt when there is none. One statement for
    /// what a send needs of a known contact (a separate opt-out check would take two).
    struct Known {
        std::int64_t id;
        bool optedOut;
    };
    static std::optional<Known> find(Poco::Data::Session& session, const std::string& tenantId,
                                     const std::string& phone);

    /// The phones (E.164) of the tenant's opted-out contacts.
    std::set<std::string> optedOutPhones(const std::string& tenantId);

    /// The tenant's contacts, newest first.
    std::vector<Contact> list(const std::string& tenantId, const PageRequest& page,
                              std::int64_t& total);

    std::optional<Contact> findByPhone(const std::string& tenantId, const std::string& phone);

  private:
    Database& db_;
};

}  // namespace switchboard::store
