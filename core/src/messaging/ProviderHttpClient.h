#pragma once

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/Session.h>
#include <Poco/URI.h>

#include <atomic>
#include <map>
#include <memory>
#include <mutex>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace switchboard::messaging {

/// An HTTP request built by a plugin's build_send.
struct OutgoingRequest {
    std::string method = "POST";
    std::string url;  ///< absolute http:// or https:// URL
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    /// The sender the body carries (build_send's optional "sender"): E.164 or an alphanumeric
    /// sender id; empty when the plugin did not say (the provider picks, e.g. a Messaging
    /// Service). Not sent as such: stored on the message as what went on the wire.
    std::string sender;
};

/// The provider's answer, or why there was none.
struct ProviderExchange {
    bool delivered = false;  ///< false: network error / timeout; `error` says which
    std::string error;
    int status = 0;
    std::vector<std::pair<std::string, std::string>> headers;  ///< names lowercased
    std::string body;                                          ///< at most kMaxResponseBytes
    std::int64_t elapsedMs = 0;
};

/// Executes provider requests with Poco's HTTP(S) client over kept-alive connections, pooled
/// per scheme, host and port (one pool per provider endpoint): a send does not pay a TCP and
/// TLS handshake each time, and a new TLS connection resumes the endpoint's last TLS session.
/// A connection is only pooled after a complete exchange; one that failed or timed out is
/// closed, so a stuck provider never poisons later sends. Idle connections are closed after
/// kIdleTimeoutS (Poco reconnects a pooled one the server may already have closed), and at
/// most kMaxIdlePerEndpoint wait per endpoint. Thread-safe.
class ProviderHttpClient {
  public:
    static constexpr std::size_t kMaxResponseBytes = 1 << 20;
    static constexpr int kIdleTimeoutS = 4;
    static constexpr std::size_t kMaxIdlePerEndpoint = 32;

    /// connectTimeoutMs bounds the TCP/TLS connect; readTimeoutMs bounds each socket read
    /// and write. TLS peers are verified against the system CA store.
    ProviderHttpClient(int connectTimeoutMs, int readTimeoutMs);
    ~ProviderHttpClient();

    /// Never throws for network problems: they come back as delivered=false.
    ProviderExchange execute(const OutgoingRequest& request) const;

    /// Connections opened so far (not reused ones), for tests and the benchmark.
    std::uint64_t connectionsOpened() const { return opened_; }

  private:
    std::unique_ptr<Poco::Net::HTTPClientSession> acquire(const Poco::URI& uri) const;
    void release(const Poco::URI& uri, std::unique_ptr<Poco::Net::HTTPClientSession> session) const;

    int connectTimeoutMs_;
    int readTimeoutMs_;
    mutable std::mutex mutex_;
    mutable std::map<std::string, std::vector<std::unique_ptr<Poco::Net::HTTPClientSession>>> idle_;
    mutable std::map<std::string, Poco::Net::Session::Ptr> tlsSessions_;
    mutable std::atomic<std::uint64_t> opened_{0};
};

}  // namespace switchboard::messaging
