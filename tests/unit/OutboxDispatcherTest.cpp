#include "config/ConfigLoader.h"
#include "messaging/OutboxDispatcher.h"
#include "plugin/PluginRegistry.h"
#include "plugin/ProviderSet.h"
#include "store/Database.h"
#include "store/DryRunRepository.h"
#include "store/MessageRepository.h"
#include "store/TenantRepository.h"
#include "support/FakeProviderServer.h"
#include "support/HttpCall.h"
#include "support/TempDir.h"
#include "util/Clock.h"
#include "util/JsonText.h"

#include <Poco/Data/Session.h>
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>

namespace switchboard::messaging {
namespace {

using testing::FakeProviderServer;
using testing::respond;

constexpr const char* kProviderKey = "dispatch-test-provider-key-31337";

/// A clock the test moves by hand, so backoff never needs a sleep.
class ManualClock : public util::Clock {
  public:
    std::int64_t nowMs() const override { return value.load(); }
    void advance(std::int64_t ms) { value += ms; }
    std::atomic<std::int64_t> value{1'700'000'000'000};
};

class OutboxDispatcherTest : public ::testing::Test {
  protected:
    void SetUp() override {
        registry_.loadDirectory(SWITCHBOARD_PLUGIN_DIR);
        db_ = store::Database::openSqlite(dir_.file("outbox.db"), 4);
        db_->migrate();
        store::TenantRepository(*db_).bootstrap(
            {"acme", "Acme", "Acme Clinic", "extreme-main", false}, {"+15550100001"}, {}, 1);
        dispatch_.backoffInitialMs = 10;
        dispatch_.backoffJitter = 0;
        dispatch_.maxAttempts = 4;
        dispatch_.connectTimeoutMs = 2000;
        dispatch_.readTimeoutMs = 5000;
    }

    /// Configures "extreme-main" with `transport` and `baseUrl`, then builds the dispatcher.
    void configure(const std::string& transport, const std::string& baseUrl) {
        const std::string yaml = std::string("admin:\n  api_key: test-admin-key-0123456789\n") +
                                 "providers:\n"
                                 "  - id: extreme-main\n"
                                 "    plugin: extreme\n"
                                 "    transport: " +
                                 transport +
                                 "\n"
                                 "    config:\n"
                                 "      api_key: " +
                                 kProviderKey +
                                 "\n"
                                 "      base_url: " +
                                 baseUrl + "\n";
        config_ = config::loadConfigText(yaml, dir_.path());
        providers_ = std::make_unique<plugin::ProviderSet>(config_, registry_);
        dispatcher_ = std::make_unique<OutboxDispatcher>(*db_, *providers_, dispatch_, clock_);
    }

    /// Queues an outbound message due now, as SendService would.
    std::int64_t queue(const std::string& provider = "extreme-main",
                       const std::string& kind = "initial", const std::string& context = "{}") {
        store::Message m;
        m.tenantId = "acme";
        m.direction = "outbound";
        m.kind = kind;
        m.toNumber = "+15557654321";
        m.body = "Your appointment is tomorrow";
        m.status = store::status::kQueued;
        m.providerInstance = provider;
        m.replyContextJson = context;
        m.createdAt = m.updatedAt = clock_.nowMs();
        m.nextAttemptAt = clock_.nowMs();
        std::int64_t id = 0;
        db_->write([&](Poco::Data::Session& s) { id = store::MessageRepository::insert(s, m); });
        return id;
    }

    store::Message load(std::int64_t id) {
        auto m = store::MessageRepository(*db_).getAny(id);
        if (!m) throw std::runtime_error("message vanished");
        return *m;
    }

    testing::TempDir dir_;
    plugin::PluginRegistry registry_;
    std::unique_ptr<store::Database> db_;
    config::DispatchConfig dispatch_;
    config::AppConfig config_;
    std::unique_ptr<plugin::ProviderSet> providers_;
    ManualClock clock_;
    FakeProviderServer fake_;
    std::unique_ptr<OutboxDispatcher> dispatcher_;
};

TEST_F(OutboxDispatcherTest, NothingDueMeansNothingToDo) {
    configure("http", fake_.baseUrl());
    EXPECT_FALSE(dispatcher_->runOnce());
    EXPECT_EQ(fake_.requestCount(), 0u);
}

TEST_F(OutboxDispatcherTest, AcceptedSendIsSentWithTheProviderReference) {
    configure("http", fake_.baseUrl());
    fake_.enqueue(respond(200, R"({"success":true,"id":"ext-4711"})"));
    const std::int64_t id = queue();

    ASSERT_TRUE(dispatcher_->runOnce());
    store::Message m = load(id);
    EXPECT_EQ(m.status, "SENT");
    EXPECT_EQ(m.providerRef, "ext-4711");
    EXPECT_EQ(m.attempts, 1);
    EXPECT_EQ(m.sentAt, clock_.nowMs());
    EXPECT_EQ(m.errorCode, "");
    EXPECT_FALSE(m.nextAttemptAt);

    // The request really went to the provider, with the key and the message.
    auto requests = fake_.requests();
    ASSERT_EQ(requests.size(), 1u);
    EXPECT_EQ(requests[0].method, "POST");
    EXPECT_EQ(requests[0].uri, "/api/v2/sms/sendsingle");
    EXPECT_EQ(requests[0].header("Authorization"), std::string("Bearer ") + kProviderKey);
    auto body = util::parseObject(requests[0].body);
    EXPECT_EQ(body->getValue<std::string>("recipient"), "+15557654321");
    EXPECT_EQ(body->getValue<std::string>("message"), "Your appointment is tomorrow");
    EXPECT_FALSE(body->has("usemodem"));

    // Done: nothing is left to claim.
    EXPECT_FALSE(dispatcher_->runOnce());
    EXPECT_EQ(fake_.requestCount(), 1u);
}

TEST_F(OutboxDispatcherTest, ReplyCarriesTheStoredContext) {
    configure("http", fake_.baseUrl());
    const std::int64_t id = queue("extreme-main", "reply", R"({"usedmodem":"3","port":"7"})");
    ASSERT_TRUE(dispatcher_->runOnce());
    EXPECT_EQ(load(id).status, "SENT");
    ASSERT_EQ(fake_.requestCount(), 1u);
    auto body = util::parseObject(fake_.requests()[0].body);
    EXPECT_EQ(body->getValue<std::string>("usemodem"), "3");
    EXPECT_EQ(body->getValue<std::string>("port"), "7");
}

TEST_F(OutboxDispatcherTest, ServerErrorIsRetriedAfterBackoff) {
    configure("http", fake_.baseUrl());
    fake_.enqueue(respond(500, R"({"message":"temporarily broken"})"));
    fake_.enqueue(respond(200, R"({"success":true,"id":"ext-second"})"));
    const std::int64_t id = queue();
    const std::int64_t start = clock_.nowMs();

    ASSERT_TRUE(dispatcher_->runOnce());
    store::Message m = load(id);
    EXPECT_EQ(m.status, "QUEUED");
    EXPECT_EQ(m.attempts, 1);
    EXPECT_EQ(m.errorCode, "provider_retry");
    EXPECT_NE(m.errorDetail.find("500"), std::string::npos) << m.errorDetail;
    EXPECT_EQ(m.nextAttemptAt, start + 10);  // initial backoff, no jitter
    EXPECT_FALSE(m.sentAt);

    // Not due yet: nothing happens.
    clock_.advance(9);
    EXPECT_FALSE(dispatcher_->runOnce());
    EXPECT_EQ(fake_.requestCount(), 1u);

    clock_.advance(1);
    ASSERT_TRUE(dispatcher_->runOnce());
    m = load(id);
    EXPECT_EQ(m.status, "SENT");
    EXPECT_EQ(m.attempts, 2);
    EXPECT_EQ(m.providerRef, "ext-second");
    EXPECT_EQ(m.errorCode, "");
    EXPECT_EQ(fake_.requestCount(), 2u);
}

TEST_F(OutboxDispatcherTest, RejectionFailsWithTheProvidersReasonKeptInternally) {
    configure("http", fake_.baseUrl());
    fake_.enqueue(respond(400, R"({"message":"Invalid recipient number"})"));
    const std::int64_t id = queue();
    ASSERT_TRUE(dispatcher_->runOnce());
    store::Message m = load(id);
    EXPECT_EQ(m.status, "FAILED");
    EXPECT_EQ(m.errorCode, "provider_rejected");
    EXPECT_NE(m.errorDetail.find("Invalid recipient number"), std::string::npos) << m.errorDetail;
    EXPECT_EQ(m.attempts, 1);
    EXPECT_EQ(m.failedAt, clock_.nowMs());
    // A rejection is final: no retry, even much later.
    clock_.advance(3'600'000);
    EXPECT_FALSE(dispatcher_->runOnce());
    EXPECT_EQ(fake_.requestCount(), 1u);
}

TEST_F(OutboxDispatcherTest, InBandFailureOn200IsARejection) {
    configure("http", fake_.baseUrl());
    fake_.enqueue(respond(200, R"({"success":false,"message":"insufficient balance"})"));
    const std::int64_t id = queue();
    ASSERT_TRUE(dispatcher_->runOnce());
    store::Message m = load(id);
    EXPECT_EQ(m.status, "FAILED");
    EXPECT_EQ(m.errorCode, "provider_rejected");
    EXPECT_NE(m.errorDetail.find("insufficient balance"), std::string::npos) << m.errorDetail;
}

TEST_F(OutboxDispatcherTest, ThrottlingHonoursRetryAfter) {
    configure("http", fake_.baseUrl());
    auto throttled = respond(429, R"({"message":"slow down"})");
    throttled.headers.emplace_back("Retry-After", "1");
    fake_.enqueue(throttled);
    const std::int64_t id = queue();
    const std::int64_t start = clock_.nowMs();
    ASSERT_TRUE(dispatcher_->runOnce());
    store::Message m = load(id);
    EXPECT_EQ(m.status, "QUEUED");
    EXPECT_EQ(m.attempts, 1);
    EXPECT_EQ(m.errorCode, "provider_throttled");
    ASSERT_TRUE(m.nextAttemptAt);
    EXPECT_GE(*m.nextAttemptAt, start + 1000);
    EXPECT_LE(*m.nextAttemptAt, start + 1010);

    // The 10 ms backoff alone would have made it due by now; Retry-After holds it back.
    clock_.advance(500);
    EXPECT_FALSE(dispatcher_->runOnce());
    clock_.advance(500);
    ASSERT_TRUE(dispatcher_->runOnce());
    EXPECT_EQ(load(id).status, "SENT");
}

TEST_F(OutboxDispatcherTest, RetriesAreExhaustedAfterMaxAttempts) {
    dispatch_.maxAttempts = 2;
    configure("http", fake_.baseUrl());
    fake_.setDefault(respond(500, "internal error"));
    const std::int64_t id = queue();

    ASSERT_TRUE(dispatcher_->runOnce());
    EXPECT_EQ(load(id).status, "QUEUED");
    EXPECT_EQ(load(id).attempts, 1);

    clock_.advance(10);
    ASSERT_TRUE(dispatcher_->runOnce());
    store::Message m = load(id);
    EXPECT_EQ(m.status, "FAILED");
    EXPECT_EQ(m.attempts, 2);
    EXPECT_EQ(m.errorCode, "retries_exhausted");
    EXPECT_NE(m.errorDetail.find("provider_retry"), std::string::npos) << m.errorDetail;
    EXPECT_EQ(m.failedAt, clock_.nowMs());
    EXPECT_FALSE(m.nextAttemptAt);

    clock_.advance(3'600'000);
    EXPECT_FALSE(dispatcher_->runOnce());
    EXPECT_EQ(fake_.requestCount(), 2u);
}

TEST_F(OutboxDispatcherTest, BackoffDoublesBetweenAttempts) {
    configure("http", fake_.baseUrl());
    fake_.setDefault(respond(503, "busy"));
    const std::int64_t id = queue();
    std::int64_t previous = clock_.nowMs();
    for (std::int64_t expectedDelay : {10, 20, 40}) {
        ASSERT_TRUE(dispatcher_->runOnce());
        store::Message m = load(id);
        ASSERT_EQ(m.status, "QUEUED");
        EXPECT_EQ(*m.nextAttemptAt - previous, expectedDelay);
        clock_.advance(expectedDelay);
        previous = clock_.nowMs();
    }
    ASSERT_TRUE(dispatcher_->runOnce());
    EXPECT_EQ(load(id).status, "FAILED");
    EXPECT_EQ(load(id).attempts, 4);
}

TEST_F(OutboxDispatcherTest, UnreachableProviderIsRetriedThenFails) {
    dispatch_.maxAttempts = 2;
    configure("http", "http://127.0.0.1:" + std::to_string(testing::freePort()));
    const std::int64_t id = queue();

    ASSERT_TRUE(dispatcher_->runOnce());
    store::Message m = load(id);
    EXPECT_EQ(m.status, "QUEUED");
    EXPECT_EQ(m.attempts, 1);
    EXPECT_EQ(m.errorCode, "provider_unreachable");
    EXPECT_FALSE(m.errorDetail.empty());

    clock_.advance(10);
    ASSERT_TRUE(dispatcher_->runOnce());
    m = load(id);
    EXPECT_EQ(m.status, "FAILED");
    EXPECT_EQ(m.attempts, 2);
    EXPECT_EQ(m.errorCode, "retries_exhausted");
    EXPECT_NE(m.errorDetail.find("provider_unreachable"), std::string::npos) << m.errorDetail;
}

TEST_F(OutboxDispatcherTest, DryRunRecordsTheRequestWithTheKeyMasked) {
    // The base URL points at the fake so that any real request would be seen.
    configure("dry-run", fake_.baseUrl());
    const std::int64_t id = queue();
    ASSERT_TRUE(dispatcher_->runOnce());

    store::Message m = load(id);
    EXPECT_EQ(m.status, "SENT");
    EXPECT_EQ(m.providerRef, "dry-run-" + std::to_string(id));
    EXPECT_EQ(m.attempts, 1);
    EXPECT_EQ(fake_.requestCount(), 0u);

    auto records = store::DryRunRepository(*db_).latest(10, id);
    ASSERT_EQ(records.size(), 1u);
    const store::DryRunRecord& r = records[0];
    EXPECT_EQ(r.messageId, id);
    EXPECT_EQ(r.tenantId, "acme");
    EXPECT_EQ(r.providerInstance, "extreme-main");
    EXPECT_EQ(r.method, "POST");
    EXPECT_EQ(r.url, fake_.baseUrl() + "/api/v2/sms/sendsingle");
    EXPECT_EQ(r.createdAt, clock_.nowMs());
    auto headers = util::parseObject(r.headersJson);
    EXPECT_EQ(headers->getValue<std::string>("Authorization"), "Bearer ****");
    auto body = util::parseObject(r.body);
    EXPECT_EQ(body->getValue<std::string>("recipient"), "+15557654321");
    EXPECT_EQ(body->getValue<std::string>("message"), "Your appointment is tomorrow");
    // The key appears nowhere in the row.
    for (const std::string& field :
         {r.method, r.url, r.headersJson, r.body, r.providerInstance, r.tenantId})
        EXPECT_EQ(field.find(kProviderKey), std::string::npos) << field;

    // Only this message's record is returned for its id.
    EXPECT_TRUE(store::DryRunRepository(*db_).latest(10, id + 1).empty());
}

TEST_F(OutboxDispatcherTest, UnknownProviderInstanceFails) {
    configure("http", fake_.baseUrl());
    const std::int64_t id = queue("removed-instance");
    ASSERT_TRUE(dispatcher_->runOnce());
    store::Message m = load(id);
    EXPECT_EQ(m.status, "FAILED");
    EXPECT_EQ(m.errorCode, "provider_unavailable");
    EXPECT_EQ(fake_.requestCount(), 0u);
}

TEST_F(OutboxDispatcherTest, WorkersDrainTheOutbox) {
    dispatch_.workers = 2;
    dispatch_.pollIntervalMs = 20;
    configure("http", fake_.baseUrl());
    std::vector<std::int64_t> ids;
    for (int i = 0; i < 6; ++i) ids.push_back(queue());
    dispatcher_->start();
    dispatcher_->wake();
    ASSERT_TRUE(fake_.waitForRequests(6, 10000));
    dispatcher_->stop();
    EXPECT_EQ(fake_.requestCount(), 6u);  // each message exactly once
    for (std::int64_t id : ids) EXPECT_EQ(load(id).status, "SENT") << "message " << id;
}

// dispatch.claim_batch bounds what one worker holds leased (what a crash may resend).
TEST_F(OutboxDispatcherTest, AWorkerLeasesAtMostItsClaimBatch) {
    dispatch_.workers = 1;
    dispatch_.claimBatch = 3;
    dispatch_.pollIntervalMs = 20;
    configure("http", fake_.baseUrl());
    std::atomic<std::int64_t> mostLeased{0};
    testing::ScriptedResponse ok;
    ok.beforeAnswer = [&](const testing::RecordedRequest&) {
        std::int64_t leased = 0;
        db_->read([&](Poco::Data::Session& s) {
            s << "SELECT COUNT(*) FROM messages WHERE status = 'QUEUED' AND locked_until IS NOT "
                 "NULL",
                Poco::Data::Keywords::into(leased), Poco::Data::Keywords::now;
        });
        for (auto seen = mostLeased.load();
             leased > seen && !mostLeased.compare_exchange_weak(seen, leased);) {
        }
    };
    fake_.setDefault(ok);
    std::vector<std::int64_t> ids;
    for (int i = 0; i < 7; ++i) ids.push_back(queue());
    dispatcher_->start();
    dispatcher_->wake();
    ASSERT_TRUE(fake_.waitForRequests(7, 10000));
    dispatcher_->stop();
    EXPECT_EQ(mostLeased.load(), 3);
    for (std::int64_t id : ids) EXPECT_EQ(load(id).status, "SENT") << "message " << id;
}

}  // namespace
}  // namespace switchboard::messaging
