#include "app/PeriodicJobs.h"

#include "messaging/DeliveryReceiptRecorder.h"
#include "messaging/IdempotencyLedger.h"
#include "store/ParkedReceiptRepository.h"
#include "telephony/TelephonyCleanup.h"
#include "telephony/TelephonyPolicy.h"

#include <Poco/Data/RecordSet.h>
#include <Poco/Logger.h>

#include <functional>

using namespace Poco::Data::Keywords;

namespace switchboard::app {
namespace {

// Advisory-lock keys are 64-bit; a stable hash of the job name keeps them distinct.
std::int64_t lockKeyFor(const std::string& name) {
    std::uint64_t h = 1469598103934665603ULL;  // FNV-1a
    for (unsigned char c : "switchboard.job." + name) h = (h ^ c) * 1099511628211ULL;
    return static_cast<std::int64_t>(h >> 1);
}

void recoverLeases(store::Database& db, std::int64_t nowMs) {
    std::vector<std::string> owners;
    std::vector<Poco::Int64> ids;
    db.write([&](Poco::Data::Session& s) {
        Poco::Int64 at = nowMs;
        Poco::Data::Statement select(s);
        select << "SELECT id, lock_owner FROM messages WHERE direction = 'outbound' AND status = "
                  "'QUEUED' AND "
                  "locked_until IS NOT NULL AND locked_until < $1",
            bind(at), into(ids), into(owners), now;
        for (Poco::Int64 id : ids) {
            s << "UPDATE messages SET locked_until = NULL, lock_owner = NULL WHERE id = $1 AND "
                 "status = 'QUEUED' "
                 "AND locked_until < $2",
                bind(id), bind(at), now;
        }
    });
    for (std::size_t i = 0; i < ids.size(); ++i)
        Poco::Logger::get("jobs").warning(
            "lease recovery: message %s was leased by %s, which did not finish; "
            "it will be dispatched again",
            std::to_string(ids[i]), owners[i]);
}

void dropExpiredIdempotencyKeys(store::Database& db, std::int64_t nowMs) {
    db.write([&](Poco::Data::Session& s) {
        Poco::Int64 before = nowMs - messaging::IdempotencyLedger::kWindowMs;
        s << "DELETE FROM idempotency_keys WHERE created_at < $1", bind(before), now;
    });
}

}  // namespace

std::vector<PeriodicJobs::Job> PeriodicJobs::standardJobs() {
    return {{"lease_recovery", 5'000, &recoverLeases},
            {"idempotency_cleanup", 600'000, &dropExpiredIdempotencyKeys},
            {"telephony_cleanup", telephony::policy::kCleanupIntervalMs,
             &telephony::cleanUpVerifications}};
}

PeriodicJobs::Job PeriodicJobs::parkedReceiptJob(const plugin::ProviderSet& providers) {
    return {"parked_receipts", 30'000, [&providers](store::Database& db, std::int64_t nowMs) {
                store::ParkedReceiptRepository parked(db);
                for (const auto& [instance, ref] : parked.matchedReferences()) {
                    const plugin::Provider* provider = providers.find(instance);
                    if (provider == nullptr) continue;
                    try {
                        messaging::DeliveryReceiptRecorder::applyParked(db, *provider, ref);
                    } catch (const std::exception& e) {
                        // One failing reference must not stop the rest, nor the expiry.
                        Poco::Logger::get("jobs").error("parked receipts ref=%s: %s", ref,
                                                        std::string(e.what()));
                    }
                }
                const auto cutoff = nowMs - messaging::DeliveryReceiptRecorder::kParkedLifetimeMs;
                for (const auto& r : parked.dropReceivedBefore(cutoff))
                    Poco::Logger::get("jobs").warning(
                        "parked delivery receipt provider=%s ref=%s status=%s dropped: no "
                        "message carried its reference within 24 h",
                        r.providerInstance, r.providerRef, r.rawStatus);
            }};
}

PeriodicJobs::~PeriodicJobs() { stop(); }

void PeriodicJobs::add(Job job) {
    jobs_.push_back(std::move(job));
    nextRun_.push_back(0);
}

void PeriodicJobs::start() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (running_) return;
        running_ = true;
    }
    thread_ = std::thread([this] { loop(); });
}

void PeriodicJobs::stop() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (!running_) return;
        running_ = false;
    }
    wake_.notify_all();
    thread_.join();
}

void PeriodicJobs::runAllOnce() {
    for (const auto& job : jobs_) runOne(job, clock_.nowMs());
}

void PeriodicJobs::runOne(const Job& job, std::int64_t nowMs) {
    try {
        if (!db_.runExclusively(lockKeyFor(job.name), [&] { job.run(db_, nowMs); }))
            Poco::Logger::get("jobs").debug("job %s runs in another process; skipped here",
                                            job.name);
    } catch (const std::exception& e) {
        Poco::Logger::get("jobs").error("job %s failed: %s", job.name, std::string(e.what()));
    }
}

void PeriodicJobs::loop() {
    std::unique_lock<std::mutex> lock(mutex_);
    while (running_) {
        const std::int64_t nowMs = clock_.nowMs();
        std::int64_t soonest = nowMs + 60'000;
        for (std::size_t i = 0; i < jobs_.size(); ++i) {
            if (nextRun_[i] <= nowMs) {
                lock.unlock();
                runOne(jobs_[i], nowMs);
                lock.lock();
                nextRun_[i] = nowMs + jobs_[i].intervalMs;
            }
            soonest = std::min(soonest, nextRun_[i]);
        }
        wake_.wait_for(
            lock, std::chrono::milliseconds(std::max<std::int64_t>(soonest - clock_.nowMs(), 10)),
            [this] { return !running_; });
    }
}

}  // namespace switchboard::app
