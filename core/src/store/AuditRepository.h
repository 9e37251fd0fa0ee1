#pragma once

#include "store/Database.h"
#include "store/Records.h"

#include <optional>
#include <string>
#include <vector>

namespace switchboard::store {

/// One audit entry: who (actor: "admin", "tenant:<id>/key:<n>", "contact:<E.164>",
/// "system"), did what (action, e.g. "sms.send", "tenant.disable", "contact.opt_out"), to
/// which target ("message:42", "tenant:acme"), when (ms since epoch), with a JSON detail
/// that never holds secrets.
struct AuditEntry {
    std::int64_t id = 0;
    TimeMs at = 0;
    std::string tenantId;  ///< "" for entries about no tenant
    std::string actor;
    std::string action;
    std::string target;
    std::string detailJson;
};

/// Exact-match filters; empty/nullopt means "any". `from`/`to` are inclusive ms bounds.
struct AuditFilter {
    std::string tenantId;
    std::string actor;
    std::string action;
    std::string target;
    std::optional<TimeMs> from;
    std::optional<TimeMs> to;
};

/// Append-only audit trail. Nothing updates or deletes entries.
class AuditRepository {
  public:
    explicit AuditRepository(Database& db) : db_(db) {}

    /// Appends one entry inside the caller's transaction. `detailJson` is a JSON object.
    static void append(Poco::Data::Session& session, const std::string& tenantId,
                       const std::string& actor, const std::string& action,
                       const std::string& target, const std::string& detailJson, TimeMs at);

    /// Entries matching `filter`, newest first, one page; `total` receives the match count.
    std::vector<AuditEntry> list(const AuditFilter& filter, const PageRequest& page,
                                 std::int64_t& total);

  private:
    Database& db_;
};

}  // namespace switchboard::store
