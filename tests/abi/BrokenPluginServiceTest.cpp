// The real service with a provider instance whose every hook throws (tests/abi/broken/
// throwing.cpp), next to a healthy Extreme instance: the faulty plugin may fail its own
// webhooks and messages, but must never take the process, the health check or the other
// provider down with it.
#include "support/HttpCall.h"
#include "support/ServiceProcess.h"
#include "support/TempDir.h"
#include "support/TestPlugins.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace switchboard::testing {
namespace {

using ::testing::HasSubstr;

constexpr const char* kThrowerRoute = "/api/webhook/thrower";
constexpr const char* kSharedRoute = "/api/webhook/shared";

Poco::JSON::Object::Ptr parseObject(const std::string& text) {
    Poco::JSON::Parser parser;
    return parser.parse(text).extract<Poco::JSON::Object::Ptr>();
}

// acme sends through the healthy extreme-main (dry-run, so nothing leaves the machine);
// globex's default provider is the throwing instance. The shared route lists the throwing
// instance first so its detect() runs, and throws, before Extreme's.
std::string brokenServiceYaml(int port, const TempDir& dir, const std::string& pluginDir) {
    return "server:\n  bind: 127.0.0.1\n  port: " + std::to_string(port) +
           "\n  threads: 8\n  max_body_bytes: 65536\n"
           "logging:\n  level: information\n"
           "storage:\n  driver: sqlite\n  sqlite:\n    path: " +
           dir.file("switchboard.db") +
           "\n"
           "plugins:\n  directory: " +
           pluginDir +
           "\n"
           "dispatch:\n  workers: 2\n  max_attempts: 3\n  backoff_initial_ms: 200\n"
           "  poll_interval_ms: 50\n  connect_timeout_ms: 2000\n  read_timeout_ms: 2000\n"
           "admin:\n  api_key: ${SB_ADMIN_KEY}\n"
           "providers:\n"
           "  - id: extreme-main\n    plugin: extreme\n    transport: dry-run\n"
           "    config:\n      api_key: ${SB_EXTREME_KEY}\n"
           "  - id: thrower\n    plugin: throwing\n    transport: http\n"
           "routes:\n"
           "  - path: /api/webhook/extreme\n    providers: [extreme-main]\n"
           "  - path: /api/webhook/thrower\n    providers: [thrower]\n"
           "  - path: /api/webhook/shared\n    providers: [thrower, extreme-main]\n"
           "tenants:\n"
           "  - id: acme\n    name: Acme Clinic\n    business_name: Acme Clinic\n"
           "    default_provider: extreme-main\n    numbers: [\"+15550100001\"]\n"
           "    api_keys: [\"${SB_TENANT_KEY}\"]\n"
           "  - id: globex\n    name: Globex\n    default_provider: thrower\n"
           "    numbers: [\"+15550200002\"]\n    api_keys: [\"${SB_OTHER_TENANT_KEY}\"]\n";
}

std::vector<std::pair<std::string, std::string>> bearer(const std::string& key) {
    return {{"Authorization", "Bearer " + key}, {"Content-Type", "application/json"}};
}

class BrokenPluginService : public ::testing::Test {
  protected:
    void SetUp() override {
        const std::string pluginDir = dir_.file("plugins");
        std::filesystem::create_directory(pluginDir);
        std::filesystem::copy_file(extremePlugin(), pluginDir + "/sb_extreme.so");
        std::filesystem::copy_file(testPlugin("throwing"), pluginDir + "/throwing.so");
        const int port = freePort();
        service_ =
            std::make_unique<ServiceProcess>(dir_, brokenServiceYaml(port, dir_, pluginDir), port);
    }

    int port() const { return service_->port(); }

    bool alive() const { return ::kill(static_cast<pid_t>(service_->pid()), 0) == 0; }

    void expectHealthy() const {
        ASSERT_TRUE(alive()) << service_->log();
        EXPECT_EQ(httpCall(port(), "GET", "/healthz").status, 200) << service_->log();
    }

    Poco::JSON::Object::Ptr lastWebhookEvent() const {
        HttpResult r = httpCall(port(), "GET", "/api/admin/webhook/last", bearer(kAdminKey));
        EXPECT_EQ(r.status, 200) << r.body;
        return parseObject(r.body)->getObject("event");
    }

    // Sends as the tenant owning `key` and returns the message id from the 202.
    long long send(const std::string& key, const std::string& text) const {
        HttpResult r = httpCall(port(), "POST", "/api/sms/send", bearer(key),
                                R"({"to":"+15557000001","message":")" + text + R"("})");
        EXPECT_EQ(r.status, 202) << r.body;
        return parseObject(r.body)->getValue<long long>("id");
    }

    // The message once the dispatcher has dealt with it (status no longer QUEUED), or the
    // last view after ~5 s.
    Poco::JSON::Object::Ptr settled(const std::string& key, long long id) const {
        Poco::JSON::Object::Ptr message;
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
        do {
            HttpResult r =
                httpCall(port(), "GET", "/api/messages/" + std::to_string(id), bearer(key));
            EXPECT_EQ(r.status, 200) << r.body;
            message = parseObject(r.body);
            if (message->getValue<std::string>("status") != "QUEUED") break;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        } while (std::chrono::steady_clock::now() < deadline);
        return message;
    }

    TempDir dir_;
    std::unique_ptr<ServiceProcess> service_;
};

TEST_F(BrokenPluginService, WebhookToTheThrowingInstanceIsAnsweredAndRecorded) {
    HttpResult r = httpCall(port(), "POST", kThrowerRoute, {{"Content-Type", "application/json"}},
                            R"({"sender":"+15557000001","message":"hi"})");
    // verify() threw and so did webhook_response(): the host falls back to its own answer.
    EXPECT_EQ(r.status, 200) << r.body;
    expectHealthy();

    auto event = lastWebhookEvent();
    ASSERT_TRUE(event) << "no webhook event recorded";
    EXPECT_EQ(event->getValue<std::string>("provider"), "thrower");
    EXPECT_EQ(event->getValue<std::string>("outcome"), "error");
    EXPECT_THAT(event->getValue<std::string>("reason"), HasSubstr("unknown exception in plugin"));

    // Again, with garbage and with nothing: still no crash.
    EXPECT_GT(httpCall(port(), "POST", kThrowerRoute, {}, "\x01\x02 not json").status, 0);
    EXPECT_GT(httpCall(port(), "POST", kThrowerRoute, {}, "").status, 0);
    expectHealthy();
    EXPECT_EQ(service_->stop(SIGTERM), 0) << service_->log();
}

TEST_F(BrokenPluginService, AThrowingDetectOnASharedRouteLeavesTheOtherProviderWorking) {
    HttpResult r = httpCall(
        port(), "POST", kSharedRoute, {{"Content-Type", "application/json"}},
        R"({"sender":"+15557000001","receiver":"+15550100001","message":"hello","id":"in-1"})");
    EXPECT_EQ(r.status, 200) << r.body;

    auto event = lastWebhookEvent();
    ASSERT_TRUE(event);
    EXPECT_EQ(event->getValue<std::string>("provider"), "extreme-main");
    EXPECT_EQ(event->getValue<std::string>("outcome"), "accepted");

    HttpResult inbox =
        httpCall(port(), "GET", "/api/messages?direction=inbound", bearer(kTenantKey));
    ASSERT_EQ(inbox.status, 200) << inbox.body;
    auto data = parseObject(inbox.body)->getArray("data");
    ASSERT_TRUE(data);
    ASSERT_EQ(data->size(), 1u) << inbox.body;
    EXPECT_EQ(data->getObject(0)->getValue<std::string>("message"), "hello");
    expectHealthy();
    EXPECT_EQ(service_->stop(SIGTERM), 0) << service_->log();
}

TEST_F(BrokenPluginService, SendThroughTheThrowingInstanceFailsOnlyThatMessage) {
    const long long failing = send(kOtherTenantKey, "to the thrower");
    auto message = settled(kOtherTenantKey, failing);
    EXPECT_EQ(message->getValue<std::string>("status"), "FAILED");
    EXPECT_EQ(message->getValue<std::string>("errorCode"), "invalid_provider_request");
    EXPECT_EQ(message->getValue<int>("attempts"), 1);  // a plugin bug is not worth retrying
    expectHealthy();

    // The healthy provider is unaffected, before and after.
    const long long fine = send(kTenantKey, "to extreme");
    EXPECT_EQ(settled(kTenantKey, fine)->getValue<std::string>("status"), "SENT");
    const long long failingAgain = send(kOtherTenantKey, "again");
    EXPECT_EQ(settled(kOtherTenantKey, failingAgain)->getValue<std::string>("status"), "FAILED");

    expectHealthy();
    EXPECT_THAT(service_->log(), HasSubstr("unknown exception in plugin"));
    EXPECT_EQ(service_->stop(SIGTERM), 0) << service_->log();
}

}  // namespace
}  // namespace switchboard::testing
