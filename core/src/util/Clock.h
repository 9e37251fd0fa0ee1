#pragma once

#include <Poco/Timestamp.h>

#include <atomic>
#include <cstdint>

namespace switchboard::util {

/// Source of "now", injectable so tests can move time (expiry, backoff) without sleeping.
class Clock {
  public:
    virtual ~Clock() = default;
    /// Milliseconds since the Unix epoch, UTC.
    virtual std::int64_t nowMs() const = 0;
};

class SystemClock final : public Clock {
  public:
    std::int64_t nowMs() const override { return Poco::Timestamp().epochMicroseconds() / 1000; }
};

}  // namespace switchboard::util
