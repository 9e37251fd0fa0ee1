// Delivery receipts that overtake the send's answer: parked, then applied exactly once when
// the provider reference is stored — by the dispatcher, by the webhook's own re-check, by
// several processes at once, or by the periodic reconciliation — and dropped after 24 h.
// Real sb_smsretail.so status table; SQLite and PostgreSQL.
#include "app/PeriodicJobs.h"
#include "config/ConfigLoader.h"
#include "messaging/DeliveryReceiptRecorder.h"
#include "plugin/PluginRegistry.h"
#include "plugin/ProviderSet.h"
#include "store/MessageRepository.h"
#include "store/TenantRepository.h"
#include "support/TempDir.h"
#include "support/TestDatabase.h"

#include <Poco/Data/Session.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

using namespace Poco::Data::Keywords;

namespace switchboard::messaging {
namespace {

constexpr store::TimeMs kT0 = 1'700'000'000'000;

class ParkedReceiptTest : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        storage_ = std::make_unique<testing::TestDatabase>(GetParam(), dir_);
        db_ = storage_->open(4);
        ASSERT_GE(db_->migrate(), 1);
        for (const char* tenant : {"acme", "globex"})
            store::TenantRepository(*db_).bootstrap({tenant, tenant, tenant, "retail", false}, {},
                                                    {}, 1);
        registry_.loadDirectory(SWITCHBOARD_PLUGIN_DIR);
        config_ = config::loadConfigText(
            "admin:\n  api_key: test-admin-key-0123456789\nproviders:\n  - id: retail\n"
            "    plugin: smsretail\n    config:\n      webhook_secret: s3cret-for-tests\n",
            dir_.path());
        providers_ = std::make_unique<plugin::ProviderSet>(config_, registry_);
        provider_ = providers_->find("retail");
        ASSERT_NE(provider_, nullptr);
    }

    /// An outbound message the dispatcher has claimed but not yet recorded an answer for.
    std::int64_t inFlight(const std::string& tenant = "acme") {
        store::Message m;
        m.tenantId = tenant;
        m.direction = "outbound";
        m.kind = "initial";
        m.toNumber = "+15557654321";
        m.body = "hello";
        m.status = store::status::kQueued;
        m.providerInstance = "retail";
        m.nextAttemptAt = kT0;
        m.createdAt = m.updatedAt = kT0;
        std::int64_t id = 0;
        db_->write([&](Poco::Data::Session& s) {
            id = store::MessageRepository::insert(s, m);
            Poco::Int64 key = id, until = kT0 + 60'000;
            s << "UPDATE messages SET locked_until = $1, lock_owner = 'test-host:1' WHERE id = $2",
                bind(until), bind(key), now;
        });
        return id;
    }

    std::string lastWebhookOutcome() {
        std::string outcome;
        db_->read([&](Poco::Data::Session& s) {
            s << "SELECT outcome FROM webhook_events ORDER BY id DESC LIMIT 1", into(outcome), now;
        });
        return outcome;
    }

    ReceiptOutcome receive(const std::string& ref, const std::string& rawStatus, store::TimeMs at,
                           const std::optional<std::string>& scopedTenant = std::nullopt) {
        store::WebhookEventRecord webhook;
        webhook.receivedAt = at;
        webhook.routePath = "/api/webhooks/sms";
        webhook.providerInstance = "retail";
        webhook.remoteAddr = "203.0.113.9";
        // A provider's callbacks differ at least in their time stamp.
        webhook.payload = R"({"id":")" + ref + R"(","status":")" + rawStatus + R"(","at":)" +
                          std::to_string(at) + "}";
        ReceiptOutcome outcome;
        db_->write([&](Poco::Data::Session& s) {
            outcome = DeliveryReceiptRecorder::record(
                s, *provider_, {ref, rawStatus, "", "", "", ""}, webhook, scopedTenant, at);
        });
        return outcome;
    }

    std::int64_t count(const std::string& table) {
        Poco::Int64 n = 0;
        db_->read(
            [&](Poco::Data::Session& s) { s << "SELECT COUNT(*) FROM " + table, into(n), now; });
        return n;
    }

    std::string status(std::int64_t id) {
        return store::MessageRepository(*db_).getAny(id)->status;
    }

    testing::TempDir dir_;
    std::unique_ptr<testing::TestDatabase> storage_;
    std::unique_ptr<store::Database> db_;
    plugin::PluginRegistry registry_;
    config::AppConfig config_;
    std::unique_ptr<plugin::ProviderSet> providers_;
    const plugin::Provider* provider_ = nullptr;
};

TEST_P(ParkedReceiptTest, AnEarlyReceiptWaitsAndIsAppliedWhenTheReferenceIsStored) {
    const std::int64_t id = inFlight();
    auto outcome = receive("r-1", "delivered", kT0 + 5);
    EXPECT_TRUE(outcome.parked);
    EXPECT_EQ(count("parked_receipts"), 1);
    EXPECT_EQ(count("delivery_events"), 0);
    // The webhook's own re-check finds no message with the reference yet: it stays parked.
    EXPECT_EQ(DeliveryReceiptRecorder::applyParked(*db_, *provider_, "r-1"), 0);
    EXPECT_EQ(count("parked_receipts"), 1);

    store::MessageRepository(*db_).markSent(id, "r-1", 1, kT0 + 9);
    EXPECT_EQ(DeliveryReceiptRecorder::applyParked(*db_, *provider_, "r-1"), 1);
    EXPECT_EQ(status(id), "DELIVERED");
    EXPECT_EQ(count("parked_receipts"), 0);
    ASSERT_EQ(count("delivery_events"), 1);
    Poco::Int64 receivedAt = 0;
    std::string ip;
    db_->read([&](Poco::Data::Session& s) {
        s << "SELECT received_at, ip FROM delivery_events", into(receivedAt), into(ip), now;
    });
    EXPECT_EQ(receivedAt, kT0 + 5);  // when the provider told us, not when it was applied
    EXPECT_EQ(ip, "203.0.113.9");
    EXPECT_EQ(DeliveryReceiptRecorder::applyParked(*db_, *provider_, "r-1"), 0);

    // Later receipts for a stored reference apply at once, as before.
    EXPECT_FALSE(receive("r-1", "delivered", kT0 + 20).parked);
    EXPECT_EQ(count("delivery_events"), 2);
}

TEST_P(ParkedReceiptTest, WithNoSendInFlightAnUnknownReferenceIsIgnoredAsBefore) {
    const std::int64_t id = inFlight();
    store::MessageRepository(*db_).markSent(id, "r-known", 1, kT0 + 1);  // nothing in flight now
    auto outcome = receive("someone-elses-ref", "delivered", kT0 + 2);
    EXPECT_FALSE(outcome.parked);
    EXPECT_EQ(lastWebhookOutcome(), "ignored");
    EXPECT_EQ(count("parked_receipts"), 0);
    EXPECT_EQ(count("delivery_events"), 0);
}

TEST_P(ParkedReceiptTest, TheSameCallbackTwiceIsParkedOnce) {
    const std::int64_t id = inFlight();
    receive("r-6", "delivered", kT0 + 1);
    receive("r-6", "delivered", kT0 + 1);  // the provider repeated it, byte for byte
    EXPECT_EQ(lastWebhookOutcome(), "parked");
    EXPECT_EQ(count("parked_receipts"), 1);
    store::MessageRepository(*db_).markSent(id, "r-6", 1, kT0 + 3);
    EXPECT_EQ(DeliveryReceiptRecorder::applyParked(*db_, *provider_, "r-6"), 1);
    EXPECT_EQ(status(id), "DELIVERED");
}

TEST_P(ParkedReceiptTest, SeveralEarlyReceiptsApplyInArrivalOrderAndOnlyUpwards) {
    const std::int64_t id = inFlight();
    receive("r-2", "sent", kT0 + 1);
    receive("r-2", "failed", kT0 + 2);
    receive("r-2", "delivered", kT0 + 3);  // after a final status: recorded, not applied
    store::MessageRepository(*db_).markSent(id, "r-2", 1, kT0 + 4);
    EXPECT_EQ(DeliveryReceiptRecorder::applyParked(*db_, *provider_, "r-2"), 3);
    EXPECT_EQ(status(id), "FAILED");
    EXPECT_EQ(count("delivery_events"), 3);
    EXPECT_EQ(count("failure_events"), 1);
}

TEST_P(ParkedReceiptTest, ConcurrentHandOversApplyEachReceiptExactlyOnce) {
    const std::int64_t id = inFlight();
    for (int i = 0; i < 5; ++i) receive("r-3", "delivered", kT0 + i);
    store::MessageRepository(*db_).markSent(id, "r-3", 1, kT0 + 10);
    // Four "processes" (pools) hand over at once.
    std::vector<std::unique_ptr<store::Database>> pools;
    for (int i = 0; i < 4; ++i) pools.push_back(storage_->open(2));
    std::atomic<int> applied{0};
    std::vector<std::thread> threads;
    for (auto& pool : pools)
        threads.emplace_back([&, db = pool.get()] {
            applied += DeliveryReceiptRecorder::applyParked(*db, *provider_, "r-3");
        });
    for (auto& t : threads) t.join();
    EXPECT_EQ(applied.load(), 5);
    EXPECT_EQ(count("delivery_events"), 5);
    EXPECT_EQ(count("parked_receipts"), 0);
    EXPECT_EQ(status(id), "DELIVERED");
}

TEST_P(ParkedReceiptTest, AReceiptSignedByOneTenantNeverAppliesToAnothersMessage) {
    const std::int64_t id = inFlight("globex");
    receive("r-4", "delivered", kT0, std::string("acme"));
    store::MessageRepository(*db_).markSent(id, "r-4", 1, kT0 + 1);
    EXPECT_EQ(DeliveryReceiptRecorder::applyParked(*db_, *provider_, "r-4"), 0);
    EXPECT_EQ(status(id), "SENT");
    EXPECT_EQ(count("delivery_events"), 0);
    EXPECT_EQ(count("parked_receipts"), 0);
}

TEST_P(ParkedReceiptTest, TheJobReconcilesMissedHandOversAndDropsWhatNeverMatches) {
    const std::int64_t id = inFlight();
    receive("r-5", "delivered", kT0);
    receive("no-such-message", "delivered", kT0);
    // The process that stored the reference died before handing the receipt over.
    store::MessageRepository(*db_).markSent(id, "r-5", 1, kT0 + 1);

    auto job = app::PeriodicJobs::parkedReceiptJob(*providers_);
    job.run(*db_, kT0 + 1000);
    EXPECT_EQ(status(id), "DELIVERED");
    EXPECT_EQ(count("parked_receipts"), 1);  // the unmatched one waits...
    job.run(*db_, kT0 + DeliveryReceiptRecorder::kParkedLifetimeMs);
    EXPECT_EQ(count("parked_receipts"), 1);
    job.run(*db_, kT0 + DeliveryReceiptRecorder::kParkedLifetimeMs + 1);
    EXPECT_EQ(count("parked_receipts"), 0);  // ...for 24 hours
    EXPECT_EQ(count("delivery_events"), 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, ParkedReceiptTest,
                         ::testing::ValuesIn(testing::storageBackends()), testing::backendName);

}  // namespace
}  // namespace switchboard::messaging
