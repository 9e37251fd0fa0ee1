#pragma once

#include "store/Database.h"
#include "store/Records.h"

#include <optional>
#include <string>
#include <vector>

namespace switchboard::store {

/// GET /api/admin/messages filters; empty members do not filter.
struct AdminMessageFilter {
    std::string providerRef;  ///< the provider's message id (outbound ref or inbound MO id)
    std::string providerInstance;
    std::string direction;  ///< "inbound" | "outbound"
    std::string tenantId;
};

/// Messages in both directions, including the outbox operations of the dispatcher.
/// Every tenant-facing read takes the tenant id and never returns another tenant's rows.
class MessageRepository {
  public:
    explicit MessageRepository(Database& db) : db_(db) {}

    /// Inserts `m` inside the caller's transaction; returns the new id. For an inbound `m`
    /// whose provider message id this instance already stored, the schema's unique index
    /// (migration 009) refuses the row: use insertInbound for webhook traffic.
    static std::int64_t insert(Poco::Data::Session& session, const Message& m);

    /// Inserts the inbound (MO) message `m` inside the caller's transaction unless its
    /// provider instance already stored `m.providerRef` (a provider retry, the same webhook
    /// on another process, or a re-run of a transaction whose commit went through); returns
    /// the new id, or nullopt for such a duplicate (nothing written). Idempotent in the
    /// database (INSERT … ON CONFLICT DO NOTHING on a unique index), so two concurrent
    /// transactions cannot both store it. An empty providerRef is never a duplicate.
    static std::optional<std::int64_t> insertInbound(Poco::Data::Session& session,
                                                     const Message& m);

    /// The tenant's message `id`, or nullopt (also when it belongs to another tenant).
    std::optional<Message> get(const std::string& tenantId, std::int64_t id);

    /// Any message by id, regardless of tenant (dispatcher, admin).
    std::optional<Message> getAny(std::int64_t id);

    /// The tenant's most recent inbound message from `phone` (E.164), or nullopt.
    std::optional<Message> latestInboundFrom(const std::string& tenantId, const std::string& phone);

    /// The tenant's messages, newest first; `direction` "inbound"/"outbound" or empty = both.
    std::vector<Message> list(const std::string& tenantId, const std::string& direction,
                              const PageRequest& page, std::int64_t& total);

    /// The operator's search over every tenant's messages (and unlinked inbound ones),
    /// newest first: each non-empty member of `filter` must match exactly. `total` receives
    /// the number of matches over all pages.
    std::vector<Message> search(const AdminMessageFilter& filter, const PageRequest& page,
                                std::int64_t& total);

    /// Claims up to `limit` due outbound messages (QUEUED, next_attempt_at <= now, no live
    /// lease) for `owner` until `leaseUntil`. A claim is a conditional UPDATE, so two
    /// claimers never both win the same row.
    std::vector<Message> claimDue(const std::string& owner, TimeMs now, TimeMs leaseUntil,
                                  int limit);

    /// Final success: SENT with the provider reference; clears the lease. `sender` (E.164 or
    /// alphanumeric sender id), when not empty, is the sender the request carried on the wire
    /// (the plugin's build_send "sender") and becomes the message's from_number; empty keeps
    /// the stored one. `now` in ms since the epoch.
    void markSent(std::int64_t id, const std::string& providerRef, int attempts, TimeMs now,
                  const std::string& sender = "");
    /// markSent inside the caller's transaction.
    static void markSent(Poco::Data::Session& session, std::int64_t id,
                         const std::string& providerRef, int attempts, TimeMs now,
                         const std::string& sender = "");
    /// Retryable failure: stays QUEUED, due again at `nextAttemptAt`; clears the lease.
    void scheduleRetry(std::int64_t id, int attempts, TimeMs nextAttemptAt,
                       const std::string& errorCode, const std::string& errorDetail, TimeMs now);
    /// Final failure: FAILED with Switchboard's code and the provider's detail (internal),
    /// inside the caller's transaction. False when the message was no longer QUEUED.
    static bool markFailed(Poco::Data::Session& session, std::int64_t id, int attempts,
                           const std::string& errorCode, const std::string& errorDetail,
                           TimeMs now);

    /// Whether an outbound message on `providerInstance` is claimed by a dispatcher (QUEUED
    /// with a lease) — its provider's answer, and so its reference, may be stored any moment.
    static bool hasSendInFlight(Poco::Data::Session& session, const std::string& providerInstance);

    /// The outbound message a provider instance knows as `providerRef`, or nullopt.
    static std::optional<Message> findOutboundByRef(Poco::Data::Session& session,
                                                    const std::string& providerInstance,
                                                    const std::string& providerRef);

    /// Sets a delivery status merged by DeliveryStatusMerger, inside the caller's
    /// transaction, only if the status is still `expectedCurrent`. sent_at, delivered_at
    /// and failed_at are set once (never overwritten). False when the row had moved on.
    static bool applyDeliveryStatus(Poco::Data::Session& session, std::int64_t id,
                                    const std::string& expectedCurrent, const std::string& status,
                                    TimeMs at);

  private:
    Database& db_;
};

}  // namespace switchboard::store
