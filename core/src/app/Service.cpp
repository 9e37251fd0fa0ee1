#include "app/Service.h"

#include "config/ConfigLoader.h"
#include "http/RequestHandlerFactory.h"
#include "http/Routes.h"
#include "store/TenantRepository.h"
#include "util/Digest.h"
#include "util/SecretMasker.h"

#include <Poco/Logger.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>

namespace switchboard::app {
namespace {

void registerSecrets(const config::AppConfig& config) {
    for (const auto& secret : config.secrets) util::SecretMasker::instance().add(secret);
}

}  // namespace

std::string Service::checkConfig(const std::string& path) {
    config::AppConfig config = config::loadConfigFile(path);
    plugin::PluginRegistry registry;
    registry.loadDirectory(config.pluginDirectory);
    plugin::ProviderSet providers(config, registry);
    registerSecrets(config);
    std::string summary = path + ": OK (plugins:";
    for (const auto& name : registry.names()) summary += " " + name;
    summary += "; providers:";
    for (const auto& [id, p] : providers.all())
        summary += " " + id + "[" + p.config.transport + "]";
    summary += "; routes: " + std::to_string(config.routes.size()) +
               "; tenants: " + std::to_string(config.tenants.size()) + ")";
    return summary;
}

Service::Service(config::AppConfig config) : config_(std::move(config)) {
    registerSecrets(config_);
    auto& log = Poco::Logger::get("switchboard");
    registry_.loadDirectory(config_.pluginDirectory);
    providers_ = std::make_unique<plugin::ProviderSet>(config_, registry_);
    registerSecrets(config_);  // now including the schema-declared provider secrets
    if (!clock_.offsetFile().empty())
        log.warning("%s is set: the clock is offset by the contents of %s (tests only)",
                    std::string(util::ProcessClock::kOffsetFileVariable), clock_.offsetFile());
    if (config_.server.publicBaseUrl.empty() && !config_.routes.empty())
        log.warning(
            "server.public_base_url is not set: providers get no status-callback URL, and "
            "URL-signed "
            "webhooks (Twilio) are checked against the request's Host header, which fails behind a "
            "proxy");
    for (const auto& name : registry_.names()) {
        const auto* library = registry_.find(name);
        log.information("plugin %s %s loaded from %s (built by %s)", name, library->version(),
                        library->path(), library->buildSignature());
    }

    if (config_.storage.driver == "postgresql") {
        db_ = store::Database::openPostgres(config_.storage.postgresConnection,
                                            config_.storage.poolSize);
    } else {
        db_ = store::Database::openSqlite(config_.storage.sqlitePath, config_.storage.poolSize);
    }
    db_->setMaxBatch(config_.storage.groupCommitMax);
    int applied = db_->migrate();
    log.information("store: %s (%d migrations applied)",
                    config_.storage.driver == "postgresql" ? std::string("postgresql")
                                                           : config_.storage.sqlitePath,
                    applied);
    bootstrapTenants();
    jobs_ = std::make_unique<PeriodicJobs>(*db_, clock_);
    for (auto& job : PeriodicJobs::standardJobs()) jobs_->add(std::move(job));
    jobs_->add(PeriodicJobs::parkedReceiptJob(*providers_));

    setUpTenantCredentials();
    dispatcher_ = std::make_unique<messaging::OutboxDispatcher>(*db_, *providers_, config_.dispatch,
                                                                clock_, tenantProviders_.get());
    sends_ = std::make_unique<messaging::SendService>(
        *db_, *providers_, clock_, [this] { dispatcher_->wake(); }, config_.messaging.maxSegments);
    webhooks_ = std::make_unique<messaging::WebhookService>(
        *db_, *providers_, clock_,
        messaging::OptOutKeywords(config_.messaging.stopKeywords, config_.messaging.startKeywords));
    webhooks_->useTenantCredentials(tenantProviders_.get());
    telephony_ = std::make_unique<telephony::TelephonyServices>(config_, *db_, *providers_, clock_);
    setUpApi();
}

void Service::setUpApi() {
    messages_ = std::make_unique<messaging::MessageQueryService>(*db_);
    deliveryLog_ = std::make_unique<messaging::DeliveryLogService>(*db_);
    idempotency_ = std::make_unique<messaging::IdempotencyLedger>(*db_, clock_);
    apiKeys_ = std::make_unique<tenancy::ApiKeyDirectory>(*db_, clock_);
    tenantAdmin_ = std::make_unique<tenancy::TenantAdminService>(*db_, *providers_, clock_);
    admin_ = std::make_unique<admin::AdminService>(*db_, *providers_, *sends_, clock_,
                                                   tenantProviders_.get());
    audit_ = std::make_unique<admin::AuditLogService>(*db_);
    context_ = std::make_unique<http::ServiceContext>(
        http::ServiceContext{config_, *providers_, *sends_, *webhooks_, *messages_, *deliveryLog_,
                             *idempotency_, *tenantAdmin_, *admin_, *audit_, clock_,
                             tenantProviders_.get(), [db = db_.get()] { return db->ping(); }});
    auth_ = std::make_unique<http::Authenticator>(*apiKeys_, config_.adminApiKey);
    if (config_.limits.tenant.perSecond > 0)
        auth_->setRateLimit(std::make_shared<http::TenantRateLimit>(config_.limits.tenant, clock_));
    http::addHealthRoutes(router_, *context_);
    http::addMessagingRoutes(router_, *context_, *auth_);
    http::addAdminRoutes(router_, *context_, *auth_);
    http::addDeliveryLogRoutes(router_, *context_, *auth_);
    http::addTelephonyRoutes(router_, *telephony_, *auth_);
    http::addTenantAdminRoutes(router_, *context_, *auth_);
    http::addAuditRoutes(router_, *context_, *auth_);
    http::addCredentialRoutes(router_, *auth_, *credentials_);
    http::addWebhookRoutes(router_, *context_);
}

void Service::setUpTenantCredentials() {
    std::vector<credentials::CredentialCipher::Key> keys;
    for (const auto& k : config_.credentials.masterKeys) keys.push_back({k.id, k.bytes});
    cipher_ = std::make_unique<credentials::CredentialCipher>(std::move(keys));
    tenantProviders_ = std::make_unique<credentials::TenantProviderCache>(*db_, *cipher_);
    credentials_ = std::make_unique<credentials::TenantCredentialService>(
        *db_, *providers_, *cipher_, *tenantProviders_, clock_);
    auto& log = Poco::Logger::get("switchboard");
    for (const auto& [keyId, rows] : credentials_->rowsPerKey()) {
        if (!cipher_->hasKey(keyId))
            log.warning(
                "%s tenant credential row(s) are sealed under master key '%s', which is not "
                "configured: those tenants' sends fail (credentials_unavailable) until it is "
                "added back to credentials.master_keys",
                std::to_string(rows), keyId);
    }
    if (!cipher_->enabled()) return;
    log.information("tenant credentials: active master key '%s' (%d configured)",
                    cipher_->activeKeyId(), static_cast<int>(cipher_->keyIds().size()));
    if (config_.credentials.rotationIntervalS == 0) return;
    jobs_->add({"credential_rotation", config_.credentials.rotationIntervalS * 1000LL,
                [this](store::Database&, std::int64_t) { credentials_->rotate("job"); }});
}

Service::~Service() { stop(); }

void Service::bootstrapTenants() {
    store::TenantRepository tenants(*db_);
    const auto now = clock_.nowMs();
    std::vector<std::string> ids;
    for (const auto& t : config_.tenants) ids.push_back(t.id);
    if (int retired = tenants.retireAllExcept(ids, now))
        Poco::Logger::get("switchboard")
            .warning("%d tenant(s) no longer in the configuration were disabled", retired);
    for (const auto& t : config_.tenants) {
        std::vector<std::string> hashes;
        for (const auto& key : t.apiKeys) hashes.push_back(util::sha256Hex(key));
        tenants.bootstrap({t.id, t.name, t.businessName, t.defaultProvider, false}, t.numbers,
                          hashes, now);
    }
}

void Service::start() {
    if (started_) return;
    const auto& s = config_.server;
    Poco::Net::ServerSocket socket;
    socket.bind(Poco::Net::SocketAddress(s.bind, static_cast<Poco::UInt16>(s.port)), true);
    socket.listen(s.maxQueued);
    auto* params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(s.threads);
    params->setMaxQueued(s.maxQueued);
    params->setKeepAlive(true);
    params->setKeepAliveTimeout(Poco::Timespan(s.keepAliveTimeoutS, 0));
    params->setTimeout(Poco::Timespan(s.requestTimeoutS, 0));
    params->setServerName(config_.branding.productName);
    // An explicit pool: the default one is capped at 16 threads and shared (TOOLCHAIN.md).
    threads_ = std::make_unique<Poco::ThreadPool>(2, s.threads, 60);
    // Our own connection loop: whole-request deadline, header-count limit (HttpServer.h).
    server_ = std::make_unique<http::HttpServer>(
        new http::RequestHandlerFactory(router_, s.maxBodyBytes), *threads_, socket, params,
        config_.limits.maxHeaderCount);
    server_->start();
    dispatcher_->start();
    jobs_->start();
    started_ = true;
    std::string providers;
    for (const auto& [id, p] : providers_->all())
        providers += " " + id + "[" + p.config.transport + "]";
    Poco::Logger::get("switchboard")
        .information("listening on %s:%d (providers:%s)", s.bind, port(), providers);
}

void Service::stop() {
    if (!started_) return;
    started_ = false;
    auto& log = Poco::Logger::get("switchboard");
    log.information("stopping: no new connections; finishing in-flight requests and dispatches");
    server_->stopAll();
    threads_->joinAll();
    dispatcher_->stop();
    jobs_->stop();
    log.information("stopped");
}

int Service::port() const { return server_ ? server_->port() : config_.server.port; }

}  // namespace switchboard::app
