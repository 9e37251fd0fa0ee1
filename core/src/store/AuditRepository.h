#pragma once

#include "store/Database.h"
#include "store/Records.h"

#include <string>

namespace switchboard::store {

/// Append-only audit trail: who did what to which target, when.
class AuditRepository {
  public:
    /// Appends one entry inside the caller's transaction. `detailJson` is a JSON object.
    static void append(Poco::Data::Session& session, const std::string& tenantId,
                       const std::string& actor, const std::string& action,
                       const std::string& target, const std::string& detailJson, TimeMs at);
};

}  // namespace switchboard::store
