#include "messaging/RetryPolicy.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <random>

namespace switchboard::messaging {
namespace {

constexpr std::int64_t kHourMs = 3'600'000;

TEST(RetryPolicy, MayRetryUntilMaxAttempts) {
    RetryPolicy policy(4, 2000, 0.2);
    EXPECT_TRUE(policy.mayRetry(0));
    EXPECT_TRUE(policy.mayRetry(1));
    EXPECT_TRUE(policy.mayRetry(3));
    EXPECT_FALSE(policy.mayRetry(4));
    EXPECT_FALSE(policy.mayRetry(5));

    RetryPolicy single(1, 2000, 0.2);
    EXPECT_TRUE(single.mayRetry(0));
    EXPECT_FALSE(single.mayRetry(1));
}

TEST(RetryPolicy, WithoutJitterDelaysDouble) {
    RetryPolicy policy(4, 2000, 0.0);
    std::mt19937_64 rng(1);
    EXPECT_EQ(policy.delayMs(1, 0, rng), 2000);
    EXPECT_EQ(policy.delayMs(2, 0, rng), 4000);
    EXPECT_EQ(policy.delayMs(3, 0, rng), 8000);
    EXPECT_EQ(policy.delayMs(4, 0, rng), 16000);
    // Zero or negative attempts count as the first.
    EXPECT_EQ(policy.delayMs(0, 0, rng), 2000);
    EXPECT_EQ(policy.delayMs(-3, 0, rng), 2000);
}

TEST(RetryPolicy, JitteredDelaysStayWithinBoundsAndSpread) {
    RetryPolicy policy(4, 2000, 0.2);
    std::mt19937_64 rng(20261121);
    struct Expectation {
        int attempt;
        std::int64_t base;
    };
    for (Expectation e : {Expectation{1, 2000}, Expectation{2, 4000}, Expectation{3, 8000}}) {
        const std::int64_t low = e.base * 8 / 10;
        const std::int64_t high = e.base * 12 / 10;
        std::int64_t smallest = std::numeric_limits<std::int64_t>::max();
        std::int64_t largest = 0;
        double sum = 0;
        const int samples = 20000;
        for (int i = 0; i < samples; ++i) {
            std::int64_t d = policy.delayMs(e.attempt, 0, rng);
            ASSERT_GE(d, low) << "attempt " << e.attempt;
            ASSERT_LE(d, high) << "attempt " << e.attempt;
            smallest = std::min(smallest, d);
            largest = std::max(largest, d);
            sum += static_cast<double>(d);
        }
        // Jitter is really applied, over (almost) the whole ±20 % band, centred on the base.
        EXPECT_LT(smallest, e.base * 82 / 100) << "attempt " << e.attempt;
        EXPECT_GT(largest, e.base * 118 / 100) << "attempt " << e.attempt;
        EXPECT_NEAR(sum / samples, static_cast<double>(e.base), e.base * 0.01)
            << "attempt " << e.attempt;
    }
}

TEST(RetryPolicy, SameSeedGivesSameDelays) {
    RetryPolicy policy(4, 2000, 0.2);
    std::mt19937_64 a(7), b(7);
    for (int i = 0; i < 100; ++i) EXPECT_EQ(policy.delayMs(2, 0, a), policy.delayMs(2, 0, b));
}

TEST(RetryPolicy, RetryAfterIsAFloor) {
    RetryPolicy policy(4, 2000, 0.2);
    std::mt19937_64 rng(3);
    for (int i = 0; i < 1000; ++i) {
        // Longer than any jittered backoff: exactly the provider's wish.
        EXPECT_EQ(policy.delayMs(1, 30'000, rng), 30'000);
        // Shorter than the backoff: the backoff wins.
        std::int64_t d = policy.delayMs(3, 1000, rng);
        EXPECT_GE(d, 6400);
        EXPECT_LE(d, 9600);
    }
}

TEST(RetryPolicy, DelayIsCappedAtOneHour) {
    RetryPolicy policy(100, 2000, 0.2);
    std::mt19937_64 rng(11);
    // 2 s · 2^20 ≈ 24 days.
    EXPECT_EQ(policy.delayMs(21, 0, rng), kHourMs);
    // A Retry-After beyond an hour is capped too.
    EXPECT_EQ(policy.delayMs(1, 10 * kHourMs, rng), kHourMs);
    // Just below the cap stays below it.
    RetryPolicy slow(4, 1'000'000, 0.0);
    EXPECT_EQ(slow.delayMs(2, 0, rng), 2'000'000);
    EXPECT_EQ(slow.delayMs(3, 0, rng), kHourMs);
}

TEST(RetryPolicy, HugeAttemptCountsStayAtTheCap) {
    // dispatch.max_attempts allows 100 and backoff_initial_ms up to 1e9: the exponential
    // overflows int64 long before that and must still give the one-hour cap, never 0.
    RetryPolicy policy(100, 2000, 0.2);
    RetryPolicy slowest(100, 1'000'000'000, 0.9);
    std::mt19937_64 rng(5);
    for (int attempt = 1; attempt <= 100; ++attempt) {
        std::int64_t d = policy.delayMs(attempt, 0, rng);
        EXPECT_GE(d, 1600) << "attempt " << attempt;
        EXPECT_LE(d, kHourMs) << "attempt " << attempt;
        if (attempt >= 13) {
            EXPECT_EQ(d, kHourMs) << "attempt " << attempt;  // 2 s · 2^12 · 0.8 > 1 h
        }
        // 1e9 ms · [0.1, 1.9] is beyond an hour from the first attempt on.
        EXPECT_EQ(slowest.delayMs(attempt, 0, rng), kHourMs) << "attempt " << attempt;
    }
}

}  // namespace
}  // namespace switchboard::messaging
