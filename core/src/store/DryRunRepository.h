#pragma once

#include "store/Database.h"
#include "store/Records.h"

#include <optional>
#include <string>
#include <vector>

namespace switchboard::store {

/// The dry-run sink: requests that dry-run provider instances would have sent.
class DryRunRepository {
  public:
    explicit DryRunRepository(Database& db) : db_(db) {}

    /// Appends `r` inside the caller's transaction.
    static void insert(Poco::Data::Session& session, const DryRunRecord& r);

    /// Newest first; `messageId` restricts to one message when set.
    std::vector<DryRunRecord> latest(int limit,
                                     std::optional<std::int64_t> messageId = std::nullopt);

  private:
    Database& db_;
};

}  // namespace switchboard::store
