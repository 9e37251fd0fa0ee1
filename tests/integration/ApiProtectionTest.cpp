// API protection through the real binary: per-tenant rate limits (429 + Retry-After),
// header count and size limits (431), malformed and truncated requests, bodies refused
// unread never parsed as a next request, and slow clients (slowloris) cut off by the
// whole-request deadline while every other client is still served. Each refusal leaves
// the stored data exactly as it was (compared with a full dump).
#include "support/FakeProviderServer.h"
#include "support/HttpCall.h"
#include "support/ServiceProcess.h"
#include "support/TempDir.h"
#include "support/TestDatabase.h"

#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

namespace switchboard::testing {
namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;
using Clock = std::chrono::steady_clock;

Headers tenant(const char* key = kTenantKey) {
    return {{"Authorization", std::string("Bearer ") + key}, {"Content-Type", "application/json"}};
}

double secondsSince(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

/// Sends `bytes` on a fresh connection (then half-closes when `halfClose`) and returns
/// everything the server sends until it closes (at most 5 s).
std::string rawExchange(int port, const std::string& bytes, bool halfClose) {
    Poco::Net::StreamSocket socket;
    socket.connect(Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(port)),
                   Poco::Timespan(5, 0));
    socket.setReceiveTimeout(Poco::Timespan(5, 0));
    try {
        socket.sendBytes(bytes.data(), static_cast<int>(bytes.size()));
        if (halfClose) socket.shutdownSend();
    } catch (const std::exception&) {
        // The server may refuse before it has read everything; its answer still counts.
    }
    std::string response;
    char buffer[4096];
    try {
        for (int n; (n = socket.receiveBytes(buffer, sizeof(buffer))) > 0;)
            response.append(buffer, static_cast<std::size_t>(n));
    } catch (const std::exception&) {
        // reset or timeout: what arrived is the answer
    }
    return response;
}

std::size_t count(const std::string& text, const std::string& needle) {
    std::size_t n = 0;
    for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
    return n;
}

struct Drip {
    std::size_t sent = 0;  ///< bytes of the dripped part sent before the server reacted
    double seconds = 0;    ///< from the first dripped byte until the server reacted
    std::string response;  ///< what the server sent before closing
};

/// A slowloris client: sends `head` at once, then `dripped` one byte per `gap`, stopping as
/// soon as the server answers or closes, and after `limit` at the latest (the test's own
/// bound on its runtime).
Drip drip(int port, const std::string& head, const std::string& dripped,
          std::chrono::milliseconds gap, std::chrono::seconds limit) {
    Drip result;
    Poco::Net::StreamSocket socket;
    socket.connect(Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(port)),
                   Poco::Timespan(5, 0));
    if (!head.empty()) socket.sendBytes(head.data(), static_cast<int>(head.size()));
    const auto start = Clock::now();
    try {
        for (char c : dripped) {
            if (secondsSince(start) > static_cast<double>(limit.count())) break;
            socket.sendBytes(&c, 1);
            ++result.sent;
            if (socket.poll(Poco::Timespan(0, static_cast<long>(gap.count()) * 1000),
                            Poco::Net::Socket::SELECT_READ))
                break;
        }
    } catch (const std::exception&) {
        // The server closed on us mid-drip.
    }
    result.seconds = secondsSince(start);
    socket.setReceiveTimeout(Poco::Timespan(3, 0));
    char buffer[4096];
    try {
        for (int n; (n = socket.receiveBytes(buffer, sizeof(buffer))) > 0;)
            result.response.append(buffer, static_cast<std::size_t>(n));
    } catch (const std::exception&) {
    }
    return result;
}

// Runs on SQLite and on PostgreSQL.
class ApiProtection : public ::testing::TestWithParam<std::string> {
  protected:
    /// Starts the service with `serverExtra` lines added to `server:` and `topExtra`
    /// sections appended.
    void start(const std::string& serverExtra, const std::string& topExtra) {
        port_ = freePort();
        std::string yaml = serviceYamlOn(port_, storage_.storageYaml(), "dry-run", fake_.baseUrl());
        yaml.insert(yaml.find("server:\n") + 8, serverExtra);
        service_ = std::make_unique<ServiceProcess>(dir_, yaml + topExtra, port_);
    }

    TempDir dir_;
    TestDatabase storage_{GetParam(), dir_};
    FakeProviderServer fake_;
    int port_ = 0;
    std::unique_ptr<ServiceProcess> service_;
};

TEST_P(ApiProtection, TenantsAreRateLimitedWith429AndRetryAfter) {
    start("", "limits:\n  tenant_rate_limit: {requests_per_second: 1, burst: 3}\n");
    const std::string before = storage_.dump();
    for (int i = 0; i < 3; ++i)
        EXPECT_EQ(httpCall(port_, "GET", "/api/messages", tenant()).status, 200) << i;
    auto limited = httpCall(port_, "GET", "/api/messages", tenant());
    EXPECT_EQ(limited.status, 429);
    EXPECT_NE(limited.body.find("\"code\":\"rate_limited\""), std::string::npos) << limited.body;
    EXPECT_EQ(limited.header("Retry-After"), "1");
    // Every tenant endpoint counts: a send is refused too, and stores nothing.
    auto send = httpCall(port_, "POST", "/api/sms/send", tenant(),
                         R"({"to":"+15550107777","message":"hello"})");
    EXPECT_EQ(send.status, 429);
    EXPECT_EQ(storage_.dump(), before);
    // Other tenants have their own budget; bad keys are still 401; the admin is not a tenant.
    EXPECT_EQ(httpCall(port_, "GET", "/api/messages", tenant(kOtherTenantKey)).status, 200);
    EXPECT_EQ(httpCall(port_, "GET", "/api/messages", tenant("not-a-key-0123456789")).status, 401);
    EXPECT_EQ(httpCall(port_, "GET", "/api/admin/webhook/events",
                       {{"Authorization", std::string("Bearer ") + kAdminKey}})
                  .status,
              200);
    // The budget refills at the configured rate.
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    EXPECT_EQ(httpCall(port_, "GET", "/api/messages", tenant()).status, 200);
    EXPECT_EQ(httpCall(port_, "GET", "/api/messages", tenant()).status, 429);
    // Logged with the tenant, once per tenant per 10 s however many are refused.
    EXPECT_EQ(count(service_->log(), "tenant acme rate limited"), 1u) << service_->log();
}

TEST_P(ApiProtection, HeaderLimitsMalformedAndTruncatedRequests) {
    start("", "limits:\n  max_header_count: 20\n");
    const std::string before = storage_.dump();
    const std::string auth = std::string("Authorization: Bearer ") + kTenantKey + "\r\n";
    auto headers = [](int n) {
        std::string text;
        for (int i = 0; i < n; ++i) text += "X-Filler-" + std::to_string(i) + ": v\r\n";
        return text;
    };

    // Within the limit: served.
    auto fine = rawExchange(port_,
                            "GET /api/messages HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" +
                                auth + headers(10) + "\r\n",
                            false);
    EXPECT_EQ(fine.rfind("HTTP/1.1 200", 0), 0u) << fine;

    struct Case {
        std::string name, request, status, code;
    };
    const std::string send =
        "POST /api/sms/send HTTP/1.1\r\nHost: x\r\n" + auth + "Content-Type: application/json\r\n";
    const std::vector<Case> cases = {
        {"over the configured count",
         "GET /api/messages HTTP/1.1\r\nHost: x\r\n" + auth + headers(25) + "\r\n", "431",
         "too_many_headers"},
        {"over Poco's own ceiling of 100",
         "GET /api/messages HTTP/1.1\r\nHost: x\r\n" + headers(150) + "\r\n", "431",
         "too_many_headers"},
        {"a huge header value",
         "GET /api/messages HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20000, 'a') + "\r\n\r\n",
         "431", "header_too_large"},
        {"not HTTP", "HELLO THERE\r\n\r\n", "400", "malformed_request"},
        {"body shorter than its Content-Length",
         send + "Content-Length: 100\r\n\r\n{\"to\":\"+15550107777\",\"message\":\"hi\"}", "400",
         "incomplete_body"},
        {"oversized body", send + "Content-Length: 70000\r\n\r\n{\"to\":", "413", "body_too_large"},
        // Without public_base_url the signed URL comes from Host, which HTTP/1.1 requires:
        // its absence is the caller's error, never a 500.
        {"a webhook without Host",
         "POST /api/webhook/extreme HTTP/1.1\r\nContent-Type: application/json\r\n"
         "Content-Length: 2\r\n\r\n{}",
         "400", "malformed_request"},
    };
    for (const auto& c : cases) {
        auto response = rawExchange(port_, c.request, true);
        EXPECT_EQ(response.rfind("HTTP/1.1 " + c.status, 0), 0u) << c.name << ": " << response;
        EXPECT_NE(response.find("{\"error\":{\"code\":\"" + c.code + "\""), std::string::npos)
            << c.name << ": " << response;
    }

    // A request refused before its body was read: the body is never parsed as a second
    // request on the same connection (it would list the tenant's messages if it were).
    const std::string smuggled = "GET /api/messages HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n";
    auto refused = rawExchange(port_,
                               "POST /api/sms/send HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                               "wrong-key-0123456789\r\nContent-Type: application/json\r\n"
                               "Content-Length: " +
                                   std::to_string(smuggled.size()) + "\r\n\r\n" + smuggled,
                               false);
    EXPECT_EQ(refused.rfind("HTTP/1.1 401", 0), 0u) << refused;
    EXPECT_EQ(count(refused, "HTTP/1.1 "), 1u) << refused;

    EXPECT_EQ(storage_.dump(), before);
    EXPECT_EQ(httpCall(port_, "GET", "/healthz").status, 200);  // and it is still up
}

TEST_P(ApiProtection, SlowClientsAreCutOffWhileOthersAreServed) {
    start("  request_timeout_s: 2\n", "");
    const std::string before = storage_.dump();
    const std::string send = R"({"to":"+15550107777","message":"slow"})";
    const std::string webhook =
        R"({"sender":"+15550109999","receiver":"+15550100001","message":"slow","id":"slow-1"})";
    const auto gap = std::chrono::milliseconds(100);
    const auto limit = std::chrono::seconds(10);

    std::vector<std::future<Drip>> slow;
    // Headers one byte at a time.
    slow.push_back(std::async(std::launch::async, [&] {
        return drip(port_, "",
                    "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Pad: " + std::string(200, 'a'), gap,
                    limit);
    }));
    // Headers with a gap well under the per-read timeout: only a whole-request deadline
    // stops this one, since every byte would reset a per-read timer.
    slow.push_back(std::async(std::launch::async, [&] {
        return drip(port_, "", "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Pad: aaaaaaaaaa",
                    std::chrono::milliseconds(700), limit);
    }));
    // A tenant request whose body trickles in.
    slow.push_back(std::async(std::launch::async, [&] {
        return drip(port_,
                    "POST /api/sms/send HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                        std::string(kTenantKey) +
                        "\r\nContent-Type: application/json\r\nContent-Length: " +
                        std::to_string(send.size()) + "\r\n\r\n",
                    send, gap, limit);
    }));
    // A webhook whose body trickles in.
    slow.push_back(std::async(std::launch::async, [&] {
        return drip(port_,
                    "POST /api/webhook/extreme HTTP/1.1\r\nHost: x\r\nContent-Type: "
                    "application/json\r\nContent-Length: " +
                        std::to_string(webhook.size()) + "\r\n\r\n",
                    webhook, gap, limit);
    }));

    // Meanwhile everyone else is served promptly.
    const auto start = Clock::now();
    int served = 0;
    while (secondsSince(start) < 3.0) {
        const auto t = Clock::now();
        EXPECT_EQ(httpCall(port_, "GET", "/healthz").status, 200);
        EXPECT_EQ(httpCall(port_, "GET", "/api/messages", tenant()).status, 200);
        EXPECT_LT(secondsSince(t), 1.0) << "a normal client waited behind the slow ones";
        ++served;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    EXPECT_GE(served, 10);

    const char* names[] = {"header drip", "header drip under the read timeout", "slow send body",
                           "slow webhook body"};
    for (std::size_t i = 0; i < slow.size(); ++i) {
        Drip d = slow[i].get();
        EXPECT_GE(d.seconds, 1.5) << names[i];
        EXPECT_LT(d.seconds, 5.0) << names[i] << " was not cut off by the 2 s deadline";
        EXPECT_EQ(d.response.rfind("HTTP/1.1 408", 0), 0u) << names[i] << ": " << d.response;
        EXPECT_NE(d.response.find("request_timeout"), std::string::npos) << names[i];
    }
    // Neither the cut-off send nor the cut-off webhook stored anything.
    EXPECT_EQ(storage_.dump(), before);
    EXPECT_NE(service_->log().find("cut off"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Backends, ApiProtection, ::testing::ValuesIn(storageBackends()),
                         backendName);

}  // namespace
}  // namespace switchboard::testing
