#include "store/PreparedStatements.h"

#include <atomic>
#include <mutex>
#include <vector>

namespace switchboard::store {
namespace {

std::atomic<std::size_t> quarantinedCount{0};

/// Statements that may not be destroyed (PreparedStatements::forget). Reachable from a
/// global for the life of the process, so leak checkers do not report them.
std::vector<std::unique_ptr<PreparedStatements::Slot>>& quarantine() {
    static auto* kept = new std::vector<std::unique_ptr<PreparedStatements::Slot>>();
    return *kept;
}
std::mutex quarantineMutex;

}  // namespace

void PreparedStatements::forget(const std::string& sql) {
    auto it = slots_.find(sql);
    if (it == slots_.end()) return;
    if (it->second->ranBefore) {
        std::lock_guard<std::mutex> lock(quarantineMutex);
        quarantine().push_back(std::move(it->second));
        ++quarantinedCount;
    }
    slots_.erase(it);
}

std::size_t PreparedStatements::quarantined() { return quarantinedCount.load(); }

}  // namespace switchboard::store
