// Tenants and their keys managed through the admin API on the real binary: keys are random,
// shown once and stored only hashed; several per tenant, revocable, rotatable with a grace
// period; disabled tenants get 403; assigned numbers route inbound traffic; every change is
// in the audit log (readable with filters); and a restart's YAML sync keeps what the API made.
#include "support/HttpCall.h"
#include "support/JsonApi.h"
#include "support/ServiceProcess.h"
#include "support/TempDir.h"
#include "support/TestDatabase.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <sstream>

#include <fstream>
#include <regex>

namespace switchboard::testing {
namespace {

using Poco::JSON::Object;

class TenantManagement : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override { start(); }

    void start() {
        port_ = freePort();
        service_ = std::make_unique<ServiceProcess>(
            dir_, serviceYamlOn(port_, storage_.storageYaml(), "dry-run", "http://127.0.0.1:9"),
            port_);
    }

    HttpResult admin(const std::string& method, const std::string& path,
                     const std::string& body = "") {
        return httpCall(port_, method, path, bearer(kAdminKey), body);
    }

    /// Creates tenant "initech" and returns its first key.
    std::string createInitech() {
        auto r = admin("POST", "/api/admin/tenants",
                       R"({"id":"initech","name":"Initech","businessName":"Initech LLC",)"
                       R"("defaultProvider":"extreme-main","numbers":["+15550300003"],)"
                       R"("label":"ci"})");
        EXPECT_EQ(r.status, 201) << r.body;
        auto created = json(r.body);
        return created->getObject("apiKey")->getValue<std::string>("key");
    }

    int statusWith(const std::string& key) {
        return httpCall(port_, "GET", "/api/messages", bearer(key)).status;
    }

    Poco::JSON::Array::Ptr audit(const std::string& query) {
        auto r = admin("GET", "/api/admin/audit" + query);
        EXPECT_EQ(r.status, 200) << r.body;
        return json(r.body)->getArray("data");
    }

    std::vector<std::string> actions(const Poco::JSON::Array::Ptr& entries) {
        std::vector<std::string> result;
        for (std::size_t i = 0; i < entries->size(); ++i)
            result.push_back(
                entries->getObject(static_cast<unsigned>(i))->getValue<std::string>("action"));
        return result;
    }

    TempDir dir_;
    TestDatabase storage_{GetParam(), dir_};
    int port_ = 0;
    std::unique_ptr<ServiceProcess> service_;
};

TEST_P(TenantManagement, CreatedTenantGetsAKeyShownOnceAndStoredOnlyHashed) {
    auto r = admin("POST", "/api/admin/tenants",
                   R"({"id":"initech","name":"Initech","defaultProvider":"extreme-main",)"
                   R"("numbers":["+15550300003"]})");
    ASSERT_EQ(r.status, 201) << r.body;
    auto created = json(r.body);
    const std::string key = created->getObject("apiKey")->getValue<std::string>("key");
    EXPECT_TRUE(std::regex_match(key, std::regex("sbk_[0-9a-f]{64}"))) << key;
    EXPECT_EQ(created->getObject("apiKey")->getValue<std::string>("prefix"), key.substr(0, 12));
    EXPECT_EQ(created->getObject("tenant")->getValue<std::string>("source"), "api");
    EXPECT_EQ(created->getObject("tenant")->getArray("numbers")->getElement<std::string>(0),
              "+15550300003");

    EXPECT_EQ(statusWith(key), 200);
    auto send = httpCall(port_, "POST", "/api/sms/send", bearer(key),
                         R"({"to":"+15550107777","message":"hello from initech"})");
    EXPECT_EQ(send.status, 202) << send.body;

    // Never shown again: not in the tenant view, the key list, the audit log, the database
    // or the log.
    auto shown = admin("GET", "/api/admin/tenants/initech");
    ASSERT_EQ(shown.status, 200);
    EXPECT_EQ(shown.body.find(key), std::string::npos);
    EXPECT_EQ(json(shown.body)->getValue<int>("activeKeys"), 1);
    EXPECT_EQ(admin("GET", "/api/admin/tenants/initech/keys").body.find(key), std::string::npos);
    EXPECT_EQ(admin("GET", "/api/admin/audit").body.find(key), std::string::npos);
    EXPECT_EQ(storage_.dump().find(key), std::string::npos);
    EXPECT_EQ(storage_.dump().find(key.substr(4)), std::string::npos);
    EXPECT_EQ(service_->log().find(key), std::string::npos);

    // Listed with the YAML tenants, paginated.
    auto list = json(admin("GET", "/api/admin/tenants?limit=2").body);
    EXPECT_EQ(list->getObject("pagination")->getValue<int>("total"), 3);
    EXPECT_EQ(list->getArray("data")->size(), 2u);
    // Each listed tenant carries its own numbers and key count (the page's numbers and keys
    // are read in one query each).
    auto all = json(admin("GET", "/api/admin/tenants?limit=100").body)->getArray("data");
    ASSERT_EQ(all->size(), 3u);
    for (unsigned i = 0; i < all->size(); ++i) {
        auto listed = all->getObject(i);
        const std::string id = listed->getValue<std::string>("id");
        auto one = json(admin("GET", "/api/admin/tenants/" + id).body);
        std::ostringstream listedNumbers, ownNumbers;
        listed->getArray("numbers")->stringify(listedNumbers);
        one->getArray("numbers")->stringify(ownNumbers);
        EXPECT_EQ(listedNumbers.str(), ownNumbers.str()) << id;
        EXPECT_EQ(listed->getValue<int>("activeKeys"), one->getValue<int>("activeKeys")) << id;
        EXPECT_GE(listed->getValue<int>("activeKeys"), 1) << id;
        if (id == "initech") {
            EXPECT_NE(listedNumbers.str(), "[]");
        }
    }
}

TEST_P(TenantManagement, BadTenantRequestsAreRefusedWithTheRightError) {
    createInitech();
    const std::string before = storage_.dump();
    struct Case {
        std::string method, path, body;
        int status;
        std::string code;
    };
    const std::vector<Case> cases = {
        {"POST", "/api/admin/tenants",
         R"({"id":"initech","name":"Again","defaultProvider":"extreme-main"})", 409,
         "tenant_exists"},
        {"POST", "/api/admin/tenants",
         R"({"id":"hooli","name":"Hooli","defaultProvider":"extreme-main","numbers":["+15550100001"]})",
         409, "number_taken"},
        {"POST", "/api/admin/tenants",
         R"({"id":"Bad Id!","name":"x","defaultProvider":"extreme-main"})", 400, "invalid_field"},
        {"POST", "/api/admin/tenants", R"({"id":"x1","name":"x","defaultProvider":"nope"})", 400,
         "invalid_field"},
        {"POST", "/api/admin/tenants", R"({"id":"x2","name":"","defaultProvider":"extreme-main"})",
         400, "invalid_field"},
        {"POST", "/api/admin/tenants",
         R"({"id":"x3","name":"x","defaultProvider":"extreme-main","numbers":["555"]})", 400,
         "invalid_phone"},
        {"POST", "/api/admin/tenants",
         R"({"id":"x4","name":"x","defaultProvider":"extreme-main","admin":true})", 400,
         "unknown_field"},
        {"POST", "/api/admin/tenants", R"({"id":"x5","name":"x"})", 400, "missing_field"},
        {"PATCH", "/api/admin/tenants/initech", R"({"disabled":"yes"})", 400, "invalid_field"},
        {"PATCH", "/api/admin/tenants/nobody", R"({"disabled":true})", 404, "not_found"},
        {"PUT", "/api/admin/tenants/initech/numbers", R"({"numbers":["+15550200002"]})", 409,
         "number_taken"},
        {"PUT", "/api/admin/tenants/initech/numbers",
         R"({"numbers":["+15550300004","+15550300004"]})", 400, "invalid_field"},
        {"DELETE", "/api/admin/tenants/initech/keys/999999", "", 404, "not_found"},
        {"DELETE", "/api/admin/tenants/initech/keys/abc", "", 404, "not_found"},
        {"POST", "/api/admin/tenants/initech/keys/1/rotate", R"({"graceSeconds":-5})", 400,
         "invalid_field"},
        {"POST", "/api/admin/tenants/initech/keys/1/rotate", R"({"graceSeconds":99999999})", 400,
         "invalid_field"},
        {"GET", "/api/admin/audit?from=yesterday", "", 400, "invalid_parameter"},
    };
    for (const auto& c : cases) {
        auto r = admin(c.method, c.path, c.body);
        EXPECT_EQ(r.status, c.status)
            << c.method << " " << c.path << " " << c.body << " -> " << r.body;
        EXPECT_NE(r.body.find("\"" + c.code + "\""), std::string::npos) << r.body;
    }
    // Tenant keys never pass the admin endpoints; the admin key is not a tenant key.
    for (const char* key : {kTenantKey, kOtherTenantKey, "sbk_not-a-key"}) {
        EXPECT_EQ(httpCall(port_, "GET", "/api/admin/tenants", bearer(key)).status, 401);
        EXPECT_EQ(httpCall(port_, "POST", "/api/admin/tenants/acme/keys", bearer(key), "{}").status,
                  401);
    }
    EXPECT_EQ(statusWith(kAdminKey), 401);
    EXPECT_EQ(storage_.dump(), before);
}

TEST_P(TenantManagement, KeysCanBeAddedRevokedAndRotatedWithAGracePeriod) {
    const std::string first = createInitech();
    auto added = admin("POST", "/api/admin/tenants/initech/keys", R"({"label":"backup"})");
    ASSERT_EQ(added.status, 201) << added.body;
    const std::string second = json(added.body)->getValue<std::string>("key");
    const auto secondId = json(added.body)->getValue<std::int64_t>("id");
    EXPECT_NE(first, second);
    EXPECT_EQ(statusWith(first), 200);
    EXPECT_EQ(statusWith(second), 200);

    auto keys = json(admin("GET", "/api/admin/tenants/initech/keys").body)->getArray("data");
    ASSERT_EQ(keys->size(), 2u);
    const auto firstId = keys->getObject(1)->getValue<std::int64_t>("id");
    // Another tenant's path does not reach this tenant's key.
    EXPECT_EQ(admin("DELETE", "/api/admin/tenants/acme/keys/" + std::to_string(firstId)).status,
              404);
    EXPECT_EQ(statusWith(first), 200);
    ASSERT_EQ(admin("DELETE", "/api/admin/tenants/initech/keys/" + std::to_string(firstId)).status,
              200);
    EXPECT_EQ(statusWith(first), 401);
    EXPECT_EQ(statusWith(second), 200);

    // Rotation with a grace period: both work until it ends.
    auto rotated =
        admin("POST", "/api/admin/tenants/initech/keys/" + std::to_string(secondId) + "/rotate",
              R"({"graceSeconds":3600})");
    ASSERT_EQ(rotated.status, 201) << rotated.body;
    const std::string third = json(rotated.body)->getValue<std::string>("key");
    const auto thirdId = json(rotated.body)->getValue<std::int64_t>("id");
    EXPECT_EQ(json(rotated.body)->getValue<std::int64_t>("replacesKeyId"), secondId);
    EXPECT_EQ(statusWith(second), 200);
    EXPECT_EQ(statusWith(third), 200);
    // Rotation without grace: the old key stops at once.
    auto again = admin(
        "POST", "/api/admin/tenants/initech/keys/" + std::to_string(thirdId) + "/rotate", "{}");
    ASSERT_EQ(again.status, 201) << again.body;
    const std::string fourth = json(again.body)->getValue<std::string>("key");
    EXPECT_EQ(statusWith(third), 401);
    EXPECT_EQ(statusWith(fourth), 200);
    // Revoking during the grace period ends it now.
    ASSERT_EQ(admin("DELETE", "/api/admin/tenants/initech/keys/" + std::to_string(secondId)).status,
              200);
    EXPECT_EQ(statusWith(second), 401);

    auto log = audit("?tenantId=initech&actor=admin");
    auto seen = actions(log);
    for (const char* expected :
         {"tenant.create", "api_key.create", "api_key.revoke", "api_key.rotate"})
        EXPECT_NE(std::find(seen.begin(), seen.end(), expected), seen.end()) << expected;
    auto body = admin("GET", "/api/admin/audit").body;
    for (const auto& key : {first, second, third, fourth})
        EXPECT_EQ(body.find(key), std::string::npos);
}

TEST_P(TenantManagement, DisabledTenantGets403AndNumbersRouteInboundTraffic) {
    const std::string key = createInitech();
    auto r = admin("PATCH", "/api/admin/tenants/initech", R"({"disabled":true})");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_TRUE(json(r.body)->getValue<bool>("disabled"));
    auto refused = httpCall(port_, "POST", "/api/sms/send", bearer(key),
                            R"({"to":"+15550107777","message":"hi"})");
    EXPECT_EQ(refused.status, 403);
    EXPECT_NE(refused.body.find("tenant_disabled"), std::string::npos);
    ASSERT_EQ(admin("PATCH", "/api/admin/tenants/initech", R"({"disabled":false})").status, 200);
    EXPECT_EQ(statusWith(key), 200);

    ASSERT_EQ(admin("PATCH", "/api/admin/tenants/initech", R"({"name":"Initech Corp"})").status,
              200);
    EXPECT_EQ(json(admin("GET", "/api/admin/tenants/initech").body)->getValue<std::string>("name"),
              "Initech Corp");

    r = admin("PUT", "/api/admin/tenants/initech/numbers",
              R"({"numbers":["+15550300003","+15550300004"]})");
    ASSERT_EQ(r.status, 200) << r.body;
    auto inbound = httpCall(
        port_, "POST", "/api/webhook/extreme", {{"Content-Type", "application/json"}},
        R"({"sender":"+15550109999","receiver":"+15550300004","message":"hello","id":"in-77"})");
    ASSERT_EQ(inbound.status, 200);
    auto mine = json(httpCall(port_, "GET", "/api/messages?direction=inbound", bearer(key)).body);
    ASSERT_EQ(mine->getArray("data")->size(), 1u);
    EXPECT_EQ(mine->getArray("data")->getObject(0)->getValue<std::string>("message"), "hello");

    auto seen = actions(audit("?tenantId=initech"));
    for (const char* expected :
         {"tenant.disable", "tenant.enable", "tenant.update", "tenant.numbers.set"})
        EXPECT_NE(std::find(seen.begin(), seen.end(), expected), seen.end()) << expected;
    // Filters: action, and a time window that excludes everything.
    EXPECT_EQ(audit("?action=tenant.disable")->size(), 1u);
    EXPECT_EQ(audit("?tenantId=initech&to=2000-01-01")->size(), 0u);
    auto entry = audit("?action=tenant.disable")->getObject(0);
    EXPECT_EQ(entry->getValue<std::string>("actor"), "admin");
    EXPECT_EQ(entry->getValue<std::string>("target"), "tenant:initech");
    EXPECT_FALSE(entry->getValue<std::string>("at").empty());
}

TEST_P(TenantManagement, EveryOutboundMessageIsAuditedWithTheKeyThatSentIt) {
    auto sent = httpCall(port_, "POST", "/api/sms/send", bearer(kTenantKey),
                         R"({"to":"+15550107777","message":"one"})");
    ASSERT_EQ(sent.status, 202);
    auto bulk = httpCall(port_, "POST", "/api/sms/bulk", bearer(kTenantKey),
                         R"({"recipients":["+15550107001","+15550107002"],"message":"all"})");
    ASSERT_EQ(bulk.status, 202) << bulk.body;
    auto inbound = httpCall(
        port_, "POST", "/api/webhook/extreme", {{"Content-Type", "application/json"}},
        R"({"sender":"+15550109999","receiver":"+15550100001","message":"hi","id":"in-1"})");
    ASSERT_EQ(inbound.status, 200);
    auto reply = httpCall(port_, "POST", "/api/sms/reply", bearer(kTenantKey),
                          R"({"conversationKey":"+15550109999","message":"re"})");
    ASSERT_EQ(reply.status, 202) << reply.body;

    auto entries = audit("?tenantId=acme");
    int sends = 0, bulks = 0, replies = 0;
    for (std::size_t i = 0; i < entries->size(); ++i) {
        auto e = entries->getObject(static_cast<unsigned>(i));
        const auto action = e->getValue<std::string>("action");
        if (action == "sms.send") ++sends;
        if (action == "sms.bulk") ++bulks;
        if (action == "sms.reply") ++replies;
        EXPECT_TRUE(std::regex_match(e->getValue<std::string>("actor"),
                                     std::regex("tenant:acme/key:[0-9]+")))
            << e->getValue<std::string>("actor");
        EXPECT_EQ(e->getValue<std::string>("target").rfind("message:", 0), 0u);
    }
    EXPECT_EQ(sends, 1);
    EXPECT_EQ(bulks, 2);
    EXPECT_EQ(replies, 1);
    // The other tenant's filter sees none of it.
    EXPECT_EQ(audit("?tenantId=globex")->size(), 0u);
}

TEST_P(TenantManagement, ARestartKeepsWhatTheAdminApiMade) {
    const std::string key = createInitech();
    ASSERT_EQ(admin("PATCH", "/api/admin/tenants/globex", R"({"disabled":true})").status, 200);
    ASSERT_EQ(admin("PUT", "/api/admin/tenants/acme/numbers",
                    R"({"numbers":["+15550100001","+15550100009"]})")
                  .status,
              200);
    ASSERT_EQ(service_->stop(), 0);
    start();
    EXPECT_EQ(statusWith(key), 200);
    EXPECT_EQ(statusWith(kOtherTenantKey), 403);  // disabled by the admin, not by YAML
    EXPECT_EQ(statusWith(kTenantKey), 200);
    auto acme = json(admin("GET", "/api/admin/tenants/acme").body);
    EXPECT_EQ(acme->getArray("numbers")->size(), 2u);
}

INSTANTIATE_TEST_SUITE_P(Backends, TenantManagement, ::testing::ValuesIn(storageBackends()),
                         backendName);

}  // namespace
}  // namespace switchboard::testing
