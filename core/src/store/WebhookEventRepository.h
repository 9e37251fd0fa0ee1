#pragma once

#include "store/Database.h"
#include "store/Records.h"

#include <map>
#include <optional>
#include <vector>

namespace switchboard::store {

/// The record of every webhook request (accepted, rejected, ignored, failed).
class WebhookEventRepository {
  public:
    explicit WebhookEventRepository(Database& db) : db_(db) {}

    /// Appends `e` inside the caller's transaction; returns its id.
    static std::int64_t insert(Poco::Data::Session& session, const WebhookEventRecord& e);
    /// Appends `e` in its own transaction.
    std::int64_t insert(const WebhookEventRecord& e);

    /// The newest `limit` events, newest first.
    std::vector<WebhookEventRecord> latest(int limit);

    /// How many events with outcome "rejected" or "rate_limited" were received at or after
    /// `since` (ms since the epoch), per reason code (an event recorded before reason codes
    /// existed counts under "unclassified"); codes with none are absent.
    std::map<std::string, std::int64_t> refusalsByReason(TimeMs since);

  private:
    Database& db_;
};

}  // namespace switchboard::store
