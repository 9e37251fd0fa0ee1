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
    int requestTimeoutS = 15;            ///< socket receive/send timeout per request
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
};

/// `messaging:` — limits on what tenants may send.
struct MessagingConfig {
    int maxSegments = 10;          ///< longer bodies are refused (message_too_long)
    int bulkMaxRecipients = 1000;  ///< per POST /api/sms/bulk
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
};

/// One `routes:` entry: a webhook path served by one or several provider instances.
struct RouteConfig {
    std::string path;                    ///< e.g. "/api/webhook/extreme"
    std::vector<std::string> providers;  ///< instance ids; several → told apart by detect
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

struct AppConfig {
    std::string sourceFile;
    ServerConfig server;
    std::string logLevel = "information";
    std::string logFile;  ///< empty: stderr; else a file (rotated at 50 MB, 5 kept) — for --daemon
    StorageConfig storage;
    std::string pluginDirectory = "build/plugins";
    DispatchConfig dispatch;
    MessagingConfig messaging;
    std::string adminApiKey;
    std::vector<ProviderConfig> providers;
    std::vector<RouteConfig> routes;
    std::vector<TenantConfig> tenants;
    /// Every secret value resolved while loading (keys, schema-secret provider settings);
    /// masked in all log output.
    std::vector<std::string> secrets;
};

}  // namespace switchboard::config
