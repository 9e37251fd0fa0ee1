#pragma once

#include "config/AppConfig.h"
#include "credentials/TenantProviderCache.h"
#include "messaging/SendService.h"
#include "messaging/WebhookService.h"
#include "plugin/ProviderSet.h"
#include "store/Database.h"
#include "util/Clock.h"

namespace switchboard::http {

/// What request handlers may use — a narrow view of the running service, so handlers can be
/// wired in tests without a ServerApplication.
struct ServiceContext {
    const config::AppConfig& config;
    store::Database& db;
    const plugin::ProviderSet& providers;
    messaging::SendService& sends;
    messaging::WebhookService& webhooks;
    const util::Clock& clock;
    /// Tenants' own provider instances (bring-your-own-carrier); null when not wired.
    credentials::TenantProviderCache* tenantProviders;
};

}  // namespace switchboard::http
