#pragma once

#include "util/Clock.h"

#include <cstdint>
#include <list>
#include <mutex>
#include <string>
#include <unordered_map>

namespace switchboard::http {

/// Token buckets per key (a sender's IP, a tenant id), in memory and per process: several
/// processes sharing one database each apply the limit on their own, so the effective limit
/// behind a load balancer is the configured one times the number of processes.
///
/// Each key's bucket holds at most `burst` tokens and refills at `perSecond` tokens per
/// second; a request takes one token or is refused. Memory is bounded: at most `maxKeys`
/// buckets are kept, buckets that have refilled completely are dropped (an absent key is
/// a full bucket, so dropping loses nothing), and when every kept bucket is still in use
/// the least recently used one is dropped — under a flood from more sources than that the
/// limiter fails open for the oldest sources rather than growing without bound.
/// Time comes from `clock` (milliseconds), so tests move it by hand. Thread-safe.
class RateLimiter {
  public:
    struct Decision {
        bool allowed = true;
        /// When refused: whole seconds (≥ 1) until the key's next request would pass — the
        /// value of a Retry-After header.
        int retryAfterS = 0;
        /// When refused: true for the first refusal of this key within `reportEveryMs`, so a
        /// flood produces one log line per key and interval, not one per request.
        bool report = false;
        /// When `report`: refusals of this key since the previous report, not counting this one.
        std::uint64_t unreported = 0;
    };

    /// `perSecond` > 0 and `burst` ≥ 1 (std::invalid_argument otherwise); `maxKeys` ≥ 1.
    RateLimiter(double perSecond, double burst, const util::Clock& clock,
                std::size_t maxKeys = 100000, std::int64_t reportEveryMs = 10000);

    /// Takes one token from `key`'s bucket, or says when to come back.
    Decision acquire(const std::string& key);

    /// Buckets currently kept (for tests of the memory bound).
    std::size_t size() const;

    double perSecond() const { return perMs_ * 1000.0; }
    double burst() const { return burst_; }

  private:
    struct Bucket {
        std::string key;
        double tokens = 0;
        std::int64_t updatedMs = 0;
        std::int64_t reportedMs = 0;
        bool reportedOnce = false;
        std::uint64_t unreported = 0;
    };
    using Lru = std::list<Bucket>;  // most recently used first

    void refill(Bucket& bucket, std::int64_t nowMs) const;
    bool full(const Bucket& bucket, std::int64_t nowMs) const;

    const double perMs_;
    const double burst_;
    const util::Clock& clock_;
    const std::size_t maxKeys_;
    const std::int64_t reportEveryMs_;
    mutable std::mutex mutex_;
    Lru lru_;
    std::unordered_map<std::string, Lru::iterator> index_;
};

}  // namespace switchboard::http
