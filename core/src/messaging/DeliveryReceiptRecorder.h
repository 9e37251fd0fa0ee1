#pragma once

#include "messaging/WebhookEvents.h"
#include "plugin/ProviderSet.h"
#include "store/Database.h"
#include "store/Records.h"

#include <optional>
#include <string>

namespace switchboard::messaging {

/// What record() did with one receipt.
struct ReceiptOutcome {
    std::string logFragment;  ///< for the webhook's log line
    bool parked = false;      ///< no message carries the reference yet: call applyParked()
};

/// Applies authentic delivery receipts: finds the outbound message by (provider instance,
/// provider reference), appends the immutable delivery event (always, even when it changes
/// nothing), merges the status upwards only (DeliveryStatusMerger), and raises a failure
/// event when the message newly ends FAILED or UNDELIVERED.
///
/// A receipt whose reference no message carries yet is parked (parked_receipts), because a
/// fast provider may call back before the dispatcher has stored the send's answer — but
/// only while a send on that provider instance is in flight (claimed, answer not stored)
/// and fewer than kMaxParkedPerInstance receipts wait there; otherwise it is recorded as
/// ignored ("unknown provider reference") and changes nothing, as before. A parked one is
/// applied by applyParked() — which the dispatcher calls when it stores a reference, the
/// webhook path after committing a parked receipt (so whichever commits last hands over),
/// and the periodic reconciliation as a backstop — and dropped with a log line after 24 h.
class DeliveryReceiptRecorder {
  public:
    /// One receipt, inside the webhook's transaction `session`. `webhook` is the request's
    /// webhook_events row so far (route, provider, IP, payload); one row per receipt is
    /// appended with outcome "accepted" or "parked". `scopedTenant`: the callback was signed
    /// with that tenant's own credentials, so a parked receipt may later apply only to that
    /// tenant's message. `now` in ms since the epoch.
    static ReceiptOutcome record(Poco::Data::Session& session, const plugin::Provider& provider,
                                 const ReceiptEvent& receipt, store::WebhookEventRecord webhook,
                                 const std::optional<std::string>& scopedTenant, store::TimeMs now);

    /// Applies, in its own write transaction, every receipt parked for `providerRef` on
    /// `provider` once an outbound message carries that reference; each exactly once even
    /// when several processes try at the same time. A receipt scoped to another tenant than
    /// the message's is discarded with a warning. Returns how many were applied. Throws
    /// StoreUnavailable.
    static int applyParked(store::Database& db, const plugin::Provider& provider,
                           const std::string& providerRef);

    /// At most this many receipts wait per provider instance.
    static constexpr std::int64_t kMaxParkedPerInstance = 10'000;

    /// Parked receipts received more than this long ago (ms) are dropped.
    static constexpr store::TimeMs kParkedLifetimeMs = 24LL * 3600 * 1000;
};

}  // namespace switchboard::messaging
