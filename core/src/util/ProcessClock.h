#pragma once

#include "util/Clock.h"

#include <string>

namespace switchboard::util {

/// The clock of the running service: the system clock, unless the environment variable
/// SWITCHBOARD_TEST_CLOCK_OFFSET_FILE names a file. Then every nowMs() is the system time
/// plus the integer number of milliseconds the file holds at that moment (missing, empty or
/// unreadable file: 0), so an integration test can move the real binary's time forward —
/// code expiry, lockouts, rate-limit windows, cleanup — without sleeping. It exists only for
/// tests: the service logs a warning at start-up whenever it is in force.
class ProcessClock final : public Clock {
  public:
    /// Reads the environment once.
    ProcessClock();
    std::int64_t nowMs() const override;
    /// The offset file in force, or "" (system time).
    const std::string& offsetFile() const { return offsetFile_; }

    static constexpr const char* kOffsetFileVariable = "SWITCHBOARD_TEST_CLOCK_OFFSET_FILE";

  private:
    std::string offsetFile_;
};

}  // namespace switchboard::util
