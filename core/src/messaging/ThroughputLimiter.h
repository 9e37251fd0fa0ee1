#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>

namespace switchboard::messaging {

/// `providers[].throughput`: at most that many messages per second to one provider instance,
/// like Kannel's `throughput`, across all dispatcher workers of this process (several
/// processes sharing a database each apply it: the limit is per process). Sends are spaced
/// evenly (1/rate apart), with no burst above the rate. Thread-safe.
class ThroughputLimiter {
  public:
    /// Sets `instance`'s rate in messages per second; 0 or less = unlimited (the default).
    void setRate(const std::string& instance, double perSecond);

    /// Blocks the calling worker until `instance` may send its next message, then counts it.
    /// Returns at once for an unlimited instance. Wakes early (returning false, nothing
    /// counted) when stop() is called.
    bool acquire(const std::string& instance);

    /// Wakes every acquire() that is waiting (shutdown).
    void stop();

  private:
    using Clock = std::chrono::steady_clock;
    struct Lane {
        Clock::duration interval{};
        Clock::time_point next{};
    };
    std::mutex mutex_;
    std::condition_variable stopped_;
    bool stopping_ = false;
    std::map<std::string, Lane> lanes_;
};

}  // namespace switchboard::messaging
