#pragma once

#include "config/AppConfig.h"
#include "credentials/TenantProviderCache.h"
#include "messaging/ProviderCall.h"
#include "messaging/RetryPolicy.h"
#include "messaging/SendRequestBuilder.h"
#include "messaging/ThroughputLimiter.h"
#include "plugin/ProviderSet.h"
#include "store/Database.h"
#include "store/Records.h"
#include "util/Clock.h"

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace switchboard::messaging {

/// Drains the outbox: claims due QUEUED messages under a lease, has the provider's plugin
/// build the request, executes it (or records it, for `transport: dry-run`), has the plugin
/// classify the answer, and stores the outcome:
///   ACCEPTED → SENT with the provider reference;
///   RETRY / THROTTLED / network error → QUEUED again after backoff (RetryPolicy), FAILED
///     with error_code "retries_exhausted" after dispatch.max_attempts;
///   REJECTED → FAILED with error_code "provider_rejected" (the provider's reason is kept in
///     error_detail, never shown to tenants).
/// The provider call happens outside any transaction. One log line per attempt.
class OutboxDispatcher {
  public:
    /// `tenantProviders` (optional) supplies per-tenant instances for tenants that stored
    /// their own credentials (bring-your-own-carrier): such a message is built, sent and
    /// classified by the tenant's instance, its status-callback URL carries
    /// "?tenant=<tenant id>" so the callback is verified with the tenant's credentials, and
    /// the tenant's secret values are masked in dry-run records and logs. Stored credentials
    /// that cannot be used (CredentialsUnavailable) are retried and then FAILED with
    /// "credentials_unavailable" — never sent with the operator's credentials instead.
    OutboxDispatcher(store::Database& db, const plugin::ProviderSet& providers,
                     const config::DispatchConfig& config, const util::Clock& clock,
                     credentials::TenantProviderCache* tenantProviders = nullptr);
    ~OutboxDispatcher();

    /// Starts `config.workers` threads.
    void start();
    /// Stops claiming, lets every in-flight attempt finish and store its outcome, joins.
    void stop();
    /// Wakes an idle worker (a message was queued).
    void wake();

    /// Claims and processes at most one due message on the calling thread; true if one was
    /// processed. For tests and tools; do not mix with start().
    bool runOnce();

  private:
    void workerLoop(int index);
    /// One attempt at `message`: builds and executes its provider request, then stores the
    /// outcome — at once, or, with `deferred`, as a function appended there for the caller
    /// to run inside one transaction with the rest of its batch.
    void process(const store::Message& message, std::mt19937_64& rng,
                 std::vector<std::function<void()>>* deferred = nullptr);
    /// FAILED plus a failure event, in one transaction.
    // What to store for a message whose request could not be built, was only recorded
    // (dry run), or was answered (or not) by the provider: closures for process()'s `keep`.
    std::function<void()> unbuilt(const store::Message& m, int attempts,
                                  const SendRequestError& error, std::mt19937_64& rng);
    std::function<void()> dryRun(const store::Message& m, int attempts, const ProviderCall& call);
    std::function<void()> answered(const store::Message& m, int attempts,
                                   const plugin::Provider& provider, const std::string& sender,
                                   const ProviderAnswer& answer, std::mt19937_64& rng);
    void sent(const store::Message& m, int attempts, const plugin::Provider& provider,
              const std::string& sender, const ProviderAnswer& answer);
    void fail(const store::Message& m, int attempts, const std::string& code,
              const std::string& detail);
    void retryOrFail(const store::Message& m, int attempts, const std::string& code,
                     const std::string& detail, std::int64_t retryAfterMs, std::mt19937_64& rng);

    store::Database& db_;
    SendRequestBuilder requests_;
    config::DispatchConfig config_;
    const util::Clock& clock_;
    ProviderHttpClient http_;
    ThroughputLimiter throughput_;
    RetryPolicy retry_;
    std::string owner_;

    std::atomic<bool> running_{false};
    std::mutex mutex_;
    std::condition_variable wakeup_;
    bool pendingWake_ = false;
    std::vector<std::thread> workers_;
};

}  // namespace switchboard::messaging
