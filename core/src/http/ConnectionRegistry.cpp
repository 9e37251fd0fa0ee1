#include "http/ConnectionRegistry.h"

#include <Poco/Exception.h>

namespace switchboard::http {

ConnectionRegistry::ConnectionRegistry(std::chrono::milliseconds requestDeadline)
    : deadline_(requestDeadline), watchdog_([this] { watch(); }) {}

ConnectionRegistry::~ConnectionRegistry() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        closing_ = true;
    }
    wake_.notify_all();
    watchdog_.join();
}

ConnectionRegistry::Id ConnectionRegistry::add(const Poco::Net::StreamSocket& socket) {
    std::lock_guard<std::mutex> lock(mutex_);
    const Id id = next_++;
    entries_.emplace(id, Entry{socket, false, false, {}});
    return id;
}

void ConnectionRegistry::remove(Id id) {
    std::lock_guard<std::mutex> lock(mutex_);
    entries_.erase(id);
}

bool ConnectionRegistry::beginRequest(Id id) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        auto it = entries_.find(id);
        if (stopping_ || it == entries_.end()) return false;
        it->second.busy = true;
        it->second.expired = false;
        it->second.deadline = std::chrono::steady_clock::now() + deadline_;
    }
    wake_.notify_all();
    return true;
}

bool ConnectionRegistry::endRequest(Id id) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = entries_.find(id);
    if (it != entries_.end()) it->second.busy = false;
    return !stopping_ && it != entries_.end();
}

bool ConnectionRegistry::expired(Id id) const {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = entries_.find(id);
    return it != entries_.end() && it->second.expired;
}

void ConnectionRegistry::stopAll() {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    for (auto& [id, entry] : entries_) {
        if (entry.busy) continue;
        try {
            entry.socket.shutdown();
        } catch (const Poco::Exception&) {
            // Already disconnected: nothing to wake.
        }
    }
}

std::size_t ConnectionRegistry::size() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return entries_.size();
}

void ConnectionRegistry::watch() {
    std::unique_lock<std::mutex> lock(mutex_);
    while (!closing_) {
        const auto now = std::chrono::steady_clock::now();
        auto next = std::chrono::steady_clock::time_point::max();
        for (auto& [id, entry] : entries_) {
            if (!entry.busy || entry.expired) continue;
            if (entry.deadline <= now) {
                entry.expired = true;
                try {
                    entry.socket.shutdownReceive();
                } catch (const Poco::Exception&) {
                    // The peer is gone already; its read fails on its own.
                }
            } else if (entry.deadline < next) {
                next = entry.deadline;
            }
        }
        if (next == std::chrono::steady_clock::time_point::max()) {
            wake_.wait(lock);
        } else {
            wake_.wait_until(lock, next);
        }
    }
}

}  // namespace switchboard::http
