// Idempotency-Key reservations: who gets to run a request, when an abandoned reservation
// may be taken over, and that a taken-over reservation can neither complete nor release.
#include "store/Database.h"
#include "store/IdempotencyRepository.h"
#include "store/TenantRepository.h"
#include "support/TempDir.h"
#include "support/TestDatabase.h"
#include "util/Digest.h"

#include <Poco/Data/Session.h>
#include <gtest/gtest.h>

using namespace Poco::Data::Keywords;

namespace switchboard::store {
namespace {

constexpr TimeMs kDay = 24LL * 3600 * 1000;
constexpr TimeMs kAbandoned = 60'000;

class IdempotencyRepositoryTest : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        storage_ = std::make_unique<testing::TestDatabase>(GetParam(), dir_);
        db_ = storage_->open(2);
        ASSERT_GE(db_->migrate(), 1);
        TenantRepository(*db_).bootstrap({"acme", "Acme", "Acme Clinic", "extreme-main", false},
                                         {"+15550100001"}, {util::sha256Hex("acme-key")}, 1000);
    }

    std::optional<IdempotencyRecord> reserve(const std::string& fingerprint, TimeMs at) {
        return IdempotencyRepository(*db_).reserve("acme", "order-1", "POST /api/sms/send",
                                                   fingerprint, at, at - kDay, at - kAbandoned);
    }

    bool complete(TimeMs reservedAt, const std::string& body) {
        bool done = false;
        db_->write([&](Poco::Data::Session& s) {
            done = IdempotencyRepository::complete(s, "acme", "order-1", reservedAt, 202, body);
        });
        return done;
    }

    testing::TempDir dir_;
    std::unique_ptr<testing::TestDatabase> storage_;
    std::unique_ptr<Database> db_;
};

TEST_P(IdempotencyRepositoryTest, TheFirstReservesAndARepeatFindsThePendingThenTheDoneRecord) {
    EXPECT_FALSE(reserve("fp", 1'000'000));
    auto pending = reserve("fp", 1'000'500);
    ASSERT_TRUE(pending);
    EXPECT_EQ(pending->state, "pending");
    EXPECT_EQ(pending->fingerprint, "fp");

    ASSERT_TRUE(complete(1'000'000, R"({"id":7})"));
    auto done = reserve("fp", 1'001'000);
    ASSERT_TRUE(done);
    EXPECT_EQ(done->state, "done");
    EXPECT_EQ(done->responseStatus, 202);
    EXPECT_EQ(done->responseBody, R"({"id":7})");
}

TEST_P(IdempotencyRepositoryTest, APendingReservationIsTakenOverOnlyOnceAbandoned) {
    const TimeMs t0 = 5'000'000;
    ASSERT_FALSE(reserve("fp", t0));
    // One ms short of abandoned: still somebody else's.
    auto stillPending = reserve("fp", t0 + kAbandoned);
    ASSERT_TRUE(stillPending);
    EXPECT_EQ(stillPending->state, "pending");
    // Abandoned: the repeat runs as if first...
    const TimeMs t1 = t0 + kAbandoned + 1;
    EXPECT_FALSE(reserve("fp", t1));
    // ...and the original, should it still be running, can neither complete nor free it.
    EXPECT_FALSE(complete(t0, R"({"id":1})"));
    IdempotencyRepository(*db_).release("acme", "order-1", t0);
    auto current = reserve("fp", t1 + 1);
    ASSERT_TRUE(current);
    EXPECT_EQ(current->state, "pending");
    EXPECT_TRUE(complete(t1, R"({"id":2})"));
    EXPECT_EQ(reserve("fp", t1 + 2)->responseBody, R"({"id":2})");
}

TEST_P(IdempotencyRepositoryTest, ADoneRecordIsReplayedForADayWhateverItsAge) {
    const TimeMs t0 = 9'000'000;
    ASSERT_FALSE(reserve("fp", t0));
    ASSERT_TRUE(complete(t0, R"({"id":3})"));
    auto late = reserve("fp", t0 + kDay - 1);
    ASSERT_TRUE(late);
    EXPECT_EQ(late->state, "done");
    // After the replay window the key is free again.
    EXPECT_FALSE(reserve("other-fp", t0 + kDay + 1));
}

TEST_P(IdempotencyRepositoryTest, ReleaseFreesOnlyItsOwnPendingReservation) {
    const TimeMs t0 = 2'000'000;
    ASSERT_FALSE(reserve("fp", t0));
    IdempotencyRepository(*db_).release("acme", "order-1", t0 + 1);  // not ours: kept
    EXPECT_TRUE(reserve("fp", t0 + 2));
    IdempotencyRepository(*db_).release("acme", "order-1", t0);
    EXPECT_FALSE(reserve("fp", t0 + 3));  // free again: reserved anew
    ASSERT_TRUE(complete(t0 + 3, "{}"));
    IdempotencyRepository(*db_).release("acme", "order-1", t0 + 3);  // done: never released
    EXPECT_EQ(reserve("fp", t0 + 4)->state, "done");
}

TEST_P(IdempotencyRepositoryTest, CompletingInARolledBackTransactionLeavesTheKeyPending) {
    const TimeMs t0 = 3'000'000;
    ASSERT_FALSE(reserve("fp", t0));
    EXPECT_THROW(db_->write([&](Poco::Data::Session& s) {
        ASSERT_TRUE(IdempotencyRepository::complete(s, "acme", "order-1", t0, 202, "{}"));
        throw std::runtime_error("the request's own writes failed");
    }),
                 std::runtime_error);
    EXPECT_EQ(reserve("fp", t0 + 1)->state, "pending");
}

INSTANTIATE_TEST_SUITE_P(Backends, IdempotencyRepositoryTest,
                         ::testing::ValuesIn(testing::storageBackends()), testing::backendName);

}  // namespace
}  // namespace switchboard::store
