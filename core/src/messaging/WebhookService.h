#pragma once

#include "config/AppConfig.h"
#include "credentials/TenantProviderCache.h"
#include "messaging/OptOutKeywords.h"
#include "plugin/ProviderSet.h"
#include "store/Database.h"
#include "store/Records.h"
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
/// Rejected or malformed callbacks are recorded with the reason and its code, answered as
/// the plugin says (200 by the SPEC's rule) or with the route's `reject_status`, and never
/// processed. An inbound event whose provider message id is an outbound message's provider
/// reference on the same instance is malformed (a status callback missing its status).
/// Each inbound message and each delivery receipt is stored at most once, also when the same
/// webhook is handled concurrently by several processes or re-run after a commit whose
/// acknowledgement was lost: a repeat is recorded with outcome "duplicate".
/// Throws store::StoreUnavailable when nothing could be stored (the caller answers 503 so
/// the provider retries: a webhook is never acknowledged without being stored).
class WebhookService {
  public:
    /// `keywords`: the opt-out/opt-in keywords applied to inbound messages.
    WebhookService(store::Database& db, const plugin::ProviderSet& providers,
                   const util::Clock& clock, OptOutKeywords keywords = OptOutKeywords());

    /// `verifySignature` false skips the plugin's verify hook (routes with
    /// `auth.signature: false`, whose own checks the caller already applied).
    WebhookReply handle(const config::RouteConfig& route, const plugin::WebhookRequest& request,
                        bool verifySignature = true);

    /// Records a request refused before any plugin processing (route allow-list, shared
    /// secret, body size, rate limit) in webhook_events with `outcome` ("rejected",
    /// "rate_limited"), `reasonCode` (WebhookReasonCodes.h) and `reason`, logs one warning
    /// line with the reason, and returns what the route answers a rejected callback: the
    /// provider's own reply (200 by the SPEC's rule), or — when the route sets
    /// `reject_status` — that status with {"error": {"code": "webhook_rejected", "message":
    /// "<reasonCode>: <reason>"}}. `reason` must not contain secrets. Throws
    /// store::StoreUnavailable when the record cannot be stored.
    WebhookReply reject(const config::RouteConfig& route, const plugin::WebhookRequest& request,
                        const std::string& outcome, const std::string& reasonCode,
                        const std::string& reason);

    /// Bring-your-own-carrier: a request whose query carries "tenant=<id>" (the status
    /// callback URL OutboxDispatcher gives sends made with a tenant's own credentials; a
    /// tenant points its own account's inbound webhook at the same form) is verified and
    /// parsed by that tenant's instance when the tenant stored credentials for the route's
    /// provider, and its events may then touch only that tenant: an inbound message to a
    /// number not assigned to it, or a receipt for another tenant's message, is recorded as
    /// rejected and not processed. Without credentials for that tenant the operator's
    /// instance verifies as usual. Call before serving; nullptr (default) turns it off.
    void useTenantCredentials(credentials::TenantProviderCache* tenantProviders) {
        tenantProviders_ = tenantProviders;
    }

  private:
    /// The webhook_events row for `request` on `route` so far (time, route, IP, payload).
    store::WebhookEventRecord recordOf(const config::RouteConfig& route,
                                       const plugin::WebhookRequest& request) const;
    /// Ends a request that stores nothing else: records `record` with `outcome`,
    /// `reasonCode` and `reason`, logs it, and returns the reply (the route's reject_status
    /// for a rejection when set, else what the provider's plugin answers for `result`).
    WebhookReply conclude(const config::RouteConfig& route, const plugin::Provider* provider,
                          store::WebhookEventRecord record, const std::string& outcome,
                          const std::string& reasonCode, const std::string& reason,
                          const char* result);

    /// The route's provider for `request`: the only one, or the first whose detect accepts.
    const plugin::Provider* pick(const config::RouteConfig& route,
                                 const plugin::WebhookRequest& request) const;

    store::Database& db_;
    const plugin::ProviderSet& providers_;
    const util::Clock& clock_;
    OptOutKeywords keywords_;
    credentials::TenantProviderCache* tenantProviders_ = nullptr;
};

}  // namespace switchboard::messaging
