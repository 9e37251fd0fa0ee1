#include "app/PeriodicJobs.h"
#include "store/Database.h"
#include "store/MessageRepository.h"
#include "store/TenantRepository.h"
#include "support/TempDir.h"
#include "support/TestDatabase.h"

#include <Poco/Data/Session.h>
#include <gtest/gtest.h>

#include <atomic>
#include <future>

using namespace Poco::Data::Keywords;

namespace switchboard::app {
namespace {

class FixedClock : public util::Clock {
  public:
    std::int64_t nowMs() const override { return now; }
    std::int64_t now = 100'000;
};

class PeriodicJobsTest : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        storage_ = std::make_unique<testing::TestDatabase>(GetParam(), dir_);
        db_ = storage_->open(4);
        db_->migrate();
        store::TenantRepository(*db_).bootstrap({"acme", "Acme", "Acme", "p", false}, {}, {}, 1);
    }

    std::int64_t leasedMessage(std::int64_t lockedUntil) {
        std::int64_t id = 0;
        db_->write([&](Poco::Data::Session& s) {
            store::Message m;
            m.tenantId = "acme";
            m.direction = "outbound";
            m.kind = "initial";
            m.toNumber = "+15550107777";
            m.body = "x";
            m.status = "QUEUED";
            m.providerInstance = "p";
            m.nextAttemptAt = 1;
            m.createdAt = m.updatedAt = 1;
            id = store::MessageRepository::insert(s, m);
            Poco::Int64 until = lockedUntil;
            Poco::Int64 key = id;
            s << "UPDATE messages SET locked_until = $1, lock_owner = 'dead-host:42' WHERE id = $2",
                bind(until), bind(key), now;
        });
        return id;
    }

    bool leased(std::int64_t id) {
        Poco::Nullable<Poco::Int64> until;
        db_->read([&](Poco::Data::Session& s) {
            Poco::Int64 key = id;
            s << "SELECT locked_until FROM messages WHERE id = $1", bind(key), into(until), now;
        });
        return !until.isNull();
    }

    testing::TempDir dir_;
    std::unique_ptr<testing::TestDatabase> storage_;
    std::unique_ptr<store::Database> db_;
    FixedClock clock_;
};

TEST_P(PeriodicJobsTest, LeaseRecoveryReleasesOnlyExpiredLeases) {
    auto expired = leasedMessage(50'000);
    auto live = leasedMessage(150'000);
    PeriodicJobs jobs(*db_, clock_);
    for (auto& job : PeriodicJobs::standardJobs()) jobs.add(std::move(job));
    jobs.runAllOnce();
    EXPECT_FALSE(leased(expired));
    EXPECT_TRUE(leased(live));
    // The released message is claimable again.
    auto claimed = store::MessageRepository(*db_).claimDue("new-owner", 100'000, 160'000, 10);
    ASSERT_EQ(claimed.size(), 1u);
    EXPECT_EQ(claimed.front().id, expired);
}

TEST_P(PeriodicJobsTest, AJobRunsInOneProcessAtATime) {
    if (GetParam() == "sqlite") {
        // One process per SQLite file: the job simply runs.
        bool ran = false;
        EXPECT_TRUE(db_->runExclusively(7, [&] { ran = true; }));
        EXPECT_TRUE(ran);
        return;
    }
    auto other = storage_->open(2);  // another process's pool
    std::promise<void> holding, release;
    auto releaseFuture = release.get_future();
    std::thread holder([&] {
        other->runExclusively(7, [&] {
            holding.set_value();
            releaseFuture.wait();
        });
    });
    holding.get_future().wait();
    bool ran = false;
    EXPECT_FALSE(db_->runExclusively(7, [&] { ran = true; }));
    EXPECT_FALSE(ran);
    release.set_value();
    holder.join();
    EXPECT_TRUE(db_->runExclusively(7, [&] { ran = true; }));
    EXPECT_TRUE(ran);
}

INSTANTIATE_TEST_SUITE_P(Backends, PeriodicJobsTest,
                         ::testing::ValuesIn(testing::storageBackends()), testing::backendName);

}  // namespace
}  // namespace switchboard::app
