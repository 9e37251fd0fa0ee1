// Every class of bad input to the tenant and admin APIs gets the documented status and
// {"error": {"code", "message"}}, the service keeps running, and the database is byte for
// byte what it was before (compared with a full dump).
#include "support/FakeProviderServer.h"
#include "support/HttpCall.h"
#include "support/ServiceProcess.h"
#include "support/TempDir.h"
#include "support/TestDatabase.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

namespace switchboard::testing {
namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct BadRequest {
    std::string name;
    std::string method;
    std::string path;
    Headers headers;
    std::string body;
    int status;
    std::string code;
};

Headers json(const char* key = kTenantKey) {
    return {{"Authorization", std::string("Bearer ") + key}, {"Content-Type", "application/json"}};
}

// Runs on SQLite and on PostgreSQL.
class ApiBadInput : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        port_ = freePort();
        service_ = std::make_unique<ServiceProcess>(
            dir_, serviceYamlOn(port_, storage_.storageYaml(), "dry-run", fake_.baseUrl()), port_);
        // Some state to protect: an inbound, a contact, a sent message.
        auto r = httpCall(
            port_, "POST", "/api/webhook/extreme", {{"Content-Type", "application/json"}},
            R"({"sender":"+15550109999","receiver":"+15550100001","message":"hi","id":"x1","usedmodem":"1","port":"2"})");
        ASSERT_EQ(r.status, 200);
        r = httpCall(port_, "POST", "/api/sms/send", json(),
                     R"({"to":"+15550107777","message":"hello"})");
        ASSERT_EQ(r.status, 202);
        // Let the dispatcher settle so the dump is stable.
        for (int i = 0;
             i < 100 && httpCall(port_, "GET", "/api/messages?direction=outbound", json())
                                .body.find("QUEUED") != std::string::npos;
             ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }

    TempDir dir_;
    TestDatabase storage_{GetParam(), dir_};
    FakeProviderServer fake_;
    int port_ = 0;
    std::unique_ptr<ServiceProcess> service_;
};

TEST_P(ApiBadInput, EveryClassOfBadInputIsRefusedAndChangesNothing) {
    const std::string big(70 * 1024, 'x');
    const std::string deep = "{\"to\":" + std::string(20000, '[') + std::string(20000, ']') + "}";
    const std::vector<BadRequest> cases = {
        {"malformed json", "POST", "/api/sms/send", json(), R"({"to": "+15550107777",)", 400,
         "malformed_json"},
        {"json array", "POST", "/api/sms/send", json(), R"(["+15550107777","hi"])", 400,
         "malformed_json"},
        {"empty body", "POST", "/api/sms/send", json(), "", 400, "malformed_json"},
        {"deeply nested", "POST", "/api/sms/send", json(), deep, 400, "malformed_json"},
        {"invalid utf-8", "POST", "/api/sms/send", json(),
         "{\"to\":\"+15550107777\",\"message\":\"\xff\xfe\"}", 400, ""},
        {"wrong content type",
         "POST",
         "/api/sms/send",
         {{"Authorization", std::string("Bearer ") + kTenantKey}, {"Content-Type", "text/plain"}},
         R"({"to":"+15550107777","message":"hi"})",
         415,
         "unsupported_media_type"},
        {"form content type",
         "POST",
         "/api/sms/send",
         {{"Authorization", std::string("Bearer ") + kTenantKey},
          {"Content-Type", "application/x-www-form-urlencoded"}},
         "to=%2B15550107777&message=hi",
         415,
         "unsupported_media_type"},
        {"oversized body", "POST", "/api/sms/send", json(),
         R"({"to":"+15550107777","message":")" + big + "\"}", 413, "body_too_large"},
        {"no plus", "POST", "/api/sms/send", json(), R"({"to":"15550107777","message":"hi"})", 400,
         "invalid_phone"},
        {"too short", "POST", "/api/sms/send", json(), R"({"to":"+155501","message":"hi"})", 400,
         "invalid_phone"},
        {"too long", "POST", "/api/sms/send", json(),
         R"({"to":"+1234567890123456","message":"hi"})", 400, "invalid_phone"},
        {"letters", "POST", "/api/sms/send", json(), R"({"to":"+1555CALLNOW","message":"hi"})", 400,
         "invalid_phone"},
        {"sql in phone", "POST", "/api/sms/send", json(),
         R"({"to":"+1555'; DROP TABLE messages;--","message":"hi"})", 400, "invalid_phone"},
        {"bad from", "POST", "/api/sms/send", json(),
         R"({"to":"+15550107777","from":"ACME","message":"hi"})", 400, "invalid_phone"},
        {"missing to", "POST", "/api/sms/send", json(), R"({"message":"hi"})", 400,
         "missing_field"},
        {"missing message", "POST", "/api/sms/send", json(), R"({"to":"+15550107777"})", 400,
         "missing_field"},
        {"number as to", "POST", "/api/sms/send", json(), R"({"to":15550107777,"message":"hi"})",
         400, "invalid_field"},
        {"object as message", "POST", "/api/sms/send", json(),
         R"({"to":"+15550107777","message":{"a":1}})", 400, "invalid_field"},
        {"empty message", "POST", "/api/sms/send", json(), R"({"to":"+15550107777","message":""})",
         400, "invalid_message"},
        {"message too long", "POST", "/api/sms/send", json(),
         R"({"to":"+15550107777","message":")" + std::string(1531, 'a') + "\"}", 400,
         "message_too_long"},
        {"unknown field", "POST", "/api/sms/send", json(),
         R"({"to":"+15550107777","message":"hi","priority":9})", 400, "unknown_field"},
        {"unknown inbound", "POST", "/api/sms/reply", json(),
         R"({"inboundMessageId":999999,"message":"hi"})", 404, "inbound_not_found"},
        {"outbound as inbound", "POST", "/api/sms/reply", json(),
         R"({"inboundMessageId":2,"message":"hi"})", 404, "inbound_not_found"},
        {"other tenant's inbound", "POST", "/api/sms/reply", json(kOtherTenantKey),
         R"({"inboundMessageId":1,"message":"hi"})", 404, "inbound_not_found"},
        {"id as words", "POST", "/api/sms/reply", json(),
         R"({"inboundMessageId":"one","message":"hi"})", 400, "invalid_field"},
        {"both keys", "POST", "/api/sms/reply", json(),
         R"({"inboundMessageId":1,"conversationKey":"+15550109999","message":"hi"})", 400,
         "invalid_request"},
        {"no key", "POST", "/api/sms/reply", json(), R"({"message":"hi"})", 400, "invalid_request"},
        {"bad conversation key", "POST", "/api/sms/reply", json(),
         R"({"conversationKey":"bob","message":"hi"})", 400, "invalid_phone"},
        {"missing api key",
         "POST",
         "/api/sms/send",
         {{"Content-Type", "application/json"}},
         R"({"to":"+15550107777","message":"hi"})",
         401,
         "unauthorized"},
        {"wrong api key", "POST", "/api/sms/send", json("not-a-key-at-all-123456"),
         R"({"to":"+15550107777","message":"hi"})", 401, "unauthorized"},
        {"basic auth",
         "GET",
         "/api/messages",
         {{"Authorization", "Basic dXNlcjpwYXNz"}},
         "",
         401,
         "unauthorized"},
        {"admin key as tenant", "GET", "/api/messages", json(kAdminKey), "", 401, "unauthorized"},
        {"tenant key as admin", "GET", "/api/admin/webhook/events", json(), "", 401,
         "unauthorized"},
        {"no admin key", "GET", "/api/admin/webhook/last", {}, "", 401, "unauthorized"},
        {"page zero", "GET", "/api/messages?page=0", json(), "", 400, "invalid_parameter"},
        {"limit words", "GET", "/api/contacts?limit=all", json(), "", 400, "invalid_parameter"},
        {"bad direction", "GET", "/api/messages?direction=sideways", json(), "", 400,
         "invalid_parameter"},
        {"other tenant's message", "GET", "/api/messages/2", json(kOtherTenantKey), "", 404,
         "not_found"},
        {"message id words", "GET", "/api/messages/abc", json(), "", 404, "not_found"},
        {"unknown path", "GET", "/api/nothing-here", json(), "", 404, "not_found"},
        {"wrong method", "GET", "/api/sms/send", json(), "", 405, "method_not_allowed"},
        {"admin route unknown tenant", "PUT", "/api/admin/modem-routes", json(kAdminKey),
         R"({"provider":"extreme-main","modem":"1","port":"2","tenantId":"nobody"})", 400,
         "invalid_field"},
        // Admin tenant management and audit.
        {"tenant malformed json", "POST", "/api/admin/tenants", json(kAdminKey), R"({"id":)", 400,
         "malformed_json"},
        {"tenant deeply nested", "POST", "/api/admin/tenants", json(kAdminKey),
         "{\"id\":" + std::string(20000, '[') + std::string(20000, ']') + "}", 400,
         "malformed_json"},
        {"tenant wrong content type",
         "POST",
         "/api/admin/tenants",
         {{"Authorization", std::string("Bearer ") + kAdminKey}, {"Content-Type", "text/plain"}},
         R"({"id":"x","name":"x","defaultProvider":"extreme-main"})",
         415,
         "unsupported_media_type"},
        {"tenant name invalid utf-8", "POST", "/api/admin/tenants", json(kAdminKey),
         "{\"id\":\"x1\",\"name\":\"\xc3\x28\",\"defaultProvider\":\"extreme-main\"}", 400, ""},
        {"tenant id sql", "POST", "/api/admin/tenants", json(kAdminKey),
         R"({"id":"x'; DROP TABLE tenants;--","name":"x","defaultProvider":"extreme-main"})", 400,
         "invalid_field"},
        {"tenant huge name", "POST", "/api/admin/tenants", json(kAdminKey),
         R"({"id":"x2","name":")" + std::string(60000, 'n') +
             R"(","defaultProvider":"extreme-main"})",
         400, "invalid_field"},
        {"tenant numbers not a list", "POST", "/api/admin/tenants", json(kAdminKey),
         R"({"id":"x3","name":"x","defaultProvider":"extreme-main","numbers":"+15550300003"})", 400,
         "invalid_field"},
        {"tenant numbers as integers", "POST", "/api/admin/tenants", json(kAdminKey),
         R"({"id":"x4","name":"x","defaultProvider":"extreme-main","numbers":[15550300003]})", 400,
         "invalid_field"},
        {"tenant number invalid", "PUT", "/api/admin/tenants/acme/numbers", json(kAdminKey),
         R"({"numbers":["+1555'; --"]})", 400, "invalid_phone"},
        {"tenant create as tenant", "POST", "/api/admin/tenants", json(),
         R"({"id":"x5","name":"x","defaultProvider":"extreme-main"})", 401, "unauthorized"},
        {"key create as tenant", "POST", "/api/admin/tenants/acme/keys", json(), "{}", 401,
         "unauthorized"},
        {"keys of unknown tenant", "GET", "/api/admin/tenants/nobody/keys", json(kAdminKey), "",
         404, "not_found"},
        {"tenant id with encoded slash", "GET", "/api/admin/tenants/a%2Fb", json(kAdminKey), "",
         404, "not_found"},
        {"revoke key id words", "DELETE", "/api/admin/tenants/acme/keys/one", json(kAdminKey), "",
         404, "not_found"},
        {"rotate malformed", "POST", "/api/admin/tenants/acme/keys/1/rotate", json(kAdminKey), "{",
         400, "malformed_json"},
        {"rotate grace as text", "POST", "/api/admin/tenants/acme/keys/1/rotate", json(kAdminKey),
         R"({"graceSeconds":"60"})", 400, "invalid_field"},
        {"patch disabled as number", "PATCH", "/api/admin/tenants/acme", json(kAdminKey),
         R"({"disabled":1})", 400, "invalid_field"},
        {"patch unknown field", "PATCH", "/api/admin/tenants/acme", json(kAdminKey),
         R"({"id":"renamed"})", 400, "unknown_field"},
        {"audit bad limit", "GET", "/api/admin/audit?limit=lots", json(kAdminKey), "", 400,
         "invalid_parameter"},
        {"audit from after to", "GET", "/api/admin/audit?from=2026-02-02&to=2026-02-01",
         json(kAdminKey), "", 400, "invalid_parameter"},
        {"admin log without tenant", "GET", "/api/admin/sms-delivery-log", json(kAdminKey), "", 400,
         "invalid_parameter"},
    };

    const std::string before = storage_.dump();
    for (const auto& c : cases) {
        SCOPED_TRACE(c.name);
        HttpResult r;
        try {
            r = httpCall(port_, c.method, c.path, c.headers, c.body);
        } catch (const std::exception& e) {
            // The server may close the connection while an oversized body is still being sent.
            ASSERT_EQ(c.status, 413) << e.what();
            continue;
        }
        EXPECT_EQ(r.status, c.status) << r.body;
        Poco::JSON::Parser parser;
        auto error = parser.parse(r.body).extract<Poco::JSON::Object::Ptr>()->getObject("error");
        ASSERT_TRUE(error) << r.body;
        if (!c.code.empty()) {
            EXPECT_EQ(error->getValue<std::string>("code"), c.code);
        }
        EXPECT_FALSE(error->getValue<std::string>("message").empty());
    }
    EXPECT_EQ(httpCall(port_, "GET", "/healthz").status, 200);
    EXPECT_EQ(storage_.dump(), before);
}

TEST_P(ApiBadInput, SqlMetacharactersInTextAreStoredVerbatim) {
    const std::string text = R"(Robert'); DROP TABLE messages;-- \" $1 %s)";
    Poco::JSON::Object body;
    body.set("to", "+15550107777");
    body.set("message", text);
    std::ostringstream out;
    body.stringify(out);
    auto r = httpCall(port_, "POST", "/api/sms/send", json(), out.str());
    ASSERT_EQ(r.status, 202) << r.body;
    Poco::JSON::Parser parser;
    auto id = parser.parse(r.body).extract<Poco::JSON::Object::Ptr>()->getValue<std::int64_t>("id");
    auto stored = httpCall(port_, "GET", "/api/messages/" + std::to_string(id), json());
    Poco::JSON::Parser again;
    EXPECT_EQ(again.parse(stored.body)
                  .extract<Poco::JSON::Object::Ptr>()
                  ->getValue<std::string>("message"),
              text);
    EXPECT_EQ(httpCall(port_, "GET", "/api/messages", json()).status, 200);
}

INSTANTIATE_TEST_SUITE_P(Backends, ApiBadInput, ::testing::ValuesIn(storageBackends()),
                         backendName);

}  // namespace
}  // namespace switchboard::testing
