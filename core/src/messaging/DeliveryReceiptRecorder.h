#pragma once

#include "messaging/WebhookEvents.h"
#include "plugin/ProviderSet.h"
#include "store/Database.h"
#include "store/Records.h"

#include <string>

namespace switchboard::messaging {

/// Applies one authentic delivery receipt inside the webhook's transaction: finds the
/// outbound message by (provider instance, provider reference), appends the immutable
/// delivery event (always, even when it changes nothing), merges the status upwards only
/// (DeliveryStatusMerger), and raises a failure event when the message newly ends FAILED or
/// UNDELIVERED. Unknown references are recorded as ignored and change nothing.
class DeliveryReceiptRecorder {
  public:
    /// `webhook` is the request's webhook_events row so far (route, provider, IP, payload);
    /// one row per receipt is appended with the outcome. Returns a log fragment.
    static std::string record(Poco::Data::Session& session, const plugin::Provider& provider,
                              const ReceiptEvent& receipt, store::WebhookEventRecord webhook,
                              store::TimeMs now);
};

}  // namespace switchboard::messaging
