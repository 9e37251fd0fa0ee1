#include "messaging/OutboxDispatcher.h"

#include "messaging/DeliveryReceiptRecorder.h"
#include "messaging/ProviderCall.h"
#include "store/DryRunRepository.h"
#include "store/FailureEventRepository.h"
#include "store/MessageRepository.h"

#include <Poco/Environment.h>
#include <Poco/Logger.h>
#include <Poco/Process.h>

namespace switchboard::messaging {
namespace {

Poco::Logger& logger() { return Poco::Logger::get("dispatch"); }

}  // namespace

OutboxDispatcher::OutboxDispatcher(store::Database& db, const plugin::ProviderSet& providers,
                                   const config::DispatchConfig& config, const util::Clock& clock,
                                   credentials::TenantProviderCache* tenantProviders)
    : db_(db),
      requests_(providers, tenantProviders),
      config_(config),
      clock_(clock),
      http_(config.connectTimeoutMs, config.readTimeoutMs),
      retry_(config.maxAttempts, config.backoffInitialMs, config.backoffJitter),
      owner_(Poco::Environment::nodeName() + ":" + std::to_string(Poco::Process::id())) {
    for (const auto& [id, provider] : providers.all())
        throughput_.setRate(id, provider.config.throughput);
}

OutboxDispatcher::~OutboxDispatcher() { stop(); }

void OutboxDispatcher::start() {
    if (running_.exchange(true)) return;
    for (int i = 0; i < config_.workers; ++i) workers_.emplace_back([this, i] { workerLoop(i); });
}

void OutboxDispatcher::stop() {
    if (!running_.exchange(false)) return;
    throughput_.stop();
    wakeup_.notify_all();
    for (auto& t : workers_) t.join();
    workers_.clear();
}

void OutboxDispatcher::wake() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        pendingWake_ = true;
    }
    wakeup_.notify_one();
}

bool OutboxDispatcher::runOnce() {
    static thread_local std::mt19937_64 rng{std::random_device{}()};
    const auto now = clock_.nowMs();
    auto claimed =
        store::MessageRepository(db_).claimDue(owner_, now, now + config_.leaseSeconds * 1000LL, 1);
    if (claimed.empty()) return false;
    process(claimed.front(), rng);
    return true;
}

void OutboxDispatcher::workerLoop(int index) {
    std::mt19937_64 rng{std::random_device{}() + static_cast<unsigned>(index)};
    while (running_) {
        bool worked = false;
        try {
            const auto now = clock_.nowMs();
            // A few at a time: one claim transaction per batch, and at most claimBatch
            // messages leased by this worker (what a crash of this process may send twice).
            auto claimed = store::MessageRepository(db_).claimDue(
                owner_, now, now + config_.leaseSeconds * 1000LL, config_.claimBatch);
            // Every provider call of the batch first, outside any transaction; then their
            // outcomes in one (the writes inside join it). A crash in between repeats at most
            // this batch, which the lease already allowed.
            std::vector<std::function<void()>> outcomes;
            for (const auto& m : claimed) process(m, rng, &outcomes);
            if (!outcomes.empty())
                db_.write([&](Poco::Data::Session&) {
                    for (auto& outcome : outcomes) outcome();
                });
            worked = !claimed.empty();
        } catch (const std::exception& e) {
            // The database may be briefly unavailable; the lease makes any claimed message
            // come back, so log and keep polling.
            logger().error("outbox worker %d: %s", index, std::string(e.what()));
        }
        if (worked) continue;
        std::unique_lock<std::mutex> lock(mutex_);
        wakeup_.wait_for(lock, std::chrono::milliseconds(config_.pollIntervalMs),
                         [this] { return pendingWake_ || !running_; });
        pendingWake_ = false;
    }
}

void OutboxDispatcher::retryOrFail(const store::Message& m, int attempts, const std::string& code,
                                   const std::string& detail, std::int64_t retryAfterMs,
                                   std::mt19937_64& rng) {
    store::MessageRepository repo(db_);
    const auto now = clock_.nowMs();
    if (retry_.mayRetry(attempts)) {
        auto delay = retry_.delayMs(attempts, retryAfterMs, rng);
        repo.scheduleRetry(m.id, attempts, now + delay, code, detail, now);
        logger().warning(
            "dispatch message=%s provider=%s attempt=%d outcome=%s next_in_ms=%s detail=%s",
            std::to_string(m.id), m.providerInstance, attempts, code, std::to_string(delay),
            detail);
    } else {
        fail(m, attempts, "retries_exhausted", code + ": " + detail);
        logger().error(
            "dispatch message=%s provider=%s attempt=%d outcome=FAILED reason=retries_exhausted "
            "last=%s",
            std::to_string(m.id), m.providerInstance, attempts, code + ": " + detail);
    }
}

void OutboxDispatcher::fail(const store::Message& m, int attempts, const std::string& code,
                            const std::string& detail) {
    const auto at = clock_.nowMs();
    db_.write([&](Poco::Data::Session& s) {
        if (!store::MessageRepository::markFailed(s, m.id, attempts, code, detail, at)) return;
        store::FailureEventRepository::append(
            s, {0, at, m.tenantId.value_or(""), m.id, store::status::kFailed, "dispatch",
                code + ": " + detail});
    });
}

void OutboxDispatcher::process(const store::Message& m, std::mt19937_64& rng,
                               std::vector<std::function<void()>>* deferred) {
    // What to store: at once, or — for a worker's claimed batch — together with the other
    // outcomes of the batch in one transaction once all their provider calls are done.
    auto keep = [deferred](std::function<void()> write) {
        if (deferred)
            deferred->push_back(std::move(write));
        else
            write();
    };
    const int attempts = m.attempts + 1;
    BuiltSendRequest built;
    try {
        built = requests_.build(m);
    } catch (const SendRequestError& e) {
        keep(unbuilt(m, attempts, e, rng));
        return;
    }
    const ProviderCall call(built.request,
                            [&built](std::string text) { return built.mask(std::move(text)); });
    if (built.provider->dryRun()) {
        keep(dryRun(m, attempts, call));
        return;
    }
    // providers[].throughput, across this process's workers. A stop while waiting leaves
    // the message leased and QUEUED: the lease brings it back (here or elsewhere).
    if (!throughput_.acquire(built.provider->config.id)) return;
    const plugin::ProviderInstance& instance = built.instance();
    const ProviderAnswer answer =
        call.send(http_, [&instance](int status, const auto& headers, const std::string& body) {
            return instance.parseSendResponse(status, headers, body);
        });
    keep(answered(m, attempts, *built.provider, built.request.sender, answer, rng));
}

std::function<void()> OutboxDispatcher::unbuilt(const store::Message& m, int attempts,
                                                const SendRequestError& e, std::mt19937_64& rng) {
    // Unusable stored credentials may come back (a master key re-added); the rest is
    // configuration that no retry can fix.
    const std::string code = e.code(), what = e.what();
    if (code == "credentials_unavailable")
        return
            [this, m, attempts, code, what, &rng] { retryOrFail(m, attempts, code, what, 0, rng); };
    return [this, m, attempts, code, what] {
        fail(m, attempts, code, what);
        logger().error("dispatch message=%s provider=%s outcome=FAILED reason=%s detail=%s",
                       std::to_string(m.id), m.providerInstance, code, what);
    };
}

std::function<void()> OutboxDispatcher::dryRun(const store::Message& m, int attempts,
                                               const ProviderCall& call) {
    const ShownRequest shown = call.shown();
    const store::DryRunRecord record{0,
                                     m.id,
                                     m.tenantId.value_or(""),
                                     m.providerInstance,
                                     shown.method,
                                     shown.url,
                                     shown.headersJson,
                                     shown.body,
                                     clock_.nowMs()};
    const std::string sender = call.request().sender;
    return [this, m, attempts, record, sender] {
        db_.write([&](Poco::Data::Session& s) {
            store::DryRunRepository::insert(s, record);
            store::MessageRepository::markSent(s, m.id, "dry-run-" + std::to_string(m.id), attempts,
                                               record.createdAt, sender);
        });
        logger().information("dispatch message=%s provider=%s attempt=%d outcome=DRY_RUN %s %s",
                             std::to_string(m.id), m.providerInstance, attempts, record.method,
                             record.url);
    };
}

std::function<void()> OutboxDispatcher::answered(const store::Message& m, int attempts,
                                                 const plugin::Provider& provider,
                                                 const std::string& sender, const ProviderAnswer& a,
                                                 std::mt19937_64& rng) {
    using Kind = ProviderAnswer::Kind;
    switch (a.kind) {
        case Kind::Unreachable:
            return [this, m, attempts, a, &rng] {
                retryOrFail(m, attempts, "provider_unreachable", a.detail, 0, rng);
            };
        case Kind::Unreadable:
            // The provider answered but we cannot tell how: retrying could send twice.
            return [this, m, attempts, a] {
                fail(m, attempts, "provider_response_unreadable", a.detail);
                logger().error(
                    "dispatch message=%s provider=%s attempt=%d http=%d outcome=FAILED "
                    "reason=unreadable_response",
                    std::to_string(m.id), m.providerInstance, attempts, a.httpStatus);
            };
        case Kind::Accepted:
            return [this, m, attempts, a, sender, &provider] {
                sent(m, attempts, provider, sender, a);
            };
        case Kind::Rejected:
            return [this, m, attempts, a] {
                fail(m, attempts, "provider_rejected", a.detail);
                logger().warning(
                    "dispatch message=%s provider=%s attempt=%d http=%d outcome=REJECTED "
                    "detail=%s",
                    std::to_string(m.id), m.providerInstance, attempts, a.httpStatus, a.detail);
            };
        case Kind::Throttled:
        case Kind::RetryLater:
            break;
    }
    const char* code = a.kind == Kind::Throttled ? "provider_throttled" : "provider_retry";
    return [this, m, attempts, code, a, &rng] {
        retryOrFail(m, attempts, code, a.detail, a.retryAfterMs, rng);
    };
}

void OutboxDispatcher::sent(const store::Message& m, int attempts, const plugin::Provider& provider,
                            const std::string& sender, const ProviderAnswer& a) {
    store::MessageRepository(db_).markSent(m.id, a.providerRef, attempts, clock_.nowMs(), sender);
    logger().information(
        "dispatch message=%s provider=%s attempt=%d http=%d outcome=SENT ref=%s elapsed_ms=%s",
        std::to_string(m.id), m.providerInstance, attempts, a.httpStatus, a.providerRef,
        std::to_string(a.elapsedMs));
    // A receipt that overtook this answer waits parked for the reference; look once the
    // reference is committed, so whichever side commits last hands it over.
    if (a.providerRef.empty()) return;
    db_.afterCommit([this, m, &provider, ref = a.providerRef] {
        try {
            DeliveryReceiptRecorder::applyParked(db_, provider, ref);
        } catch (const std::exception& e) {
            logger().error("dispatch message=%s: parked receipts not applied yet (%s)",
                           std::to_string(m.id), std::string(e.what()));
        }
    });
}

}  // namespace switchboard::messaging
