#pragma once

#include "util/Clock.h"

#include <cstdint>

namespace switchboard::testing {

/// A clock that says `value` (ms since the epoch) until the test moves it.
class FixedClock : public util::Clock {
  public:
    std::int64_t nowMs() const override { return value; }
    std::int64_t value = 1'700'000'000'000;
};

}  // namespace switchboard::testing
