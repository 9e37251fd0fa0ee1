// Bring-your-own-carrier through the real binary and the real sb_twilio.so, on SQLite and
// PostgreSQL: a tenant stores its own Twilio account and its sends reach the (fake) Twilio
// with the tenant's basic auth while another tenant's sends use the operator's; values are
// never returned, stored readable or logged; master-key rotation re-encrypts every row while
// sending goes on, and the old key can then be dropped.
#include "plugins/twilio/TwilioNodeOracle.h"
#include "store/MessageRepository.h"
#include "support/FakeProviderServer.h"
#include "support/FormBodies.h"
#include "support/HttpCall.h"
#include "support/JsonApi.h"
#include "support/ServiceProcess.h"
#include "support/TempDir.h"
#include "support/TestDatabase.h"

#include <Poco/Base64Decoder.h>
#include <Poco/Data/Session.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/URI.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <map>
#include <sstream>
#include <thread>

namespace switchboard::testing {
namespace {

using Poco::JSON::Object;

constexpr const char* kOperatorSid = "AC0123456789abcdef0123456789abcdef";
constexpr const char* kOperatorToken = "operator-twilio-token-0123456789";
constexpr const char* kAcmeSid = "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
constexpr const char* kAcmeToken = "acme-own-twilio-token-5f2e9c1d";
constexpr const char* kGlobexSid = "ACbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
constexpr const char* kGlobexToken = "globex-own-twilio-token-8a7b6c5d";
// Two master keys, as an operator would generate them (openssl rand -base64 32 / -hex 32).
constexpr const char* kOldKey = "q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA=";
constexpr const char* kNewKey = "5f0e1d2c3b4a59687766554433221100ffeeddccbbaa99887766554433221100";
constexpr const char* kTwilioAccepted =
    R"({"sid":"SM0123456789abcdef0123456789abcdef","status":"queued"})";

std::string basicAuthOf(const RecordedRequest& r) {
    std::string value = r.header("Authorization");
    std::istringstream in(value.substr(value.find(' ') + 1));
    Poco::Base64Decoder decoder(in);
    return std::string((std::istreambuf_iterator<char>(decoder)), std::istreambuf_iterator<char>());
}

// The rows of one table in a TestDatabase::dump(), as text.
std::string tableOf(const std::string& dump, const std::string& table) {
    const std::string header = "== " + table + "\n";
    auto start = dump.find(header);
    if (start == std::string::npos) return "(no table " + table + ")";
    start += header.size();
    auto end = dump.find("\n== ", start - 1);
    return dump.substr(start, end == std::string::npos ? std::string::npos : end + 1 - start);
}

std::string credentialsBody(const std::string& sid, const std::string& token) {
    Object o;
    o.set("account_sid", sid);
    o.set("auth_token", token);
    std::ostringstream out;
    o.stringify(out);
    return out.str();
}

// `keys`: the credentials.master_keys entries as (id, env var) pairs, active first; none =
// the section is left out (bring-your-own-carrier off).
std::string yamlFor(int port, const std::string& storageBlock, const std::string& twilioBaseUrl,
                    const std::vector<std::pair<std::string, std::string>>& keys,
                    const std::string& transport = "http", int rotationIntervalS = 0) {
    std::string yaml = "server:\n  bind: 127.0.0.1\n  port: " + std::to_string(port) +
                       "\n  public_base_url: https://sms.example.com\n" + storageBlock +
                       "plugins:\n  directory: " SWITCHBOARD_PLUGIN_DIR
                       "\n"
                       "dispatch:\n  poll_interval_ms: 50\n  backoff_initial_ms: 100\n"
                       "  max_attempts: 3\n  connect_timeout_ms: 2000\n  read_timeout_ms: 5000\n"
                       "admin:\n  api_key: ${SB_ADMIN_KEY}\n";
    if (!keys.empty()) {
        yaml += "credentials:\n  rotation_interval_s: " + std::to_string(rotationIntervalS) +
                "\n  master_keys:\n";
        for (const auto& [id, env] : keys)
            yaml += "    - {id: " + id + ", key: \"${" + env + "}\"}\n";
    }
    yaml += "providers:\n  - id: twilio-main\n    plugin: twilio\n    transport: " + transport +
            "\n    config:\n      account_sid: " + kOperatorSid +
            "\n      auth_token: ${SB_TWILIO_AUTH_TOKEN}\n      base_url: " + twilioBaseUrl +
            "\n      from: \"+15550100001\"\n"
            "    tenant_credentials: [account_sid, auth_token]\n"
            "routes:\n  - path: /api/webhooks/twilio\n    providers: [twilio-main]\n"
            "tenants:\n"
            "  - id: acme\n    name: Acme\n    default_provider: twilio-main\n"
            "    numbers: [\"+15550100001\"]\n    api_keys: [\"${SB_TENANT_KEY}\"]\n"
            "  - id: globex\n    name: Globex\n    default_provider: twilio-main\n"
            "    numbers: [\"+15550200002\"]\n    api_keys: [\"${SB_OTHER_TENANT_KEY}\"]\n";
    return yaml;
}

class TenantCredentials : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override { fake_.setDefault(respond(201, kTwilioAccepted)); }

    void start(const std::vector<std::pair<std::string, std::string>>& keys,
               const std::string& transport = "http", int rotationIntervalS = 0) {
        if (service_) {
            logs_ += service_->log();
            EXPECT_EQ(service_->stop(), 0);
            service_.reset();
        }
        port_ = freePort();
        service_ = std::make_unique<ServiceProcess>(
            dir_,
            yamlFor(port_, storage_.storageYaml(), fake_.baseUrl(), keys, transport,
                    rotationIntervalS),
            port_,
            std::map<std::string, std::string>{{"SB_TWILIO_AUTH_TOKEN", kOperatorToken},
                                               {"SB_KEY_OLD", kOldKey},
                                               {"SB_KEY_NEW", kNewKey}});
    }

    HttpResult put(const char* tenantKey, const std::string& provider, const std::string& body) {
        return httpCall(port_, "PUT", "/api/credentials/" + provider, bearer(tenantKey), body);
    }

    std::int64_t send(const char* tenantKey, const std::string& to) {
        auto r = httpCall(port_, "POST", "/api/sms/send", bearer(tenantKey),
                          R"({"to":")" + to + R"(","message":"hello"})");
        EXPECT_EQ(r.status, 202) << r.body;
        return r.status == 202 ? json(r.body)->getValue<std::int64_t>("id") : 0;
    }

    /// Polls until the message leaves QUEUED (10 s at most); returns its status.
    std::string settle(const char* tenantKey, std::int64_t id) {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        std::string status;
        do {
            auto r =
                httpCall(port_, "GET", "/api/messages/" + std::to_string(id), bearer(tenantKey));
            status = json(r.body)->getValue<std::string>("status");
            if (status != "QUEUED") break;
            std::this_thread::sleep_for(std::chrono::milliseconds(30));
        } while (std::chrono::steady_clock::now() < deadline);
        return status;
    }

    /// Sends one message as `tenantKey` and returns the request the fake Twilio received.
    RecordedRequest sendAndCapture(const char* tenantKey, const std::string& to) {
        const std::size_t before = fake_.requestCount();
        std::int64_t id = send(tenantKey, to);
        EXPECT_EQ(settle(tenantKey, id), "SENT");
        EXPECT_TRUE(fake_.waitForRequests(before + 1, 5000));
        return fake_.requests().at(before);
    }

    Object::Ptr keysReport() {
        auto r = httpCall(port_, "GET", "/api/admin/credentials/keys", bearer(kAdminKey));
        EXPECT_EQ(r.status, 200) << r.body;
        return json(r.body);
    }

    std::int64_t rowsUnder(const std::string& keyId) {
        auto keys = keysReport()->getArray("keys");
        for (std::size_t i = 0; i < keys->size(); ++i) {
            auto k = keys->getObject(static_cast<unsigned>(i));
            if (k->getValue<std::string>("id") == keyId) return k->getValue<std::int64_t>("rows");
        }
        return 0;
    }

    std::string allLogs() const { return logs_ + (service_ ? service_->log() : std::string()); }

    /// Nothing any tenant or the operator configured as a secret may appear in `text`.
    static void expectNoSecrets(const std::string& text, const std::string& where) {
        for (const char* secret : {kAcmeToken, kGlobexToken, kOperatorToken, kOldKey, kNewKey})
            EXPECT_EQ(text.find(secret), std::string::npos) << where << " holds " << secret;
    }

    TempDir dir_;
    TestDatabase storage_{GetParam(), dir_};
    FakeProviderServer fake_;
    int port_ = 0;
    std::unique_ptr<ServiceProcess> service_;
    std::string logs_;
};

TEST_P(TenantCredentials, ATenantSendsWithItsOwnAccountAndTheOtherWithTheOperators) {
    start({{"k1", "SB_KEY_OLD"}});
    auto stored = put(kTenantKey, "twilio", credentialsBody(kAcmeSid, kAcmeToken));
    ASSERT_EQ(stored.status, 200) << stored.body;
    EXPECT_EQ(json(stored.body)->getValue<std::string>("provider"), "twilio");

    RecordedRequest mine = sendAndCapture(kTenantKey, "+15557654321");
    EXPECT_EQ(basicAuthOf(mine), std::string(kAcmeSid) + ":" + kAcmeToken);
    EXPECT_NE(mine.uri.find(std::string("/Accounts/") + kAcmeSid + "/Messages.json"),
              std::string::npos)
        << mine.uri;
    // The status callback names the tenant, so its signature is checked with its token.
    EXPECT_EQ(formFields(mine.body)["StatusCallback"],
              "https://sms.example.com/api/webhooks/twilio?tenant=acme");

    RecordedRequest theirs = sendAndCapture(kOtherTenantKey, "+15557654322");
    EXPECT_EQ(basicAuthOf(theirs), std::string(kOperatorSid) + ":" + kOperatorToken);
    EXPECT_EQ(formFields(theirs.body)["StatusCallback"],
              "https://sms.example.com/api/webhooks/twilio");

    // What the tenant can see: that credentials exist, and when; never a value.
    auto listed = httpCall(port_, "GET", "/api/credentials", bearer(kTenantKey));
    ASSERT_EQ(listed.status, 200);
    auto data = json(listed.body)->getArray("data");
    ASSERT_EQ(data->size(), 1u);
    EXPECT_EQ(data->getObject(0)->getValue<std::string>("provider"), "twilio");
    for (const auto* body : {&stored.body, &listed.body}) {
        EXPECT_EQ(body->find(kAcmeToken), std::string::npos);
        EXPECT_EQ(body->find(kAcmeSid), std::string::npos);
        EXPECT_EQ(body->find("twilio-main"), std::string::npos) << "operator's instance id";
    }
    EXPECT_EQ(json(httpCall(port_, "GET", "/api/credentials", bearer(kOtherTenantKey)).body)
                  ->getArray("data")
                  ->size(),
              0u);

    const std::string dump = storage_.dump();
    EXPECT_EQ(dump.find(kAcmeToken), std::string::npos) << "plaintext token in the database";
    EXPECT_EQ(dump.find(kAcmeSid), std::string::npos) << "plaintext account in the database";
    EXPECT_NE(dump.find("credentials.put"), std::string::npos) << "no audit entry";

    // Deleted: the operator's account applies again.
    auto deleted = httpCall(port_, "DELETE", "/api/credentials/twilio", bearer(kTenantKey));
    EXPECT_EQ(deleted.status, 200) << deleted.body;
    EXPECT_EQ(basicAuthOf(sendAndCapture(kTenantKey, "+15557654323")),
              std::string(kOperatorSid) + ":" + kOperatorToken);
    EXPECT_EQ(httpCall(port_, "DELETE", "/api/credentials/twilio", bearer(kTenantKey)).status, 404);
    EXPECT_NE(storage_.dump().find("credentials.delete"), std::string::npos);
    expectNoSecrets(allLogs(), "the service log");
}

TEST_P(TenantCredentials, BadRequestsAreRefusedWithoutEchoingValuesOrTheOperatorsSetup) {
    start({{"k1", "SB_KEY_OLD"}});
    const std::string before = storage_.dump();
    auto unknownField = put(kTenantKey, "twilio",
                            R"({"account_sid":"ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",)"
                            R"("auth_token":"acme-own-twilio-token-5f2e9c1d",)"
                            R"("base_url":"http://attacker.example"})");
    EXPECT_EQ(unknownField.status, 400);
    EXPECT_EQ(json(unknownField.body)->getObject("error")->getValue<std::string>("code"),
              "unknown_field");
    EXPECT_NE(unknownField.body.find("base_url"), std::string::npos);
    EXPECT_EQ(unknownField.body.find("attacker"), std::string::npos);
    EXPECT_EQ(unknownField.body.find(kAcmeToken), std::string::npos);

    auto badSid = put(kTenantKey, "twilio", credentialsBody("AC-wrong-format-sid", kAcmeToken));
    EXPECT_EQ(badSid.status, 400);
    EXPECT_EQ(json(badSid.body)->getObject("error")->getValue<std::string>("code"),
              "invalid_credentials");
    EXPECT_EQ(badSid.body.find("AC-wrong-format-sid"), std::string::npos) << badSid.body;

    auto unknownProvider = put(kTenantKey, "twilio-main", credentialsBody(kAcmeSid, kAcmeToken));
    EXPECT_EQ(unknownProvider.status, 404);
    EXPECT_EQ(put(kTenantKey, "twilio", "[1,2]").status, 400);
    EXPECT_EQ(put(kTenantKey, "twilio", "{not json").status, 400);
    EXPECT_EQ(httpCall(port_, "PUT", "/api/credentials/twilio",
                       {{"Authorization", std::string("Bearer ") + kTenantKey},
                        {"Content-Type", "text/plain"}},
                       credentialsBody(kAcmeSid, kAcmeToken))
                  .status,
              415);
    EXPECT_EQ(
        put("not-a-valid-tenant-key-000", "twilio", credentialsBody(kAcmeSid, kAcmeToken)).status,
        401);
    // The admin key is not a tenant key, and tenant keys cannot rotate.
    EXPECT_EQ(put(kAdminKey, "twilio", credentialsBody(kAcmeSid, kAcmeToken)).status, 401);
    EXPECT_EQ(httpCall(port_, "POST", "/api/admin/credentials/rotate", bearer(kTenantKey)).status,
              401);
    for (const auto* body : {&unknownField.body, &badSid.body, &unknownProvider.body}) {
        EXPECT_EQ(body->find("twilio-main"), std::string::npos) << *body;
        EXPECT_EQ(body->find(fake_.baseUrl()), std::string::npos) << *body;
    }
    EXPECT_EQ(tableOf(storage_.dump(), "tenant_credentials"), "");
    EXPECT_EQ(tableOf(storage_.dump(), "audit_log"), tableOf(before, "audit_log"));
}

TEST_P(TenantCredentials, WithoutAMasterKeyTheServiceRunsAndRefusesToStore) {
    start({});
    auto r = put(kTenantKey, "twilio", credentialsBody(kAcmeSid, kAcmeToken));
    EXPECT_EQ(r.status, 501);
    EXPECT_EQ(json(r.body)->getObject("error")->getValue<std::string>("code"), "byoc_disabled");
    EXPECT_EQ(httpCall(port_, "POST", "/api/admin/credentials/rotate", bearer(kAdminKey)).status,
              501);
    EXPECT_FALSE(keysReport()->getValue<bool>("enabled"));
    EXPECT_EQ(basicAuthOf(sendAndCapture(kTenantKey, "+15557654321")),
              std::string(kOperatorSid) + ":" + kOperatorToken);
}

TEST_P(TenantCredentials, TheDryRunSinkMasksTheTenantsSecret) {
    start({{"k1", "SB_KEY_OLD"}}, "dry-run");
    ASSERT_EQ(put(kTenantKey, "twilio", credentialsBody(kAcmeSid, kAcmeToken)).status, 200);
    std::int64_t id = send(kTenantKey, "+15557654321");
    EXPECT_EQ(settle(kTenantKey, id), "SENT");
    auto records = httpCall(port_, "GET", "/api/admin/dry-run?limit=5", bearer(kAdminKey));
    ASSERT_EQ(records.status, 200);
    auto record = json(records.body)->getArray("data")->getObject(0);
    EXPECT_NE(record->getValue<std::string>("url").find(kAcmeSid), std::string::npos)
        << "the tenant's account (not a secret) shows which account would be used";
    EXPECT_EQ(records.body.find(kAcmeToken), std::string::npos) << records.body;
    EXPECT_EQ(fake_.requestCount(), 0u);
    expectNoSecrets(storage_.dump(), "the database");
}

TEST_P(TenantCredentials, RotationReencryptsEveryRowWhileSendingGoesOn) {
    start({{"k1", "SB_KEY_OLD"}});
    ASSERT_EQ(put(kTenantKey, "twilio", credentialsBody(kAcmeSid, kAcmeToken)).status, 200);
    ASSERT_EQ(put(kOtherTenantKey, "twilio", credentialsBody(kGlobexSid, kGlobexToken)).status,
              200);
    EXPECT_EQ(rowsUnder("k1"), 2);
    const std::string sealedUnderOld = storage_.dump();

    // Step 1: the new key is added in front; the old one still decrypts.
    start({{"k2", "SB_KEY_NEW"}, {"k1", "SB_KEY_OLD"}});
    EXPECT_EQ(keysReport()->getValue<std::string>("activeKeyId"), "k2");
    EXPECT_EQ(basicAuthOf(sendAndCapture(kTenantKey, "+15557654321")),
              std::string(kAcmeSid) + ":" + kAcmeToken);

    // Step 2: rotation while both tenants keep sending.
    std::atomic<bool> sending{true};
    std::atomic<int> sent{0};
    std::thread sender([&] {
        for (int i = 0; sending && i < 200; ++i) {
            send(i % 2 ? kTenantKey : kOtherTenantKey, "+1555765" + std::to_string(4000 + i));
            ++sent;
        }
    });
    auto rotated = httpCall(port_, "POST", "/api/admin/credentials/rotate", bearer(kAdminKey));
    sending = false;
    sender.join();
    ASSERT_EQ(rotated.status, 200) << rotated.body;
    EXPECT_EQ(json(rotated.body)->getValue<int>("reencrypted"), 2) << rotated.body;
    EXPECT_EQ(json(rotated.body)->getValue<int>("remainingUnderOtherKeys"), 0);
    EXPECT_EQ(rowsUnder("k2"), 2);
    EXPECT_EQ(rowsUnder("k1"), 0);
    EXPECT_TRUE(fake_.waitForRequests(1 + static_cast<std::size_t>(sent.load()), 15000));
    for (const auto& r : fake_.requests()) {
        const std::string user = basicAuthOf(r);
        EXPECT_TRUE(user == std::string(kAcmeSid) + ":" + kAcmeToken ||
                    user == std::string(kGlobexSid) + ":" + kGlobexToken)
            << "a send during rotation used " << user.substr(0, user.find(':'));
    }
    EXPECT_NE(storage_.dump(), sealedUnderOld);

    // Step 3: the old key is dropped; everything still decrypts.
    start({{"k2", "SB_KEY_NEW"}});
    EXPECT_EQ(basicAuthOf(sendAndCapture(kOtherTenantKey, "+15557659999")),
              std::string(kGlobexSid) + ":" + kGlobexToken);
    EXPECT_EQ(basicAuthOf(sendAndCapture(kTenantKey, "+15557659998")),
              std::string(kAcmeSid) + ":" + kAcmeToken);
    expectNoSecrets(allLogs(), "the service logs");
    expectNoSecrets(storage_.dump(), "the database");
}

TEST_P(TenantCredentials, ThePeriodicJobRotatesByItself) {
    start({{"k1", "SB_KEY_OLD"}});
    ASSERT_EQ(put(kTenantKey, "twilio", credentialsBody(kAcmeSid, kAcmeToken)).status, 200);
    start({{"k2", "SB_KEY_NEW"}, {"k1", "SB_KEY_OLD"}}, "http", 1);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (rowsUnder("k2") != 1 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    EXPECT_EQ(rowsUnder("k2"), 1);
    EXPECT_EQ(rowsUnder("k1"), 0);
    EXPECT_NE(storage_.dump().find("credentials.reseal"), std::string::npos) << "not audited";
}

TEST_P(TenantCredentials, ADroppedKeyStillInUseIsReportedAndNeverFallsBackToTheOperator) {
    start({{"k1", "SB_KEY_OLD"}});
    ASSERT_EQ(put(kTenantKey, "twilio", credentialsBody(kAcmeSid, kAcmeToken)).status, 200);
    start({{"k2", "SB_KEY_NEW"}});  // k1 dropped before rotating: an operator mistake
    auto keys = keysReport()->getArray("keys");
    bool reported = false;
    for (std::size_t i = 0; i < keys->size(); ++i) {
        auto k = keys->getObject(static_cast<unsigned>(i));
        if (k->getValue<std::string>("id") == "k1") {
            reported = !k->getValue<bool>("configured") && k->getValue<int>("rows") == 1;
        }
    }
    EXPECT_TRUE(reported) << keysReport()->getArray("keys")->size();
    EXPECT_NE(service_->log().find("master key 'k1', which is not configured"), std::string::npos);
    std::int64_t id = send(kTenantKey, "+15557654321");
    EXPECT_EQ(settle(kTenantKey, id), "FAILED");
    EXPECT_EQ(fake_.requestCount(), 0u) << "sent with someone else's credentials";
}

// ---- webhooks signed with the tenant's own token (signatures by Twilio's Node SDK) -------

using Params = FormParams;

Params statusCallback(const std::string& accountSid, const std::string& sid,
                      const std::string& status) {
    return {{"SmsSid", sid},          {"SmsStatus", status},       {"MessageStatus", status},
            {"To", "+14155551234"},   {"MessageSid", sid},         {"AccountSid", accountSid},
            {"From", "+15550100001"}, {"ApiVersion", "2010-04-01"}};
}

Params inboundSms(const std::string& accountSid, const std::string& to, const std::string& sid) {
    return {{"SmsMessageSid", sid},
            {"NumMedia", "0"},
            {"SmsSid", sid},
            {"Body", "hello from a tenant's own number"},
            {"To", to},
            {"MessageSid", sid},
            {"AccountSid", accountSid},
            {"From", "+14155559876"},
            {"ApiVersion", "2010-04-01"}};
}

constexpr const char* kAcmeMessageSid = "SMaaaa0000aaaa0000aaaa0000aaaa0000";
constexpr const char* kGlobexMessageSid = "SMbbbb0000bbbb0000bbbb0000bbbb0000";

TEST_P(TenantCredentials, CallbacksSignedWithATenantsOwnTokenAreCheckedWithItAndScopedToIt) {
    start({{"k1", "SB_KEY_OLD"}});
    ASSERT_EQ(put(kTenantKey, "twilio", credentialsBody(kAcmeSid, kAcmeToken)).status, 200);
    fake_.enqueue(respond(201, std::string(R"({"sid":")") + kAcmeMessageSid + R"("})"));
    const std::int64_t acmeMessage = send(kTenantKey, "+14155551234");
    ASSERT_EQ(settle(kTenantKey, acmeMessage), "SENT");
    fake_.enqueue(respond(201, std::string(R"({"sid":")") + kGlobexMessageSid + R"("})"));
    const std::int64_t globexMessage = send(kOtherTenantKey, "+14155551234");
    ASSERT_EQ(settle(kOtherTenantKey, globexMessage), "SENT");

    const std::string plainUrl = "https://sms.example.com/api/webhooks/twilio";
    const std::string acmeUrl = plainUrl + "?tenant=acme";
    auto post = [&](const std::string& pathAndQuery, const Params& params, const std::string& token,
                    const std::string& signedUrl) {
        auto r =
            httpCall(port_, "POST", pathAndQuery,
                     {{"Content-Type", "application/x-www-form-urlencoded"},
                      {"X-Twilio-Signature", twilio::twilioSignature(token, signedUrl, params)}},
                     formEncode(params));
        EXPECT_EQ(r.status, 200) << r.body;
    };
    auto status = [&](const char* key, std::int64_t id) {
        auto r = httpCall(port_, "GET", "/api/messages/" + std::to_string(id), bearer(key));
        return json(r.body)->getValue<std::string>("status");
    };
    auto inboxTotal = [&](const char* key) {
        auto r = httpCall(port_, "GET", "/api/messages?direction=inbox", bearer(key));
        return json(r.body)->getObject("pagination")->getValue<int>("total");
    };

    const Params delivered = statusCallback(kAcmeSid, kAcmeMessageSid, "delivered");
    // The operator's token does not vouch for a callback naming the tenant ...
    post("/api/webhooks/twilio?tenant=acme", delivered, kOperatorToken, acmeUrl);
    EXPECT_EQ(status(kTenantKey, acmeMessage), "SENT");
    // ... nor does the tenant's token without the tenant named (the operator's checks it).
    post("/api/webhooks/twilio", delivered, kAcmeToken, plainUrl);
    EXPECT_EQ(status(kTenantKey, acmeMessage), "SENT");
    // The tenant's token on the URL its send was given: applied.
    post("/api/webhooks/twilio?tenant=acme", delivered, kAcmeToken, acmeUrl);
    EXPECT_EQ(status(kTenantKey, acmeMessage), "DELIVERED");

    // acme's token cannot move globex's message or put messages in globex's inbox.
    post("/api/webhooks/twilio?tenant=acme",
         statusCallback(kAcmeSid, kGlobexMessageSid, "undelivered"), kAcmeToken, acmeUrl);
    EXPECT_EQ(status(kOtherTenantKey, globexMessage), "SENT");
    post("/api/webhooks/twilio?tenant=acme",
         inboundSms(kAcmeSid, "+15550200002", "SMcccc0000cccc0000cccc0000cccc0000"), kAcmeToken,
         acmeUrl);
    EXPECT_EQ(inboxTotal(kOtherTenantKey), 0);
    auto last = json(httpCall(port_, "GET", "/api/admin/webhook/last", bearer(kAdminKey)).body)
                    ->getObject("event");
    EXPECT_EQ(last->getValue<std::string>("outcome"), "rejected");

    // An inbound message to acme's own number, signed with its token: stored for acme.
    post("/api/webhooks/twilio?tenant=acme",
         inboundSms(kAcmeSid, "+15550100001", "SMdddd0000dddd0000dddd0000dddd0000"), kAcmeToken,
         acmeUrl);
    EXPECT_EQ(inboxTotal(kTenantKey), 1);
    expectNoSecrets(allLogs(), "the service log");
}

// ---- the admin's reply-readiness check shows what the dispatcher would really send -------

TEST_P(TenantCredentials, ReplyReadinessBuildsWithTheTenantsOwnAccountAndNeverCrashes) {
    start({{"k1", "SB_KEY_OLD"}});
    ASSERT_EQ(put(kTenantKey, "twilio", credentialsBody(kAcmeSid, kAcmeToken)).status, 200);
    // An inbound message for each tenant, as the Twilio webhook stores it.
    auto db = storage_.open(1);
    for (const auto& [tenant, number] : std::vector<std::pair<std::string, std::string>>{
             {"acme", "+15550100001"}, {"globex", "+15550200002"}}) {
        store::Message m;
        m.tenantId = tenant;
        m.direction = "inbound";
        m.fromNumber = "+15557654321";
        m.toNumber = number;
        m.body = "hi";
        m.status = "RECEIVED";
        m.providerInstance = "twilio-main";
        m.createdAt = m.updatedAt = 1000;
        db->write([&](Poco::Data::Session& s) { store::MessageRepository::insert(s, m); });
    }
    auto readiness = [&](const std::string& tenant) {
        auto r = httpCall(port_, "GET", "/api/admin/reply-readiness?tenantId=" + tenant,
                          bearer(kAdminKey));
        EXPECT_EQ(r.status, 200) << r.body;
        expectNoSecrets(r.body, "the readiness response");
        return r.status == 200 ? json(r.body) : Object::Ptr(new Object);
    };

    auto mine = readiness("acme");
    ASSERT_TRUE(mine->has("request")) << mine->optValue<std::string>("reason", "");
    EXPECT_EQ(mine->getValue<std::string>("credentials"), "tenant");
    auto request = mine->getObject("request");
    EXPECT_NE(request->getValue<std::string>("url").find(kAcmeSid), std::string::npos);
    EXPECT_EQ(request->getObject("headers")->getValue<std::string>("Authorization"), "Basic ****");
    EXPECT_EQ(formFields(request->getValue<std::string>("body"))["StatusCallback"],
              "https://sms.example.com/api/webhooks/twilio?tenant=acme");

    auto theirs = readiness("globex");
    EXPECT_EQ(theirs->getValue<std::string>("credentials"), "operator");
    EXPECT_NE(theirs->getObject("request")->getValue<std::string>("url").find(kOperatorSid),
              std::string::npos);

    // The tenant's stored credentials cannot be opened (their master key was dropped): not
    // ready, and never shown with the operator's account instead.
    start({{"k2", "SB_KEY_NEW"}});
    auto locked = readiness("acme");
    EXPECT_FALSE(locked->getValue<bool>("ready"));
    EXPECT_NE(locked->getValue<std::string>("reason").find("k1"), std::string::npos)
        << locked->getValue<std::string>("reason");
    EXPECT_FALSE(locked->has("request"));

    // A tenant whose default provider is no longer configured (an admin-made tenant after
    // its provider left the YAML): a clear answer, not a crashed service.
    db->write([&](Poco::Data::Session& s) {
        s << "UPDATE tenants SET default_provider = 'retired-instance' WHERE id = 'globex'",
            Poco::Data::Keywords::now;
        s << "UPDATE messages SET provider_instance = 'retired-instance' WHERE tenant_id = "
             "'globex'",
            Poco::Data::Keywords::now;
    });
    auto orphan = readiness("globex");
    EXPECT_FALSE(orphan->getValue<bool>("ready"));
    EXPECT_NE(orphan->getValue<std::string>("reason").find("not configured"), std::string::npos);
    EXPECT_EQ(httpCall(port_, "GET", "/healthz", {}).status, 200);
}

INSTANTIATE_TEST_SUITE_P(Backends, TenantCredentials, ::testing::ValuesIn(storageBackends()),
                         backendName);

}  // namespace
}  // namespace switchboard::testing
