#include "util/ProcessClock.h"

#include <cstdlib>
#include <fstream>

namespace switchboard::util {

ProcessClock::ProcessClock() {
    if (const char* file = std::getenv(kOffsetFileVariable)) offsetFile_ = file;
}

std::int64_t ProcessClock::nowMs() const {
    const std::int64_t system = SystemClock().nowMs();
    if (offsetFile_.empty()) return system;
    // Read on every call (tests only): the test rewrites the file while the service runs.
    std::ifstream in(offsetFile_);
    long long offset = 0;
    if (!(in >> offset)) offset = 0;
    return system + offset;
}

}  // namespace switchboard::util
