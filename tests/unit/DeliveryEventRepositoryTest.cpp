// The delivery-log queries on a known data set with explicit times, and the log's
// immutability enforced by the database itself.
#include "store/Database.h"
#include "store/DeliveryEventRepository.h"
#include "store/MessageRepository.h"
#include "store/TenantRepository.h"
#include "support/TempDir.h"
#include "support/TestDatabase.h"

#include <Poco/Data/Session.h>
#include <gtest/gtest.h>

using namespace Poco::Data::Keywords;

namespace switchboard::store {
namespace {

class DeliveryEventRepositoryTest : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        storage_ = std::make_unique<testing::TestDatabase>(GetParam(), dir_);
        db_ = storage_->open(4);
        db_->migrate();
        TenantRepository tenants(*db_);
        tenants.bootstrap({"acme", "Acme", "Acme", "p", false}, {}, {}, 1);
        tenants.bootstrap({"globex", "Globex", "Globex", "p", false}, {}, {}, 1);
    }

    /// A SENT outbound message with provider reference `ref`, accepted at `sentAt`.
    std::int64_t sentMessage(const std::string& tenant, const std::string& ref, TimeMs sentAt) {
        std::int64_t id = 0;
        db_->write([&](Poco::Data::Session& s) {
            Message m;
            m.tenantId = tenant;
            m.direction = "outbound";
            m.kind = "initial";
            m.toNumber = "+15550107777";
            m.body = "x";
            m.status = "QUEUED";
            m.providerInstance = "p";
            m.createdAt = m.updatedAt = 1;
            id = MessageRepository::insert(s, m);
            MessageRepository::markSent(s, id, ref, 1, sentAt);
        });
        return id;
    }

    void event(std::int64_t messageId, const std::string& tenant, const std::string& ref,
               const std::string& status, TimeMs at) {
        db_->write([&](Poco::Data::Session& s) {
            DeliveryEvent e;
            e.messageId = messageId;
            e.tenantId = tenant;
            e.providerInstance = "p";
            e.providerRef = ref;
            e.status = status;
            e.rawStatus = status;
            e.rawPayload = "{}";
            e.receivedAt = at;
            DeliveryEventRepository::append(s, e);
        });
    }

    testing::TempDir dir_;
    std::unique_ptr<testing::TestDatabase> storage_;
    std::unique_ptr<Database> db_;
};

TEST_P(DeliveryEventRepositoryTest, SummaryOnAKnownDataSet) {
    // m1: SENT event at 10 s, DELIVERED at 40 s            → 30 s
    // m2: no SENT event (accepted at 100 s), DELIVERED 190 s → 90 s
    // m3: SENT at 200 s, FAILED at 260 s                    → not in the mean
    // m4 (other tenant): SENT 0 s, DELIVERED 1000 s          → never counted for acme
    auto m1 = sentMessage("acme", "r1", 5'000);
    auto m2 = sentMessage("acme", "r2", 100'000);
    auto m3 = sentMessage("acme", "r3", 199'000);
    auto m4 = sentMessage("globex", "r4", 0);
    event(m1, "acme", "r1", "SENT", 10'000);
    event(m1, "acme", "r1", "DELIVERED", 40'000);
    event(m1, "acme", "r1", "DELIVERED", 50'000);  // duplicate: the first DELIVERED counts
    event(m2, "acme", "r2", "DELIVERED", 190'000);
    event(m3, "acme", "r3", "SENT", 200'000);
    event(m3, "acme", "r3", "FAILED", 260'000);
    event(m4, "globex", "r4", "SENT", 0);
    event(m4, "globex", "r4", "DELIVERED", 1'000'000);

    DeliveryEventRepository repo(*db_);
    DeliverySummary all = repo.summary("acme", {});
    EXPECT_EQ(all.totalEvents, 6);
    EXPECT_EQ(all.delivered, 3);
    EXPECT_EQ(all.failed, 1);
    ASSERT_TRUE(all.meanSecondsToDeliver);
    EXPECT_DOUBLE_EQ(*all.meanSecondsToDeliver, 60.0);  // (30 + 90) / 2

    DeliveryLogFilter window;
    window.from = 100'000;
    window.to = 300'000;
    DeliverySummary late = repo.summary("acme", window);
    EXPECT_EQ(late.totalEvents, 3);  // m2 DELIVERED, m3 SENT, m3 FAILED
    ASSERT_TRUE(late.meanSecondsToDeliver);
    EXPECT_DOUBLE_EQ(*late.meanSecondsToDeliver, 90.0);

    DeliveryLogFilter failedOnly;
    failedOnly.status = "FAILED";
    EXPECT_FALSE(repo.summary("acme", failedOnly).meanSecondsToDeliver);

    DeliverySummary nobody = repo.summary("initech", {});
    EXPECT_EQ(nobody.totalEvents, 0);
    EXPECT_FALSE(nobody.meanSecondsToDeliver);
}

TEST_P(DeliveryEventRepositoryTest, ListIsNewestFirstTenantScopedAndPaged) {
    auto m1 = sentMessage("acme", "r1", 1);
    auto m2 = sentMessage("globex", "r2", 1);
    for (int i = 0; i < 5; ++i) event(m1, "acme", "r1", "SENT", 1000 + i);
    event(m2, "globex", "r2", "SENT", 5000);
    DeliveryEventRepository repo(*db_);
    std::int64_t total = 0;
    auto page = repo.list("acme", {}, {2, 2}, total);
    EXPECT_EQ(total, 5);
    ASSERT_EQ(page.size(), 2u);
    EXPECT_EQ(page[0].receivedAt, 1002);
    EXPECT_EQ(page[1].receivedAt, 1001);
    EXPECT_EQ(repo.forMessage("globex", m1).size(), 0u);  // not globex's message
    EXPECT_EQ(repo.forMessage("acme", m1).front().receivedAt, 1000);
}

TEST_P(DeliveryEventRepositoryTest, TheDatabaseRefusesToUpdateOrDeleteEvents) {
    auto m1 = sentMessage("acme", "r1", 1);
    event(m1, "acme", "r1", "DELIVERED", 1000);
    EXPECT_THROW(db_->write([](Poco::Data::Session& s) {
        s << "UPDATE delivery_events SET status = 'FAILED'", now;
    }),
                 StoreUnavailable);
    EXPECT_THROW(
        db_->write([](Poco::Data::Session& s) { s << "DELETE FROM delivery_events", now; }),
        StoreUnavailable);
    EXPECT_EQ(DeliveryEventRepository(*db_).forMessage("acme", m1).front().status, "DELIVERED");
}

INSTANTIATE_TEST_SUITE_P(Backends, DeliveryEventRepositoryTest,
                         ::testing::ValuesIn(testing::storageBackends()), testing::backendName);

}  // namespace
}  // namespace switchboard::store
