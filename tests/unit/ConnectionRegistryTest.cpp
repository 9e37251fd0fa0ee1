// The whole-request deadline behind slow-client protection, on real loopback sockets: a
// read blocked past the deadline returns at once, an answered request is never cut, and
// stopping wakes idle keep-alive connections.
#include "http/ConnectionRegistry.h"

#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

namespace switchboard::http {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

/// A connected pair: `client` talks to `server` over 127.0.0.1.
struct Pair {
    Poco::Net::ServerSocket listener{Poco::Net::SocketAddress("127.0.0.1", 0)};
    Poco::Net::StreamSocket client;
    Poco::Net::StreamSocket server;
    Pair() {
        client.connect(listener.address());
        server = listener.acceptConnection();
        server.setReceiveTimeout(Poco::Timespan(10, 0));  // the test's own bound
    }
};

double secondsSince(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

TEST(ConnectionRegistry, ARequestPastItsDeadlineHasItsBlockedReadEnded) {
    ConnectionRegistry registry(milliseconds(300));
    Pair pair;
    auto id = registry.add(pair.server);
    ASSERT_TRUE(registry.beginRequest(id));
    const auto start = Clock::now();
    char byte = 0;
    // The client sends nothing more: without the registry this read would wait 10 s.
    EXPECT_EQ(pair.server.receiveBytes(&byte, 1), 0);
    EXPECT_GE(secondsSince(start), 0.25);
    EXPECT_LT(secondsSince(start), 3.0);
    EXPECT_TRUE(registry.expired(id));
    // Only the receive side is shut: the answer still reaches the client.
    EXPECT_EQ(pair.server.sendBytes("408", 3), 3);
    char answer[3];
    pair.client.setReceiveTimeout(Poco::Timespan(2, 0));
    EXPECT_EQ(pair.client.receiveBytes(answer, 3), 3);
    registry.remove(id);
    EXPECT_EQ(registry.size(), 0u);
}

TEST(ConnectionRegistry, AnAnsweredRequestIsNeverCutAndEachRequestGetsAFreshDeadline) {
    ConnectionRegistry registry(milliseconds(300));
    Pair pair;
    auto id = registry.add(pair.server);
    for (int i = 0; i < 3; ++i) {
        ASSERT_TRUE(registry.beginRequest(id));
        std::this_thread::sleep_for(milliseconds(150));  // half the deadline per request
        ASSERT_TRUE(registry.endRequest(id));
    }
    std::this_thread::sleep_for(milliseconds(500));  // idle: no deadline runs
    EXPECT_FALSE(registry.expired(id));
    pair.client.sendBytes("x", 1);
    char byte = 0;
    EXPECT_EQ(pair.server.receiveBytes(&byte, 1), 1);
    registry.remove(id);
}

TEST(ConnectionRegistry, StoppingWakesIdleConnectionsAndRefusesNewRequests) {
    ConnectionRegistry registry(milliseconds(10'000));
    Pair idle;
    Pair busy;
    auto idleId = registry.add(idle.server);
    auto busyId = registry.add(busy.server);
    ASSERT_TRUE(registry.beginRequest(busyId));
    registry.stopAll();
    char byte = 0;
    const auto start = Clock::now();
    EXPECT_EQ(idle.server.receiveBytes(&byte, 1), 0);  // woken, not left for 10 s
    EXPECT_LT(secondsSince(start), 3.0);
    EXPECT_FALSE(registry.beginRequest(idleId));
    // The busy one finishes its request undisturbed, then is told to close.
    busy.client.sendBytes("y", 1);
    EXPECT_EQ(busy.server.receiveBytes(&byte, 1), 1);
    EXPECT_FALSE(registry.endRequest(busyId));
    registry.remove(idleId);
    registry.remove(busyId);
}

}  // namespace
}  // namespace switchboard::http
