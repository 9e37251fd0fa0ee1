#pragma once

#include "plugin/ProviderSet.h"
#include "store/Database.h"
#include "util/Clock.h"

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace switchboard::app {

/// Housekeeping that must run in one process at a time when several share a PostgreSQL
/// (each run takes the job's advisory lock; a process that cannot get it skips that run).
/// On SQLite the jobs simply run. Jobs run on one background thread; a failing job is
/// logged and retried at its next interval.
class PeriodicJobs {
  public:
    struct Job {
        std::string name;
        std::int64_t intervalMs;
        std::function<void(store::Database&, std::int64_t nowMs)> run;
    };

    PeriodicJobs(store::Database& db, const util::Clock& clock) : db_(db), clock_(clock) {}
    ~PeriodicJobs();

    void add(Job job);
    void start();
    void stop();

    /// Runs every job once now, in this thread (tests, and a fast first pass at start-up).
    void runAllOnce();

    /// The standard jobs: lease recovery (an expired outbox lease — its process died
    /// mid-dispatch — is released so the message is claimed again, and logged), expired
    /// Idempotency-Key cleanup and the telephony verification cleanup
    /// (telephony/TelephonyCleanup.h).
    static std::vector<Job> standardJobs();

    /// Parked delivery receipts (messaging/DeliveryReceiptRecorder.h): applies those whose
    /// reference a message now carries but that no hand-over applied (a process died in
    /// between), and drops, with a warning each, those parked longer than 24 h.
    static Job parkedReceiptJob(const plugin::ProviderSet& providers);

  private:
    void loop();
    void runOne(const Job& job, std::int64_t nowMs);

    store::Database& db_;
    const util::Clock& clock_;
    std::vector<Job> jobs_;
    std::vector<std::int64_t> nextRun_;
    std::thread thread_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool running_ = false;
};

}  // namespace switchboard::app
