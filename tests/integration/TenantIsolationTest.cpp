// Two tenants on one service: every tenant endpoint tried with the other tenant's ids and
// keys answers 404 (or an empty, zero-count view), and nothing of acme's leaks to globex —
// not a row, not a count in pagination, not a number in the delivery summary.
#include "support/FakeProviderServer.h"
#include "support/HttpCall.h"
#include "support/JsonApi.h"
#include "support/ServiceProcess.h"
#include "support/TempDir.h"
#include "support/TestDatabase.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

namespace switchboard::testing {
namespace {

using Poco::JSON::Object;

class TenantIsolation : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        fake_.setDefault(respond(200, R"({"success":true,"id":"ext-1"})"));
        port_ = freePort();
        service_ = std::make_unique<ServiceProcess>(
            dir_, serviceYamlOn(port_, storage_.storageYaml(), "http", fake_.baseUrl()), port_);
        // acme's state: an inbound message (with a contact), an outbound message that went
        // out, with an Idempotency-Key.
        auto r = httpCall(
            port_, "POST", "/api/webhook/extreme", {{"Content-Type", "application/json"}},
            R"({"sender":"+15550109999","receiver":"+15550100001","message":"secret","id":"a1"})");
        ASSERT_EQ(r.status, 200);
        auto headers = bearer(kTenantKey);
        headers.emplace_back("Idempotency-Key", "shared-key-1");
        r = httpCall(port_, "POST", "/api/sms/send", headers,
                     R"({"to":"+15550107777","message":"acme only"})");
        ASSERT_EQ(r.status, 202) << r.body;
        outboundId_ = json(r.body)->getValue<std::int64_t>("id");
        auto inbox = json(
            httpCall(port_, "GET", "/api/messages?direction=inbound", bearer(kTenantKey)).body);
        inboundId_ = inbox->getArray("data")->getObject(0)->getValue<std::int64_t>("id");
        contactId_ = inbox->getArray("data")->getObject(0)->getValue<std::int64_t>("contactId");
        for (int i = 0;
             i < 200 &&
             get(kTenantKey, "/api/messages/" + std::to_string(outboundId_)).body.find("QUEUED") !=
                 std::string::npos;
             ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }

    HttpResult get(const char* key, const std::string& path) {
        return httpCall(port_, "GET", path, bearer(key));
    }

    TempDir dir_;
    TestDatabase storage_{GetParam(), dir_};
    FakeProviderServer fake_;
    int port_ = 0;
    std::unique_ptr<ServiceProcess> service_;
    std::int64_t outboundId_ = 0;
    std::int64_t inboundId_ = 0;
    std::int64_t contactId_ = 0;
};

TEST_P(TenantIsolation, TheOtherTenantsIdsAreNotFound) {
    const std::string out = std::to_string(outboundId_);
    const std::string in = std::to_string(inboundId_);
    for (const std::string& path : std::vector<std::string>{
             "/api/messages/" + out, "/api/messages/" + in, "/api/sms-delivery-log/" + out}) {
        EXPECT_EQ(get(kTenantKey, path).status, 200) << path;
        auto r = get(kOtherTenantKey, path);
        EXPECT_EQ(r.status, 404) << path;
        EXPECT_EQ(r.body.find("acme"), std::string::npos);
        EXPECT_EQ(r.body.find("+15550107777"), std::string::npos);
    }
    auto reply = httpCall(port_, "POST", "/api/sms/reply", bearer(kOtherTenantKey),
                          R"({"inboundMessageId":)" + in + R"(,"message":"hijack"})");
    EXPECT_EQ(reply.status, 404) << reply.body;
    EXPECT_EQ(reply.body.find("secret"), std::string::npos);
}

TEST_P(TenantIsolation, ListsCountsAndSummariesHoldNothingOfTheOtherTenant) {
    const std::string dumpBefore = storage_.dump();
    for (const std::string& path : std::vector<std::string>{
             "/api/messages", "/api/messages?direction=inbound", "/api/messages?direction=outbound",
             "/api/contacts", "/api/sms-delivery-log",
             "/api/sms-delivery-log?contactId=" + std::to_string(contactId_)}) {
        auto mine = json(get(kTenantKey, path).body);
        auto theirs = get(kOtherTenantKey, path);
        ASSERT_EQ(theirs.status, 200) << path << theirs.body;
        auto page = json(theirs.body);
        EXPECT_EQ(page->getArray("data")->size(), 0u) << path;
        EXPECT_EQ(page->getObject("pagination")->getValue<int>("total"), 0) << path;
        EXPECT_EQ(page->getObject("pagination")->getValue<int>("totalPages"), 0) << path;
        EXPECT_EQ(theirs.body.find("+15550109999"), std::string::npos) << path;
        (void)mine;
    }
    auto acmeMessages = json(get(kTenantKey, "/api/messages").body);
    EXPECT_EQ(acmeMessages->getObject("pagination")->getValue<int>("total"), 2);

    auto summary = json(get(kOtherTenantKey, "/api/sms-delivery-log/summary").body);
    EXPECT_EQ(summary->getValue<int>("totalEvents"), 0);
    EXPECT_EQ(summary->getValue<int>("delivered"), 0);
    EXPECT_EQ(summary->getValue<int>("failed"), 0);
    EXPECT_TRUE(summary->isNull("meanSecondsToDeliver"));
    EXPECT_EQ(storage_.dump(), dumpBefore);  // reading changed nothing
}

TEST_P(TenantIsolation, AnIdempotencyKeyBelongsToOneTenant) {
    // globex reusing acme's Idempotency-Key gets its own fresh send, not acme's stored
    // response (which would name acme's message).
    auto headers = bearer(kOtherTenantKey);
    headers.emplace_back("Idempotency-Key", "shared-key-1");
    auto r = httpCall(port_, "POST", "/api/sms/send", headers,
                      R"({"to":"+15550108888","message":"globex"})");
    ASSERT_EQ(r.status, 202) << r.body;
    EXPECT_NE(json(r.body)->getValue<std::int64_t>("id"), outboundId_);
    EXPECT_EQ(r.body.find("acme only"), std::string::npos);
}

TEST_P(TenantIsolation, KeysAreCheckedAndAdminEndpointsRefuseTenantKeys) {
    for (const std::string& path :
         std::vector<std::string>{"/api/messages", "/api/contacts", "/api/sms-delivery-log"}) {
        EXPECT_EQ(httpCall(port_, "GET", path).status, 401) << path;
        EXPECT_EQ(get("test-tenant-key-0123456788", path).status, 401) << path;  // near miss
        EXPECT_EQ(
            httpCall(port_, "GET", path, {{"Authorization", std::string("Basic ") + kTenantKey}})
                .status,
            401)
            << path;
    }
    for (const std::string& path : std::vector<std::string>{
             "/api/admin/webhook/events", "/api/admin/tenants", "/api/admin/audit",
             "/api/admin/dry-run", "/api/admin/failure-events", "/api/admin/modem-routes",
             "/api/admin/sms-delivery-log?tenantId=acme"}) {
        EXPECT_EQ(get(kTenantKey, path).status, 401) << path;
        EXPECT_EQ(get(kOtherTenantKey, path).status, 401) << path;
    }
}

INSTANTIATE_TEST_SUITE_P(Backends, TenantIsolation, ::testing::ValuesIn(storageBackends()),
                         backendName);

}  // namespace
}  // namespace switchboard::testing
