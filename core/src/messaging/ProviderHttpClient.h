#pragma once

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

/// Executes provider requests with Poco's HTTP(S) client. One connection per request, so a
/// stuck provider never poisons later sends. Thread-safe (no shared state).
class ProviderHttpClient {
  public:
    static constexpr std::size_t kMaxResponseBytes = 1 << 20;

    /// connectTimeoutMs bounds the TCP/TLS connect; readTimeoutMs bounds each socket read
    /// and write. TLS peers are verified against the system CA store.
    ProviderHttpClient(int connectTimeoutMs, int readTimeoutMs);

    /// Never throws for network problems: they come back as delivered=false.
    ProviderExchange execute(const OutgoingRequest& request) const;

  private:
    int connectTimeoutMs_;
    int readTimeoutMs_;
};

}  // namespace switchboard::messaging
