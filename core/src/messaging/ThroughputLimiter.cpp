#include "messaging/ThroughputLimiter.h"

namespace switchboard::messaging {

void ThroughputLimiter::setRate(const std::string& instance, double perSecond) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (perSecond <= 0) {
        lanes_.erase(instance);
        return;
    }
    lanes_[instance].interval =
        std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(1.0 / perSecond));
}

bool ThroughputLimiter::acquire(const std::string& instance) {
    std::unique_lock<std::mutex> lock(mutex_);
    auto it = lanes_.find(instance);
    if (it == lanes_.end()) return true;
    Lane& lane = it->second;
    // Reserve the next slot now, so concurrent workers line up one interval apart.
    const Clock::time_point slot = std::max(Clock::now(), lane.next);
    lane.next = slot + lane.interval;
    return !stopped_.wait_until(lock, slot, [this] { return stopping_; });
}

void ThroughputLimiter::stop() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
    }
    stopped_.notify_all();
}

}  // namespace switchboard::messaging
