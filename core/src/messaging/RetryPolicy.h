#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>

namespace switchboard::messaging {

/// Exponential backoff with jitter: attempt n (1-based) waits initial·2^(n-1), scaled by a
/// uniform factor in [1 - jitter, 1 + jitter] so retries from many messages spread out.
/// With the default 2000 ms: ~2 s, ~4 s, ~8 s.
class RetryPolicy {
  public:
    static constexpr std::int64_t kMaxDelayMs = 3'600'000;  ///< one hour

    RetryPolicy(int maxAttempts, int initialMs, double jitter)
        : maxAttempts_(maxAttempts), initialMs_(initialMs), jitter_(jitter) {}

    /// True when `attemptsMade` attempts leave room for another.
    bool mayRetry(int attemptsMade) const { return attemptsMade < maxAttempts_; }

    /// Delay in milliseconds before the attempt after `attemptsMade` (>= 1) attempts; never
    /// shorter than `retryAfterMs` (a provider's Retry-After), capped at one hour.
    template <class Rng>
    std::int64_t delayMs(int attemptsMade, std::int64_t retryAfterMs, Rng& rng) const {
        double base = initialMs_ * std::pow(2.0, std::max(0, attemptsMade - 1));
        std::uniform_real_distribution<double> factor(1.0 - jitter_, 1.0 + jitter_);
        // Cap in floating point before converting: initial·2^(n-1) overflows int64 for large
        // attempt counts, and that conversion is undefined (it gave 0 ms on x86-64).
        auto delay = static_cast<std::int64_t>(
            std::min(base * factor(rng), static_cast<double>(kMaxDelayMs)));
        return std::min<std::int64_t>(std::max(delay, retryAfterMs), kMaxDelayMs);
    }

  private:
    int maxAttempts_;
    int initialMs_;
    double jitter_;
};

}  // namespace switchboard::messaging
