#pragma once

#include "store/Database.h"
#include "store/Records.h"

#include <vector>

namespace switchboard::store {

/// A message that ended FAILED or UNDELIVERED: shown to the admin now, and the hook a later
/// notification feature will deliver from.
struct FailureEvent {
    std::int64_t id = 0;
    TimeMs at = 0;
    std::string tenantId;
    std::int64_t messageId = 0;
    std::string status;  ///< FAILED | UNDELIVERED
    std::string source;  ///< "dispatch" (our send failed) | "delivery_receipt" (provider said so)
    std::string detail;  ///< internal: provider codes and reasons
};

class FailureEventRepository {
  public:
    explicit FailureEventRepository(Database& db) : db_(db) {}

    /// Appends `e` inside the caller's transaction.
    static void append(Poco::Data::Session& session, const FailureEvent& e);

    /// Newest first.
    std::vector<FailureEvent> latest(int limit);

  private:
    Database& db_;
};

}  // namespace switchboard::store
