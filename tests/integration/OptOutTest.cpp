// STOP-family keywords in inbound messages opt a contact out of one tenant's messages, and
// START-family keywords opt it back in: sends, replies and bulk sends to an opted-out contact
// are refused with recipient_opted_out, each change is audited, and the keyword lists come
// from YAML (Twilio's by default).
#include "support/HttpCall.h"
#include "support/JsonApi.h"
#include "support/ServiceProcess.h"
#include "support/TempDir.h"
#include "support/TestDatabase.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

namespace switchboard::testing {
namespace {

using Poco::JSON::Object;

constexpr const char* kCustomer = "+15550109999";

const std::string kDispatch =
    "dispatch:\n  workers: 1\n  poll_interval_ms: 50\n  backoff_initial_ms: 200\n";

class OptOut : public ::testing::TestWithParam<std::string> {
  protected:
    void start(const std::string& messagingBlock = "") {
        port_ = freePort();
        service_ = std::make_unique<ServiceProcess>(
            dir_,
            serviceYamlOn(port_, storage_.storageYaml(), "dry-run", "http://127.0.0.1:9", "",
                          kDispatch + messagingBlock),
            port_);
    }

    void inbound(const std::string& text, const std::string& to = "+15550100001") {
        static int n = 0;
        auto r = httpCall(
            port_, "POST", "/api/webhook/extreme", {{"Content-Type", "application/json"}},
            R"({"sender":")" + std::string(kCustomer) + R"(","receiver":")" + to +
                R"(","message":")" + text + R"(","id":"mo-)" + std::to_string(++n) + R"("})");
        ASSERT_EQ(r.status, 200) << r.body;
    }

    HttpResult send(const char* key = kTenantKey) {
        return httpCall(port_, "POST", "/api/sms/send", bearer(key),
                        R"({"to":")" + std::string(kCustomer) + R"(","message":"offer"})");
    }

    bool optedOut(const char* key = kTenantKey) {
        auto contacts = json(httpCall(port_, "GET", "/api/contacts", bearer(key)).body);
        auto data = contacts->getArray("data");
        for (std::size_t i = 0; i < data->size(); ++i) {
            auto c = data->getObject(static_cast<unsigned>(i));
            if (c->getValue<std::string>("phone") == kCustomer)
                return c->getValue<bool>("optedOut");
        }
        return false;
    }

    TempDir dir_;
    TestDatabase storage_{GetParam(), dir_};
    int port_ = 0;
    std::unique_ptr<ServiceProcess> service_;
};

TEST_P(OptOut, StopRefusesEverySendAndStartAllowsThemAgain) {
    start();
    ASSERT_EQ(send().status, 202);
    inbound(" stop ");
    EXPECT_TRUE(optedOut());

    auto refused = send();
    EXPECT_EQ(refused.status, 422);
    EXPECT_EQ(json(refused.body)->getObject("error")->getValue<std::string>("code"),
              "recipient_opted_out");
    auto reply = httpCall(port_, "POST", "/api/sms/reply", bearer(kTenantKey),
                          R"({"conversationKey":")" + std::string(kCustomer) +
                              R"(","message":"sorry to see you go"})");
    EXPECT_EQ(reply.status, 422) << reply.body;
    auto bulk = httpCall(
        port_, "POST", "/api/sms/bulk", bearer(kTenantKey),
        R"({"recipients":[")" + std::string(kCustomer) + R"(","+15550107001"],"message":"all"})");
    ASSERT_EQ(bulk.status, 202) << bulk.body;
    EXPECT_NE(bulk.body.find("recipient_opted_out"), std::string::npos) << bulk.body;
    EXPECT_NE(bulk.body.find("+15550107001"), std::string::npos);

    // Opt-out is per tenant: globex may still write to the same person.
    EXPECT_EQ(send(kOtherTenantKey).status, 202);

    // Not a keyword: a sentence containing STOP changes nothing.
    inbound("please stop by tomorrow");
    EXPECT_TRUE(optedOut());
    inbound("START");
    EXPECT_FALSE(optedOut());
    EXPECT_EQ(send().status, 202);
    inbound("UNSUBSCRIBE");
    EXPECT_TRUE(optedOut());
    inbound("unstop");
    EXPECT_FALSE(optedOut());

    // Audited with the contact as actor; a repeated keyword is not audited twice.
    inbound("STOP");
    inbound("STOP");
    auto audit =
        json(httpCall(port_, "GET", "/api/admin/audit?tenantId=acme&action=contact.opt_out",
                      bearer(kAdminKey))
                 .body);
    ASSERT_EQ(audit->getArray("data")->size(), 3u);
    auto newest = audit->getArray("data")->getObject(0);
    EXPECT_EQ(newest->getValue<std::string>("actor"), std::string("contact:") + kCustomer);
    EXPECT_EQ(newest->getObject("detail")->getValue<std::string>("keyword"), "STOP");
    auto optIns =
        json(httpCall(port_, "GET", "/api/admin/audit?tenantId=acme&action=contact.opt_in",
                      bearer(kAdminKey))
                 .body);
    EXPECT_EQ(optIns->getArray("data")->size(), 2u);
}

TEST_P(OptOut, KeywordListsComeFromYaml) {
    start(
        "messaging:\n  opt_out:\n    stop_keywords: [ARRET, Halt]\n"
        "    start_keywords: [REPRENDRE]\n");
    inbound("STOP");
    EXPECT_FALSE(optedOut());
    inbound("halt");
    EXPECT_TRUE(optedOut());
    EXPECT_EQ(send().status, 422);
    inbound("Reprendre");
    EXPECT_FALSE(optedOut());
    EXPECT_EQ(send().status, 202);
}

INSTANTIATE_TEST_SUITE_P(Backends, OptOut, ::testing::ValuesIn(storageBackends()), backendName);

}  // namespace
}  // namespace switchboard::testing
