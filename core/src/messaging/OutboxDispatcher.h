#pragma once

#include "config/AppConfig.h"
#include "messaging/ProviderHttpClient.h"
#include "messaging/RetryPolicy.h"
#include "plugin/ProviderSet.h"
#include "store/Database.h"
#include "store/Records.h"
#include "util/Clock.h"

#include <atomic>
#include <condition_variable>
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
    OutboxDispatcher(store::Database& db, const plugin::ProviderSet& providers,
                     const config::DispatchConfig& config, const util::Clock& clock);
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
    void process(const store::Message& message, std::mt19937_64& rng);
    /// FAILED plus a failure event, in one transaction.
    void fail(const store::Message& m, int attempts, const std::string& code,
              const std::string& detail);
    void retryOrFail(const store::Message& m, int attempts, const std::string& code,
                     const std::string& detail, std::int64_t retryAfterMs, std::mt19937_64& rng);

    store::Database& db_;
    const plugin::ProviderSet& providers_;
    config::DispatchConfig config_;
    const util::Clock& clock_;
    ProviderHttpClient http_;
    RetryPolicy retry_;
    std::string owner_;

    std::atomic<bool> running_{false};
    std::mutex mutex_;
    std::condition_variable wakeup_;
    bool pendingWake_ = false;
    std::vector<std::thread> workers_;
};

}  // namespace switchboard::messaging
