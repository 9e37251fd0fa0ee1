// Webhook storage is idempotent in the schema (migration 009), on SQLite and PostgreSQL:
//  - a transaction re-run after its commit went through but its acknowledgement was lost
//    (Database::write retries the body on a fresh session) stores nothing twice;
//  - the unique indexes refuse a second copy of an MO or of a numbered callback;
//  - copies of one callback handled at the same time by several pools (processes) apply once.
// Real sb_extreme.so and sb_smsretail.so status tables.
#include "config/ConfigLoader.h"
#include "messaging/DeliveryReceiptRecorder.h"
#include "messaging/InboundMessageRecorder.h"
#include "plugin/PluginRegistry.h"
#include "plugin/ProviderSet.h"
#include "store/DeliveryEventRepository.h"
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

class WebhookIdempotencyTest : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        storage_ = std::make_unique<testing::TestDatabase>(GetParam(), dir_);
        db_ = storage_->open(4);
        ASSERT_GE(db_->migrate(), 1);
        store::TenantRepository(*db_).bootstrap({"acme", "Acme", "Acme", "retail", false},
                                                {"+15550100001"}, {}, 1);
        registry_.loadDirectory(SWITCHBOARD_PLUGIN_DIR);
        config_ = config::loadConfigText(
            "admin:\n  api_key: test-admin-key-0123456789\nproviders:\n  - id: retail\n"
            "    plugin: smsretail\n    config:\n      webhook_secret: s3cret-for-tests\n"
            "  - id: extreme\n    plugin: extreme\n    config:\n      api_key: ext-key-0123456\n",
            dir_.path());
        providers_ = std::make_unique<plugin::ProviderSet>(config_, registry_);
        retail_ = providers_->find("retail");
        extreme_ = providers_->find("extreme");
        ASSERT_NE(retail_, nullptr);
        ASSERT_NE(extreme_, nullptr);
    }

    /// An outbound message already SENT with provider reference `ref`.
    std::int64_t sent(const std::string& ref) {
        store::Message m;
        m.tenantId = "acme";
        m.direction = "outbound";
        m.kind = "initial";
        m.toNumber = "+15557654321";
        m.body = "hello";
        m.status = store::status::kQueued;
        m.providerInstance = "retail";
        m.createdAt = m.updatedAt = kT0;
        std::int64_t id = 0;
        db_->write([&](Poco::Data::Session& s) {
            id = store::MessageRepository::insert(s, m);
            store::MessageRepository::markSent(s, id, ref, 1, kT0);
        });
        return id;
    }

    static store::WebhookEventRecord webhookFor(const std::string& instance,
                                                const std::string& payload) {
        store::WebhookEventRecord webhook;
        webhook.receivedAt = kT0;
        webhook.routePath = "/api/webhooks/sms";
        webhook.providerInstance = instance;
        webhook.remoteAddr = "203.0.113.9";
        webhook.payload = payload;
        return webhook;
    }

    ReceiptOutcome receive(store::Database& db, const ReceiptEvent& receipt) {
        ReceiptOutcome outcome;
        db.write([&](Poco::Data::Session& s) {
            outcome = DeliveryReceiptRecorder::record(
                s, *retail_, receipt,
                webhookFor("retail", R"({"id":")" + receipt.providerRef + R"(","status":")" +
                                         receipt.rawStatus + "\"}"),
                std::nullopt, kT0);
        });
        return outcome;
    }

    std::string receiveInbound(const InboundEvent& in) {
        std::string fragment;
        db_->write([&](Poco::Data::Session& s) {
            fragment = InboundMessageRecorder::record(s, *db_, *extreme_, in,
                                                      webhookFor("extreme", R"({"id":"mo-1"})"),
                                                      OptOutKeywords(), kT0);
        });
        return fragment;
    }

    std::int64_t count(const std::string& sql) {
        Poco::Int64 n = 0;
        db_->read([&](Poco::Data::Session& s) { s << sql, into(n), now; });
        return n;
    }

    testing::TempDir dir_;
    std::unique_ptr<testing::TestDatabase> storage_;
    std::unique_ptr<store::Database> db_;
    plugin::PluginRegistry registry_;
    config::AppConfig config_;
    std::unique_ptr<plugin::ProviderSet> providers_;
    const plugin::Provider* retail_ = nullptr;
    const plugin::Provider* extreme_ = nullptr;
};

// What Database::write does when the commit went through but the connection dropped before
// its acknowledgement: the same body, with the same request's values, runs again.
TEST_P(WebhookIdempotencyTest, AReRunOfACommittedWebhookTransactionStoresNothingTwice) {
    const std::int64_t id = sent("ref-1");
    const ReceiptEvent receipt{"ref-1", "undelivered", "EC1", "absent", {}, "request:abc:0"};
    EXPECT_EQ(receive(*db_, receipt).logFragment.find("duplicate"), std::string::npos);
    EXPECT_NE(receive(*db_, receipt).logFragment.find("duplicate"), std::string::npos);
    EXPECT_EQ(count("SELECT COUNT(*) FROM delivery_events"), 1);
    EXPECT_EQ(count("SELECT COUNT(*) FROM failure_events"), 1);
    EXPECT_EQ(store::MessageRepository(*db_).getAny(id)->status, "FAILED");
    EXPECT_EQ(count("SELECT COUNT(*) FROM webhook_events WHERE outcome = 'duplicate' AND "
                    "reason_code = 'duplicate'"),
              1);

    InboundEvent in;
    in.from = "+15557654321";
    in.to = "+15550100001";
    in.text = "hi";
    in.providerMessageId = "mo-1";
    EXPECT_NE(receiveInbound(in).find("message="), std::string::npos);
    EXPECT_NE(receiveInbound(in).find("duplicate=mo-1"), std::string::npos);
    EXPECT_EQ(count("SELECT COUNT(*) FROM messages WHERE direction = 'inbound'"), 1);
}

TEST_P(WebhookIdempotencyTest, TheSchemaRefusesASecondCopy) {
    store::Message mo;
    mo.tenantId = "acme";
    mo.direction = "inbound";
    mo.fromNumber = "+15557654321";
    mo.toNumber = "+15550100001";
    mo.body = "hi";
    mo.status = store::status::kReceived;
    mo.providerInstance = "extreme";
    mo.providerRef = "mo-9";
    mo.createdAt = mo.updatedAt = kT0;
    db_->write([&](Poco::Data::Session& s) {
        EXPECT_TRUE(store::MessageRepository::insertInbound(s, mo));
        EXPECT_FALSE(store::MessageRepository::insertInbound(s, mo));
        // Another instance's MO may carry the same id.
        store::Message other = mo;
        other.providerInstance = "retail";
        EXPECT_TRUE(store::MessageRepository::insertInbound(s, other));
    });
    // Not even the unguarded insert can store it twice.
    EXPECT_THROW(
        db_->write([&](Poco::Data::Session& s) { store::MessageRepository::insert(s, mo); }),
        std::exception);
    EXPECT_EQ(count("SELECT COUNT(*) FROM messages WHERE provider_ref = 'mo-9'"), 2);

    const std::int64_t id = sent("ref-9");
    store::DeliveryEvent event;
    event.messageId = id;
    event.tenantId = "acme";
    event.providerInstance = "retail";
    event.providerRef = "ref-9";
    event.status = "DELIVERED";
    event.rawStatus = "delivered";
    event.rawPayload = "{}";
    event.receivedAt = kT0;
    event.callbackKey = "provider:tok-1";
    db_->write([&](Poco::Data::Session& s) {
        EXPECT_TRUE(store::DeliveryEventRepository::append(s, event));
        EXPECT_FALSE(store::DeliveryEventRepository::append(s, event));
        store::DeliveryEvent unnumbered = event;
        unnumbered.callbackKey.clear();  // rows from before migration 009 never collide
        EXPECT_TRUE(store::DeliveryEventRepository::append(s, unnumbered));
        EXPECT_TRUE(store::DeliveryEventRepository::append(s, unnumbered));
    });
    EXPECT_EQ(count("SELECT COUNT(*) FROM delivery_events"), 3);
}

TEST_P(WebhookIdempotencyTest, CopiesOfOneCallbackOnSeveralProcessesApplyOnce) {
    // Ten callbacks, each arriving at four "processes" (pools) at the same moment.
    std::vector<std::int64_t> ids;
    for (int i = 0; i < 10; ++i) ids.push_back(sent("race-" + std::to_string(i)));
    std::vector<std::unique_ptr<store::Database>> pools;
    for (int i = 0; i < 4; ++i) pools.push_back(storage_->open(2));
    std::atomic<int> duplicates{0};
    std::atomic<int> errors{0};
    for (int i = 0; i < 10; ++i) {
        const ReceiptEvent receipt{"race-" + std::to_string(i),          "undelivered", "", "", {},
                                   "provider:token-" + std::to_string(i)};
        std::atomic<int> ready{0};
        std::vector<std::thread> threads;
        for (auto& pool : pools)
            threads.emplace_back([&, db = pool.get()] {
                ++ready;
                while (ready < 4) std::this_thread::yield();
                try {
                    if (receive(*db, receipt).logFragment.find("duplicate") != std::string::npos)
                        ++duplicates;
                } catch (const std::exception&) {
                    ++errors;  // a refused twin must not fail the request
                }
            });
        for (auto& t : threads) t.join();
    }
    EXPECT_EQ(errors.load(), 0);
    EXPECT_EQ(duplicates.load(), 30);
    EXPECT_EQ(count("SELECT COUNT(*) FROM delivery_events"), 10);
    EXPECT_EQ(count("SELECT COUNT(*) FROM delivery_events WHERE applied = 1"), 10);
    EXPECT_EQ(count("SELECT COUNT(*) FROM failure_events"), 10);
    for (auto id : ids) EXPECT_EQ(store::MessageRepository(*db_).getAny(id)->status, "FAILED");
}

INSTANTIATE_TEST_SUITE_P(Backends, WebhookIdempotencyTest,
                         ::testing::ValuesIn(testing::storageBackends()), testing::backendName);

}  // namespace
}  // namespace switchboard::messaging
