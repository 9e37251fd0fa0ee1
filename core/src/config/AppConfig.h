#pragma once

#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <map>
#include <string>
#include <vector>

namespace switchboard::config {

/// `server:` — the HTTP listener.
struct ServerConfig {
    std::string bind = "127.0.0.1";      ///< IP address to listen on
    int port = 8080;                     ///< TCP port; 0 picks a free one (tests)
    int threads = 16;                    ///< HTTP worker threads (= concurrent connections served)
    int maxQueued = 256;                 ///< accepted connections waiting for a thread
    std::size_t maxBodyBytes = 1 << 20;  ///< request bodies above this get 413
    int keepAliveTimeoutS = 5;           ///< idle keep-alive connections are closed after this
    /// Per socket read/write, and the deadline for a whole request to arrive (headers and
    /// body, from its first byte); a slower client is cut off with 408.
    int requestTimeoutS = 15;
    std::string publicBaseUrl;  ///< e.g. "https://sms.example.com"; default http://bind:port
    /// Peers (IPs or CIDRs) whose X-Forwarded-For / X-Real-IP are believed; from anyone
    /// else those headers are ignored and the socket address is the sender.
    std::vector<std::string> trustedProxies;
};

/// `storage:` — the store backend.
struct StorageConfig {
    std::string driver = "sqlite";  ///< "sqlite" (embedded default) | "postgresql" (production)
    /// libpq connection string built from storage.postgresql {host, port, database, user,
    /// password}; used when driver is postgresql.
    std::string postgresConnection;
    std::string sqlitePath = "var/switchboard.db";  ///< relative to the working directory
    int poolSize = 32;  ///< pooled sessions; keep >= server.threads + dispatch.workers
    /// Group commit: at most this many concurrent writes share one transaction (and one
    /// fsync); 1 = a transaction per write. Requests are answered after their batch commits.
    /// Default per driver (kGroupCommitDefault*): SQLite has one writer and an fsync per
    /// commit, so batching is what makes it fast; PostgreSQL already shares WAL flushes
    /// between concurrent commits, and a batch would run its statements one round trip at a
    /// time on one connection instead of in parallel on many (bench/run measured 2,260
    /// against 1,290 acceptances/s).
    int groupCommitMax = kGroupCommitDefaultSqlite;
    static constexpr int kGroupCommitDefaultSqlite = 256;
    static constexpr int kGroupCommitDefaultPostgres = 1;
};

/// `dispatch:` — the outbox worker and its HTTP client.
struct DispatchConfig {
    int workers = 2;              ///< concurrent provider calls
    int maxAttempts = 4;          ///< attempts before a retryable failure becomes FAILED
    int backoffInitialMs = 2000;  ///< first retry delay; doubles per attempt (2 s, 4 s, 8 s)
    double backoffJitter = 0.2;   ///< ± fraction applied to every delay
    int pollIntervalMs = 500;     ///< idle poll of the outbox (a send also wakes a worker)
    int connectTimeoutMs = 5000;
    int readTimeoutMs = 15000;
    int leaseSeconds = 120;  ///< a claimed message is reclaimable after this
    /// Due messages one worker leases per claim transaction, and stores the outcomes of in
    /// one transaction after their provider calls. Larger batches mean fewer commits per
    /// message (on SQLite, end-to-end throughput is roughly workers × batch / two commit
    /// waits), but a crash of the process between the calls and that commit resends up to
    /// this many messages per worker once their lease expires.
    int claimBatch = 4;
};

/// `messaging:` — limits on what tenants may send.
struct MessagingConfig {
    int maxSegments = 10;          ///< longer bodies are refused (message_too_long)
    int bulkMaxRecipients = 1000;  ///< per POST /api/sms/bulk
    /// `opt_out.stop_keywords` / `start_keywords`: inbound bodies that opt a contact out or
    /// back in (whole body, case-insensitive). Defaults: Twilio's lists (OptOutKeywords).
    std::vector<std::string> stopKeywords = {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL",
                                             "END",  "QUIT",    "REVOKE",      "OPTOUT"};
    std::vector<std::string> startKeywords = {"START", "UNSTOP", "YES"};
};

/// `branding:` — what tenants see (proxy mode: they never see the providers behind it).
struct BrandingConfig {
    std::string productName = "Switchboard";  ///< in tenant-facing messages and Server header
};

/// One `providers:` entry: a configured instance of a plugin.
struct ProviderConfig {
    std::string id;                  ///< unique instance id, e.g. "extreme-main"
    std::string plugin;              ///< plugin name from its descriptor, e.g. "extreme"
    std::string transport = "http";  ///< "http" or "dry-run"
    YAML::Node rawConfig;            ///< `config:` as written (references unresolved)
    std::string configJson = "{}";   ///< set by PluginSchema validation: JSON, secrets resolved
    std::map<std::string, std::string> statusMap;  ///< raw → canonical overrides
    std::string keyPath;                           ///< "providers[0]", for error messages
    /// Tenant-facing name of this channel (delivery log "channel", its filter); empty = the
    /// product name. Tenants never see the instance id, plugin, URL or provider errors.
    std::string label;
    /// `tenant_credentials:` — bring-your-own-carrier. The config keys a tenant may supply
    /// for itself (they override the operator's values for that tenant's sends); empty =
    /// tenants cannot bring their own credentials to this instance.
    std::vector<std::string> tenantCredentialFields;
    /// The name tenants use for these credentials (PUT /api/credentials/{name}); defaults to
    /// the plugin name, so the operator's instance ids never reach tenants.
    std::string tenantCredentialName;
    /// `status_callback_route`: the webhook route path whose URL sends carry as their status
    /// callback (e.g. Twilio's StatusCallback) when several routes serve this instance; must
    /// be one of them. Empty: the only route serving it alone, else the first such route.
    std::string statusCallbackRoute;
    /// `throughput`: at most this many messages per second to this instance from one process
    /// (like Kannel's `throughput`); 0 = unlimited.
    double throughput = 0;
};

/// A token bucket: `burst` requests at once, refilled at `perSecond`.
struct RateLimitConfig {
    double perSecond = 0;  ///< 0 = no limit
    double burst = 0;
};

/// `routes[].auth` — how a webhook route authenticates callers. Every configured check
/// must pass; a route with none of them must say `none: true`.
struct WebhookAuthConfig {
    bool signature = true;              ///< run the provider plugin's verify hook
    std::string sharedSecretHeader;     ///< empty: no shared-secret check
    std::string sharedSecret;           ///< resolved from ${ENV}/file:; registered as a secret
    std::vector<std::string> allowIps;  ///< IPs/CIDRs; empty: any source
    bool none = false;                  ///< explicitly unauthenticated (signature off too)
};

/// One `routes:` entry: a webhook path served by one or several provider instances.
struct RouteConfig {
    std::string path;                    ///< e.g. "/api/webhook/extreme"
    std::vector<std::string> providers;  ///< instance ids; several → told apart by detect
    WebhookAuthConfig auth;
    RateLimitConfig rateLimit;           ///< per source IP; defaults to limits.webhook_rate_limit
    std::size_t maxBodyBytes = 1 << 20;  ///< ≤ server.max_body_bytes (its default)
    /// HTTP status for rejected callbacks (bad signature, shared secret, source IP, malformed
    /// payload): 200 (default, the SPEC's rule: the sender learns nothing and does not retry
    /// forged traffic), or 400/401/403 with the error envelope, to debug a route.
    int rejectStatus = 200;
};

/// `limits:` — abuse limits on the HTTP surface.
struct LimitsConfig {
    int maxHeaderCount = 64;  ///< more header fields → 431 (Poco's own ceiling is 100)
    RateLimitConfig tenant;   ///< per tenant over all tenant endpoints; 0 = off
    /// Default per-source limit of webhook routes without their own `rate_limit`.
    RateLimitConfig webhookPerSource{100.0, 1000.0};
};

/// One `tenants:` entry, bootstrapped into the store at start-up.
struct TenantConfig {
    std::string id;  ///< stable slug, e.g. "acme"
    std::string name;
    std::string businessName;          ///< copied onto auto-captured contacts
    std::string defaultProvider;       ///< provider instance for initial sends
    std::vector<std::string> numbers;  ///< E.164 numbers assigned to the tenant
    std::vector<std::string> apiKeys;  ///< plaintext from env/file; stored hashed
};

/// One `credentials.master_keys` entry.
struct MasterKeyConfig {
    std::string id;     ///< stored with every row it seals, e.g. "k2"
    std::string bytes;  ///< the 32 raw key bytes (decoded from hex or base64)
};

/// `credentials:` — encryption at rest of tenant-supplied provider credentials.
struct CredentialsConfig {
    /// First = active (seals new and rotated rows); the rest only open old rows. Empty =
    /// bring-your-own-carrier is disabled.
    std::vector<MasterKeyConfig> masterKeys;
    /// How often the re-encryption job looks for rows under old keys (it also runs at
    /// start-up); 0 = no job, rotate only through POST /api/admin/credentials/rotate.
    int rotationIntervalS = 300;
};

/// `telephony:` — caller-ID verification and call-forwarding codes (seed 003 §17). Without
/// the section the /api/telephony endpoints answer 503 telephony_not_configured.
struct TelephonyConfig {
    bool enabled = false;      ///< the section is present
    std::string provider;      ///< provider instance whose plugin has SB_CAP_TELEPHONY
    std::string carriersFile;  ///< carrier table path (relative: to the config file); "" = built in
    /// HMAC-SHA256 key under which verification codes are hashed (≥ 32 characters; from
    /// ${ENV} or file:). Required: codes are only 6 digits, so an unkeyed hash would be
    /// reversed by trying all 10^6 of them.
    std::string codeHashKey;
};

struct AppConfig {
    std::string sourceFile;
    ServerConfig server;
    std::string logLevel = "information";
    std::string logFile;  ///< empty: stderr; else a file (rotated at 50 MB, 5 kept) — for --daemon
    StorageConfig storage;
    std::string pluginDirectory = "build/plugins";
    DispatchConfig dispatch;
    MessagingConfig messaging;
    LimitsConfig limits;
    BrandingConfig branding;
    std::string adminApiKey;
    std::vector<ProviderConfig> providers;
    std::vector<RouteConfig> routes;
    std::vector<TenantConfig> tenants;
    TelephonyConfig telephony;
    CredentialsConfig credentials;
    /// Every secret value resolved while loading (keys, schema-secret provider settings);
    /// masked in all log output.
    std::vector<std::string> secrets;
};

}  // namespace switchboard::config
