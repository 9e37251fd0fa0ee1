#pragma once

#include <Poco/Net/HTTPServer.h>

#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace switchboard::testing {

/// A request the fake provider received, exactly as it came over the wire.
struct RecordedRequest {
    std::string method;
    std::string uri;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    std::string header(const std::string& name) const;
};

/// A scripted answer.
struct ScriptedResponse {
    int status = 200;
    std::string body = R"({"success":true,"id":"ext-ref-1"})";
    std::string contentType = "application/json";
    std::vector<std::pair<std::string, std::string>> headers;
    int delayMs = 0;  ///< wait this long before answering (a slow provider)
    /// Runs on the server's thread after the request is recorded and before the answer is
    /// sent, e.g. to deliver a status callback that overtakes the answer.
    std::function<void(const RecordedRequest&)> beforeAnswer;
};

/// Shorthand for a scripted answer.
inline ScriptedResponse respond(int status, std::string body,
                                std::string contentType = "application/json", int delayMs = 0) {
    ScriptedResponse r;
    r.status = status;
    r.body = std::move(body);
    r.contentType = std::move(contentType);
    r.delayMs = delayMs;
    return r;
}

/// A real HTTP server on 127.0.0.1 (ephemeral port) standing in for a provider: records
/// every request and answers from a queue of scripted responses (then the default).
class FakeProviderServer {
  public:
    FakeProviderServer();
    ~FakeProviderServer();

    int port() const;
    std::string baseUrl() const { return "http://127.0.0.1:" + std::to_string(port()); }

    void enqueue(ScriptedResponse response);
    void setDefault(ScriptedResponse response);

    std::vector<RecordedRequest> requests() const;
    std::size_t requestCount() const;
    /// Waits up to `timeoutMs` for at least `count` requests; true if they arrived.
    bool waitForRequests(std::size_t count, int timeoutMs) const;

    // Used by the request handler.
    ScriptedResponse record(RecordedRequest request);

  private:
    mutable std::mutex mutex_;
    std::vector<RecordedRequest> requests_;
    std::deque<ScriptedResponse> queue_;
    ScriptedResponse default_;
    std::unique_ptr<Poco::Net::HTTPServer> server_;
};

}  // namespace switchboard::testing
