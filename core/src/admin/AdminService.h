#pragma once

#include "credentials/TenantProviderCache.h"
#include "domain/ServiceError.h"
#include "messaging/ProviderCall.h"
#include "messaging/SendRequestBuilder.h"
#include "messaging/SendService.h"
#include "plugin/ProviderSet.h"
#include "store/Database.h"
#include "store/MessageRepository.h"
#include "store/Records.h"
#include "util/Clock.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace switchboard::admin {

/// Refused provider callbacks since `since` (ms since the epoch), counted by reason code.
struct WebhookRefusals {
    store::TimeMs since = 0;
    std::map<std::string, std::int64_t> byReason;
    std::int64_t total = 0;
};

/// What a reply to the tenant's latest inbound message would send, built by the same code
/// as a real reply and never stored or sent. `built` is empty when it cannot be built;
/// `notBuiltReason` then says why, with every secret masked.
struct ReplyReadiness {
    std::string tenantId;
    std::int64_t inboundMessageId = 0;
    store::Message reply;  ///< as SendService::prepareReply makes it, tenantId set
    /// The request the dispatcher would send, masked; empty when it cannot be built.
    std::optional<messaging::ShownRequest> request;
    bool tenantCredentials = false;  ///< built with the tenant's own carrier credentials
    std::string notBuiltReason;      ///< why there is no request (secrets masked)
};

/// The operator's troubleshooting views: provider callbacks, dry-run records, a message
/// search across tenants, the reply-readiness check, and the modem routes inbound messages
/// follow. Reads only, except setModemRoute(). Thread-safe.
///
/// Errors: domain::ServiceError InvalidInput invalid_parameter / invalid_field, NotFound
/// not_found / no_inbound (as each method says); store::StoreUnavailable.
class AdminService {
  public:
    /// `tenantProviders` may be null (no bring-your-own-carrier).
    AdminService(store::Database& db, const plugin::ProviderSet& providers,
                 messaging::SendService& sends, const util::Clock& clock,
                 credentials::TenantProviderCache* tenantProviders)
        : db_(db),
          providers_(providers),
          sends_(sends),
          clock_(clock),
          tenantProviders_(tenantProviders) {}

    /// The `limit` (1–500) latest provider callbacks, newest first.
    std::vector<store::WebhookEventRecord> latestWebhookEvents(int limit);

    /// Refused callbacks of the last 24 hours by cause, so a misconfigured route (wrong
    /// secret, missing allow-list entry) shows without reading the event list.
    WebhookRefusals recentRefusals();

    /// The operator's search across tenants (and unlinked inbound messages) by provider
    /// reference, provider instance, direction ("inbound" | "outbound" | "" for both;
    /// InvalidInput invalid_parameter otherwise) and tenant; `total` receives the match count.
    std::vector<store::Message> searchMessages(const store::AdminMessageFilter& filter,
                                               const store::PageRequest& page, std::int64_t& total);

    /// The `limit` (1–500) latest dry-run records, of message `messageId` when given.
    std::vector<store::DryRunRecord> latestDryRuns(int limit,
                                                   std::optional<std::int64_t> messageId);

    /// Seed 000's "Test Reply Readiness" for tenant `tenantId`. NotFound not_found (no such
    /// tenant) or no_inbound (nothing to reply to yet); SendService::prepareReply's errors.
    ReplyReadiness replyReadiness(const std::string& tenantId);

    /// Every modem route, learned and manual.
    std::vector<store::ModemRoute> modemRoutes();

    /// Pins inbound traffic of `route`'s provider/modem/port to `route.tenantId` (source
    /// "manual", updatedAt now) and audits it. InvalidInput invalid_field when the provider
    /// instance is not configured or the tenant unknown. Returns the stored route.
    store::ModemRoute setModemRoute(store::ModemRoute route);

  private:
    store::Database& db_;
    const plugin::ProviderSet& providers_;
    messaging::SendService& sends_;
    const util::Clock& clock_;
    credentials::TenantProviderCache* tenantProviders_;
};

}  // namespace switchboard::admin
