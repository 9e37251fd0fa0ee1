#pragma once

#include "store/Database.h"
#include "store/Records.h"

#include <optional>
#include <string>
#include <vector>

namespace switchboard::store {

/// One row of the immutable delivery-event log.
struct DeliveryEvent {
    std::int64_t id = 0;
    std::int64_t messageId = 0;
    std::string tenantId;
    std::string providerInstance;
    std::string providerRef;
    std::string status;     ///< canonical
    std::string rawStatus;  ///< exactly as the provider sent it
    std::string errorCode;
    std::string rawPayload;
    TimeMs receivedAt = 0;
    std::string ip;
    bool applied = false;  ///< whether it changed the message's status
    /// Identity of the callback that carried it ("provider:<id>" or "request:<random>",
    /// migration 009): an event is stored once per callback.
    std::string callbackKey;
    // Joined for the delivery log (not stored in the event row).
    std::optional<std::int64_t> contactId;
    std::string contactName;
    std::string contactPhone;
};

/// Delivery-log filters; empty/absent members do not filter. Times in ms, inclusive.
struct DeliveryLogFilter {
    std::optional<std::int64_t> contactId;
    std::string status;
    /// Provider instance ids, any of which matches; nullopt = any provider, an empty list
    /// matches nothing (a tenant-facing channel name no instance carries).
    std::optional<std::vector<std::string>> providerInstances;
    std::optional<TimeMs> from;
    std::optional<TimeMs> to;
    std::string providerRef;
};

struct DeliverySummary {
    std::int64_t totalEvents = 0;
    std::int64_t delivered = 0;  ///< events with status DELIVERED
    std::int64_t failed = 0;     ///< events with status FAILED or UNDELIVERED
    /// Mean seconds from SENT to DELIVERED per message (first SENT event, or the dispatch
    /// acceptance time when the provider sent none, to the first DELIVERED event); nullopt
    /// when no message in the filter has both.
    std::optional<double> meanSecondsToDeliver;
};

/// Append-only access to delivery_events (there is no update or delete method, and the
/// table's triggers refuse them), plus the tenant-scoped delivery-log queries.
class DeliveryEventRepository {
  public:
    explicit DeliveryEventRepository(Database& db) : db_(db) {}

    /// Whether `providerInstance` already logged the callback `callbackKey` for
    /// `providerRef`.
    static bool contains(Poco::Data::Session& session, const std::string& providerInstance,
                         const std::string& providerRef, const std::string& callbackKey);

    /// Appends `e` inside the caller's transaction; returns its id, or nullopt when an event
    /// with the same (providerInstance, providerRef, callbackKey) is already stored —
    /// also one a concurrent transaction committed meanwhile (INSERT … ON CONFLICT DO
    /// NOTHING on migration 009's unique index). An empty callbackKey never conflicts.
    static std::optional<std::int64_t> append(Poco::Data::Session& session, const DeliveryEvent& e);

    /// The tenant's events matching `filter`, newest first, with the contact joined.
    std::vector<DeliveryEvent> list(const std::string& tenantId, const DeliveryLogFilter& filter,
                                    const PageRequest& page, std::int64_t& total);

    /// All events of one of the tenant's messages, oldest first.
    std::vector<DeliveryEvent> forMessage(const std::string& tenantId, std::int64_t messageId);

    DeliverySummary summary(const std::string& tenantId, const DeliveryLogFilter& filter);

  private:
    Database& db_;
};

}  // namespace switchboard::store
