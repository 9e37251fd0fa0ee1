// The token-bucket limiter behind per-source webhook limits and per-tenant API limits,
// driven by a hand-moved clock so every refill is exact.
#include "http/RateLimiter.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace switchboard::http {
namespace {

class ManualClock : public util::Clock {
  public:
    std::int64_t nowMs() const override { return now_.load(); }
    void advance(std::int64_t ms) { now_ += ms; }
    void set(std::int64_t ms) { now_ = ms; }

  private:
    std::atomic<std::int64_t> now_{1'700'000'000'000};
};

int allowedInARow(RateLimiter& limiter, const std::string& key, int attempts) {
    int allowed = 0;
    for (int i = 0; i < attempts; ++i) allowed += limiter.acquire(key).allowed ? 1 : 0;
    return allowed;
}

TEST(RateLimiter, ABurstPassesThenRequestsAreRefusedWithRetryAfter) {
    ManualClock clock;
    RateLimiter limiter(1.0, 5, clock);
    EXPECT_EQ(allowedInARow(limiter, "a", 5), 5);
    auto refused = limiter.acquire("a");
    EXPECT_FALSE(refused.allowed);
    EXPECT_EQ(refused.retryAfterS, 1);
}

TEST(RateLimiter, TokensRefillAtTheConfiguredRateAndNeverBeyondTheBurst) {
    ManualClock clock;
    RateLimiter limiter(2.0, 4, clock);  // one token per 500 ms
    EXPECT_EQ(allowedInARow(limiter, "a", 4), 4);
    clock.advance(499);
    EXPECT_FALSE(limiter.acquire("a").allowed);
    clock.advance(1);
    EXPECT_TRUE(limiter.acquire("a").allowed);
    EXPECT_FALSE(limiter.acquire("a").allowed);
    clock.advance(60'000);  // a long pause refills to the burst, not to 120 tokens
    EXPECT_EQ(allowedInARow(limiter, "a", 10), 4);
}

TEST(RateLimiter, RetryAfterIsTheWholeSecondsUntilTheNextToken) {
    ManualClock clock;
    RateLimiter limiter(0.1, 1, clock);  // one token per 10 s
    EXPECT_TRUE(limiter.acquire("a").allowed);
    EXPECT_EQ(limiter.acquire("a").retryAfterS, 10);
    clock.advance(3'500);
    EXPECT_EQ(limiter.acquire("a").retryAfterS, 7);  // 6.5 s rounded up
    clock.advance(6'499);
    EXPECT_EQ(limiter.acquire("a").retryAfterS, 1);
    clock.advance(1);
    EXPECT_TRUE(limiter.acquire("a").allowed);
}

TEST(RateLimiter, KeysHaveTheirOwnBuckets) {
    ManualClock clock;
    RateLimiter limiter(1.0, 2, clock);
    EXPECT_EQ(allowedInARow(limiter, "203.0.113.1", 5), 2);
    EXPECT_EQ(allowedInARow(limiter, "203.0.113.2", 5), 2);
    EXPECT_EQ(allowedInARow(limiter, "acme", 1), 1);
}

TEST(RateLimiter, AClockSteppingBackNeitherRefillsNorBreaksTheBucket) {
    ManualClock clock;
    RateLimiter limiter(1.0, 2, clock);
    EXPECT_EQ(allowedInARow(limiter, "a", 2), 2);
    clock.advance(-3'600'000);  // NTP steps the wall clock back an hour
    EXPECT_FALSE(limiter.acquire("a").allowed);
    clock.advance(3'600'000 + 1'000);  // back to where it was, plus one second
    EXPECT_TRUE(limiter.acquire("a").allowed);
}

TEST(RateLimiter, RefusalsAreReportedOncePerIntervalWithTheCountInBetween) {
    ManualClock clock;
    RateLimiter limiter(0.001, 1, clock, 1000, 10'000);
    EXPECT_TRUE(limiter.acquire("a").allowed);
    auto first = limiter.acquire("a");
    EXPECT_TRUE(first.report);
    EXPECT_EQ(first.unreported, 0u);
    for (int i = 0; i < 7; ++i) EXPECT_FALSE(limiter.acquire("a").report);
    clock.advance(10'000);
    auto next = limiter.acquire("a");
    EXPECT_FALSE(next.allowed);
    EXPECT_TRUE(next.report);
    EXPECT_EQ(next.unreported, 7u);
    // Another key is reported on its own schedule.
    EXPECT_TRUE(limiter.acquire("b").allowed);
    EXPECT_TRUE(limiter.acquire("b").report);
}

TEST(RateLimiter, MemoryIsBoundedAndIdleKeysAreDropped) {
    ManualClock clock;
    RateLimiter limiter(1.0, 2, clock, 100);
    for (int i = 0; i < 1000; ++i) limiter.acquire("10.0.0." + std::to_string(i));
    EXPECT_LE(limiter.size(), 100u);
    // Once every bucket has refilled, the next request drops them all: they hold nothing
    // an absent key would not.
    clock.advance(5'000);
    limiter.acquire("fresh");
    EXPECT_EQ(limiter.size(), 1u);
}

TEST(RateLimiter, TheBoundEvictsTheLeastRecentlyUsedBucket) {
    ManualClock clock;
    RateLimiter limiter(0.001, 1, clock, 2);
    EXPECT_TRUE(limiter.acquire("old").allowed);
    EXPECT_TRUE(limiter.acquire("recent").allowed);
    EXPECT_FALSE(limiter.acquire("recent").allowed);
    EXPECT_TRUE(limiter.acquire("new").allowed);  // evicts "old", the least recently used
    EXPECT_FALSE(limiter.acquire("recent").allowed);
    EXPECT_EQ(limiter.size(), 2u);
    EXPECT_TRUE(limiter.acquire("old").allowed);  // forgotten, so it starts full again
}

TEST(RateLimiter, ConcurrentCallersNeverGetMoreThanTheBurst) {
    ManualClock clock;  // frozen: no refill during the test
    RateLimiter limiter(1.0, 500, clock);
    std::atomic<int> allowed{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t)
        threads.emplace_back([&] {
            for (int i = 0; i < 200; ++i) allowed += limiter.acquire("shared").allowed ? 1 : 0;
        });
    for (auto& t : threads) t.join();
    EXPECT_EQ(allowed.load(), 500);
}

TEST(RateLimiter, RefusesANonsensicalLimit) {
    ManualClock clock;
    EXPECT_THROW(RateLimiter(0.0, 5, clock), std::invalid_argument);
    EXPECT_THROW(RateLimiter(1.0, 0.5, clock), std::invalid_argument);
}

}  // namespace
}  // namespace switchboard::http
