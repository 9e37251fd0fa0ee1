#pragma once

#include "admin/AdminService.h"
#include "admin/AuditLogService.h"
#include "config/AppConfig.h"
#include "credentials/TenantProviderCache.h"
#include "messaging/DeliveryLogService.h"
#include "messaging/IdempotencyLedger.h"
#include "messaging/MessageQueryService.h"
#include "messaging/SendService.h"
#include "messaging/WebhookService.h"
#include "plugin/ProviderSet.h"
#include "tenancy/TenantAdminService.h"
#include "util/Clock.h"

#include <functional>

namespace switchboard::http {

/// What request handlers may use — the services, never the store — so handlers only
/// translate HTTP and can be wired in tests without a ServerApplication.
struct ServiceContext {
    const config::AppConfig& config;
    const plugin::ProviderSet& providers;
    messaging::SendService& sends;
    messaging::WebhookService& webhooks;
    messaging::MessageQueryService& messages;
    messaging::DeliveryLogService& deliveryLog;
    const messaging::IdempotencyLedger& idempotency;
    tenancy::TenantAdminService& tenantAdmin;
    admin::AdminService& admin;
    admin::AuditLogService& audit;
    const util::Clock& clock;
    /// Tenants' own provider instances (bring-your-own-carrier); null when not wired.
    credentials::TenantProviderCache* tenantProviders;
    /// Whether the database answers now (GET /readyz).
    std::function<bool()> storeReachable;
};

}  // namespace switchboard::http
