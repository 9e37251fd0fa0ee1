#pragma once

#include "messaging/OptOutKeywords.h"
#include "messaging/WebhookEvents.h"
#include "plugin/ProviderSet.h"
#include "store/Database.h"
#include "store/Records.h"

#include <string>

namespace switchboard::messaging {

/// Stores one authentic inbound message (MO) inside the webhook's transaction, routed to a
/// tenant by the receiving number assigned to it, else by the modem/port route table, else
/// unlinked (stored, never dropped). Captures the contact, teaches the route table from
/// number-routed traffic, and stores a provider's redelivery of the same message once.
/// A body that is exactly an opt-out (STOP-family) or opt-in (START-family) keyword flips the
/// contact's opted-out flag and appends an audit entry (actor "contact:<E.164>").
class InboundMessageRecorder {
  public:
    /// `webhook` is the request's webhook_events row so far; one row per message is appended
    /// with its outcome and routing. Returns a log fragment.
    static std::string record(Poco::Data::Session& session, store::Database& db,
                              const plugin::Provider& provider, const InboundEvent& inbound,
                              store::WebhookEventRecord webhook, const OptOutKeywords& keywords,
                              store::TimeMs now);
};

}  // namespace switchboard::messaging
