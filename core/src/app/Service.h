#pragma once

#include "app/PeriodicJobs.h"
#include "config/AppConfig.h"
#include "credentials/CredentialCipher.h"
#include "credentials/TenantCredentialService.h"
#include "credentials/TenantProviderCache.h"
#include "http/Authenticator.h"
#include "http/Router.h"
#include "http/ServiceContext.h"
#include "messaging/OutboxDispatcher.h"
#include "messaging/SendService.h"
#include "messaging/WebhookService.h"
#include "plugin/PluginRegistry.h"
#include "plugin/ProviderSet.h"
#include "store/Database.h"
#include "telephony/TelephonyServices.h"
#include "util/Clock.h"
#include "util/ProcessClock.h"

#include "http/HttpServer.h"

#include <Poco/ThreadPool.h>

#include <memory>

namespace switchboard::app {

/// The whole running service, wired from a configuration: plugins loaded and checked,
/// provider instances created, store opened and migrated, tenants bootstrapped, HTTP server
/// and outbox dispatcher ready. Construction does every check that can fail, so a bad
/// configuration fails before a port is bound.
class Service {
  public:
    /// Throws config::ConfigError, plugin::PluginLoadError, store::StoreUnavailable or
    /// std::runtime_error (a plugin refusing its instance config), each naming the culprit.
    explicit Service(config::AppConfig config);
    ~Service();

    /// Validates `path` as a full start-up would (YAML, plugins, schemas, instances) without
    /// opening the store or binding a port. Returns a one-line summary; throws like the
    /// constructor.
    static std::string checkConfig(const std::string& path);

    /// Binds the listener and starts the dispatcher.
    void start();
    /// Stops accepting, finishes in-flight requests and dispatch attempts. Idempotent.
    void stop();

    int port() const;
    const config::AppConfig& config() const { return config_; }

  private:
    void bootstrapTenants();
    /// Master keys, the per-tenant instance cache, the credential service and its
    /// re-encryption job; warns about rows sealed under keys that are not configured.
    void setUpTenantCredentials();
    /// The services behind the HTTP API, their context, and every route.
    void setUpApi();

    config::AppConfig config_;
    util::ProcessClock clock_;  ///< system time (a test may offset it: ProcessClock.h)
    plugin::PluginRegistry registry_;
    std::unique_ptr<plugin::ProviderSet> providers_;
    std::unique_ptr<store::Database> db_;
    // Bring-your-own-carrier; declared before the users below so it outlives them.
    std::unique_ptr<credentials::CredentialCipher> cipher_;
    std::unique_ptr<credentials::TenantProviderCache> tenantProviders_;
    std::unique_ptr<credentials::TenantCredentialService> credentials_;
    std::unique_ptr<messaging::OutboxDispatcher> dispatcher_;
    std::unique_ptr<PeriodicJobs> jobs_;
    std::unique_ptr<messaging::SendService> sends_;
    std::unique_ptr<messaging::WebhookService> webhooks_;
    std::unique_ptr<messaging::MessageQueryService> messages_;
    std::unique_ptr<messaging::DeliveryLogService> deliveryLog_;
    std::unique_ptr<messaging::IdempotencyLedger> idempotency_;
    std::unique_ptr<tenancy::ApiKeyDirectory> apiKeys_;
    std::unique_ptr<tenancy::TenantAdminService> tenantAdmin_;
    std::unique_ptr<admin::AdminService> admin_;
    std::unique_ptr<admin::AuditLogService> audit_;
    std::unique_ptr<http::ServiceContext> context_;
    std::unique_ptr<http::Authenticator> auth_;
    std::unique_ptr<telephony::TelephonyServices> telephony_;
    http::Router router_;
    std::unique_ptr<Poco::ThreadPool> threads_;
    std::unique_ptr<http::HttpServer> server_;
    bool started_ = false;
};

}  // namespace switchboard::app
