#pragma once

#include "config/AppConfig.h"
#include "plugin/ProviderSet.h"
#include "store/Database.h"
#include "util/Clock.h"

#include <string>

namespace switchboard::messaging {

/// What to answer the provider.
struct WebhookReply {
    int status = 200;
    std::string contentType = "application/json";
    std::string body = R"({"success":true})";
};

/// Handles one provider webhook end to end: pick the provider instance (detect, when the
/// route is shared), verify authenticity, parse, route each inbound message to its tenant
/// (assigned receiver number, else the modem/port route table, else stored unlinked),
/// store it with its contact, and record the request in webhook_events — one transaction.
/// Rejected or malformed callbacks are recorded with the reason, answered as the plugin
/// says (200 by the SPEC's rule), and never processed.
/// Throws store::StoreUnavailable when nothing could be stored (the caller answers 503 so
/// the provider retries: a webhook is never acknowledged without being stored).
class WebhookService {
  public:
    WebhookService(store::Database& db, const plugin::ProviderSet& providers,
                   const util::Clock& clock);

    WebhookReply handle(const config::RouteConfig& route, const plugin::WebhookRequest& request);

  private:
    store::Database& db_;
    const plugin::ProviderSet& providers_;
    const util::Clock& clock_;
};

}  // namespace switchboard::messaging
