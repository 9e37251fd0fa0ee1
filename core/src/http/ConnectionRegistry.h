#pragma once

#include <Poco/Net/StreamSocket.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <thread>

namespace switchboard::http {

/// Every open HTTP connection, with a whole-request deadline enforced by one watchdog
/// thread. Poco's own timeout applies per socket read, so a client sending one byte just
/// before each read would time out never (slowloris); here a request that has not finished
/// `requestDeadline` after its first byte gets its socket's receive side shut down: the
/// blocked read returns at once, the connection answers 408 and closes, and its worker
/// thread is free again. Only the receive side is shut, so a handler that already has its
/// whole request can still send its response.
///
/// Connections are registered for their whole life and removed before their socket is
/// closed, so the watchdog never touches a closed (or reused) descriptor. Thread-safe.
class ConnectionRegistry {
  public:
    using Id = std::uint64_t;

    explicit ConnectionRegistry(std::chrono::milliseconds requestDeadline);
    /// Stops the watchdog thread.
    ~ConnectionRegistry();
    ConnectionRegistry(const ConnectionRegistry&) = delete;
    ConnectionRegistry& operator=(const ConnectionRegistry&) = delete;

    /// Registers an open connection (idle: no deadline). Returns its id.
    Id add(const Poco::Net::StreamSocket& socket);
    /// Forgets the connection; call before its socket is closed. Unknown ids are ignored.
    void remove(Id id);

    /// A request started arriving: arms its deadline. False when the server is stopping
    /// (the connection should close instead of serving it).
    bool beginRequest(Id id);
    /// The request was answered: disarms the deadline. False when the server is stopping.
    bool endRequest(Id id);
    /// Whether the current request's deadline passed (its receive side is shut).
    bool expired(Id id) const;

    /// Stopping: idle connections are shut down at once (waking their keep-alive wait);
    /// busy ones finish their request, after which begin/endRequest return false.
    void stopAll();

    std::size_t size() const;
    std::chrono::milliseconds requestDeadline() const { return deadline_; }

  private:
    struct Entry {
        Poco::Net::StreamSocket socket;
        bool busy = false;
        bool expired = false;
        std::chrono::steady_clock::time_point deadline;
    };

    void watch();

    const std::chrono::milliseconds deadline_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::map<Id, Entry> entries_;
    Id next_ = 1;
    bool stopping_ = false;
    bool closing_ = false;
    std::thread watchdog_;
};

}  // namespace switchboard::http
