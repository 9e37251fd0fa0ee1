#include "http/RateLimiter.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace switchboard::http {

RateLimiter::RateLimiter(double perSecond, double burst, const util::Clock& clock,
                         std::size_t maxKeys, std::int64_t reportEveryMs)
    : perMs_(perSecond / 1000.0),
      burst_(burst),
      clock_(clock),
      maxKeys_(std::max<std::size_t>(maxKeys, 1)),
      reportEveryMs_(reportEveryMs) {
    if (!(perSecond > 0) || !(burst >= 1))
        throw std::invalid_argument("rate limit needs a positive rate and a burst of at least 1");
}

void RateLimiter::refill(Bucket& bucket, std::int64_t nowMs) const {
    // The wall clock may step back (NTP); time never runs backwards for a bucket.
    const std::int64_t elapsed = std::max<std::int64_t>(0, nowMs - bucket.updatedMs);
    bucket.tokens = std::min(burst_, bucket.tokens + static_cast<double>(elapsed) * perMs_);
    bucket.updatedMs = std::max(bucket.updatedMs, nowMs);
}

bool RateLimiter::full(const Bucket& bucket, std::int64_t nowMs) const {
    const std::int64_t elapsed = std::max<std::int64_t>(0, nowMs - bucket.updatedMs);
    return bucket.tokens + static_cast<double>(elapsed) * perMs_ >= burst_;
}

RateLimiter::Decision RateLimiter::acquire(const std::string& key) {
    const std::int64_t now = clock_.nowMs();
    std::lock_guard<std::mutex> lock(mutex_);

    auto found = index_.find(key);
    if (found != index_.end()) {
        lru_.splice(lru_.begin(), lru_, found->second);
    } else {
        lru_.push_front(Bucket{key, burst_, now, 0, false, 0});
        index_.emplace(key, lru_.begin());
    }
    Bucket& bucket = lru_.front();
    refill(bucket, now);

    Decision decision;
    if (bucket.tokens >= 1.0) {
        bucket.tokens -= 1.0;
    } else {
        decision.allowed = false;
        const double waitMs = (1.0 - bucket.tokens) / perMs_;
        decision.retryAfterS = std::max(1, static_cast<int>(std::ceil(waitMs / 1000.0)));
        if (!bucket.reportedOnce || now - bucket.reportedMs >= reportEveryMs_) {
            decision.report = true;
            decision.unreported = bucket.unreported;
            bucket.unreported = 0;
            bucket.reportedMs = now;
            bucket.reportedOnce = true;
        } else {
            ++bucket.unreported;
        }
    }

    // Drop buckets that have refilled (the least recently used are the likeliest), then
    // enforce the bound. The bucket just used is at the front and never dropped here.
    while (lru_.size() > 1 && full(lru_.back(), now)) {
        index_.erase(lru_.back().key);
        lru_.pop_back();
    }
    while (lru_.size() > maxKeys_) {
        index_.erase(lru_.back().key);
        lru_.pop_back();
    }
    return decision;
}

std::size_t RateLimiter::size() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return lru_.size();
}

}  // namespace switchboard::http
