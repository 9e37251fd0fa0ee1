// Tenant credentials over SQLite and PostgreSQL: the table and its guarded updates, the
// service's validation and sealing (nothing readable reaches the database or the audit
// log), per-tenant instances built from the stored row, and master-key rotation — also run
// from two pools at once, as two processes would.
#include "config/ConfigLoader.h"
#include "credentials/SealedCredentials.h"
#include "credentials/TenantCredentialService.h"
#include "credentials/TenantProviderCache.h"
#include "http/ServiceErrorStatus.h"
#include "plugin/PluginRegistry.h"
#include "plugin/ProviderSet.h"
#include "store/TenantCredentialRepository.h"
#include "store/TenantRepository.h"
#include "support/TempDir.h"
#include "support/TestDatabase.h"
#include "util/Clock.h"
#include "util/JsonText.h"

#include <Poco/Base64Decoder.h>
#include <Poco/Data/Session.h>
#include <gtest/gtest.h>

#include <memory>
#include <sstream>
#include <thread>

using namespace Poco::Data::Keywords;

namespace switchboard::credentials {
namespace {

constexpr const char* kOperatorSid = "AC0123456789abcdef0123456789abcdef";
constexpr const char* kOperatorToken = "operator-token-0123456789abcdef";
constexpr const char* kTenantSid = "ACfedcba9876543210fedcba9876543210";
constexpr const char* kTenantToken = "tenant-own-token-6c1d9a0e5b7f";

class FixedClock : public util::Clock {
  public:
    std::int64_t nowMs() const override { return 1'700'000'000'000; }
};

store::Tenant tenant(const std::string& id) {
    store::Tenant t;
    t.id = id;
    t.name = id;
    t.businessName = id;
    t.defaultProvider = "twilio-main";
    return t;
}

Poco::JSON::Object fields(const std::string& sid, const std::string& token) {
    Poco::JSON::Object o;
    o.set("account_sid", sid);
    o.set("auth_token", token);
    return o;
}

std::string basicAuthOf(const std::string& requestJson) {
    auto headers = util::parseObject(requestJson)->getObject("headers");
    std::string value = headers->getValue<std::string>("Authorization");
    std::istringstream in(value.substr(value.find(' ') + 1));
    Poco::Base64Decoder decoder(in);
    return std::string((std::istreambuf_iterator<char>(decoder)), std::istreambuf_iterator<char>());
}

const std::string kMessage =
    R"({"message_id":"1","to":"+15557654321","from":"+15550100001","text":"hi","kind":"initial",)"
    R"("reply_context":null,"status_callback_url":null})";

class TenantCredentialStoreTest : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        storage_ = std::make_unique<testing::TestDatabase>(GetParam(), dir_);
        db_ = storage_->open(4);
        db_->migrate();
        store::TenantRepository tenants(*db_);
        tenants.bootstrap(tenant("acme"), {}, {}, 1);
        tenants.bootstrap(tenant("globex"), {}, {}, 1);
        registry_.loadDirectory(SWITCHBOARD_PLUGIN_DIR);
        config_ = config::loadConfigText(
            std::string("admin:\n  api_key: admin-key-0123456789abc\n"
                        "providers:\n"
                        "  - id: twilio-main\n    plugin: twilio\n    config:\n"
                        "      account_sid: ") +
                kOperatorSid + "\n      auth_token: " + kOperatorToken +
                "\n      base_url: http://127.0.0.1:9\n      from: \"+15550100001\"\n"
                "    tenant_credentials: [account_sid, auth_token]\n",
            dir_.path());
        providers_ = std::make_unique<plugin::ProviderSet>(config_, registry_);
        useKeys({{"k1", std::string(32, 'a')}});
    }
    void TearDown() override {
        service_.reset();
        cache_.reset();
        cipher_.reset();
        db_.reset();
    }

    void useKeys(std::vector<CredentialCipher::Key> keys) {
        service_.reset();
        cache_.reset();
        cipher_ = std::make_unique<CredentialCipher>(std::move(keys));
        cache_ = std::make_unique<TenantProviderCache>(*db_, *cipher_);
        service_ =
            std::make_unique<TenantCredentialService>(*db_, *providers_, *cipher_, *cache_, clock_);
    }

    const plugin::Provider& twilio() const { return *providers_->find("twilio-main"); }

    http::ApiError putError(const store::Tenant& t, const std::string& name,
                            const Poco::JSON::Object& f) {
        try {
            service_->put(t, name, f);
        } catch (const domain::ServiceError& e) {
            return http::toApiError(e);
        }
        ADD_FAILURE() << "put succeeded";
        return http::ApiError(0, "", "");
    }

    std::int64_t count(const std::string& sql) {
        Poco::Int64 n = 0;
        db_->read([&](Poco::Data::Session& s) { s << sql, into(n), now; });
        return n;
    }

    testing::TempDir dir_;
    std::unique_ptr<testing::TestDatabase> storage_;
    std::unique_ptr<store::Database> db_;
    plugin::PluginRegistry registry_;
    config::AppConfig config_;
    std::unique_ptr<plugin::ProviderSet> providers_;
    FixedClock clock_;
    std::unique_ptr<CredentialCipher> cipher_;
    std::unique_ptr<TenantProviderCache> cache_;
    std::unique_ptr<TenantCredentialService> service_;
};

// ---- the table -----------------------------------------------------------------------------

TEST_P(TenantCredentialStoreTest, PutReplacesAndCountsVersionsPerTenant) {
    store::TenantCredentialRepository repo(*db_);
    store::StoredCredential row = sealFields(*cipher_, "acme", "twilio", "{}");
    std::int64_t v1 = 0, v2 = 0, other = 0;
    db_->write(
        [&](Poco::Data::Session& s) { v1 = store::TenantCredentialRepository::put(s, row, 10); });
    db_->write(
        [&](Poco::Data::Session& s) { v2 = store::TenantCredentialRepository::put(s, row, 20); });
    row.tenantId = "globex";
    db_->write([&](Poco::Data::Session& s) {
        other = store::TenantCredentialRepository::put(s, row, 30);
    });
    EXPECT_EQ(v1, 1);
    EXPECT_EQ(v2, 2);
    EXPECT_EQ(other, 1);
    auto found = repo.find("acme", "twilio");
    ASSERT_TRUE(found);
    EXPECT_EQ(found->version, 2);
    EXPECT_EQ(found->createdAt, 10);
    EXPECT_EQ(found->updatedAt, 20);
    EXPECT_EQ(found->nonce, row.nonce);
    EXPECT_EQ(found->tag, row.tag);
    EXPECT_FALSE(repo.find("acme", "other"));
    ASSERT_EQ(repo.list("acme").size(), 1u);
    EXPECT_EQ(repo.list("acme")[0].provider, "twilio");
    bool removed = false, again = true;
    db_->write([&](Poco::Data::Session& s) {
        removed = store::TenantCredentialRepository::remove(s, "acme", "twilio");
        again = store::TenantCredentialRepository::remove(s, "acme", "twilio");
    });
    EXPECT_TRUE(removed);
    EXPECT_FALSE(again);
    EXPECT_TRUE(repo.list("acme").empty());
    EXPECT_EQ(repo.list("globex").size(), 1u);
}

TEST_P(TenantCredentialStoreTest, ResealOnlyReplacesTheRowItRead) {
    store::TenantCredentialRepository repo(*db_);
    db_->write([&](Poco::Data::Session& s) {
        store::TenantCredentialRepository::put(s, sealFields(*cipher_, "acme", "twilio", "{}"), 1);
    });
    const auto read = *repo.find("acme", "twilio");
    store::StoredCredential resealed = read;
    resealed.keyId = "k2";
    bool stale = true, fresh = false, twice = true;
    db_->write([&](Poco::Data::Session& s) {
        store::StoredCredential changed = read;
        changed.version = read.version + 1;  // as if the tenant had changed it meanwhile
        stale = store::TenantCredentialRepository::reseal(s, changed, resealed);
        fresh = store::TenantCredentialRepository::reseal(s, read, resealed);
        twice = store::TenantCredentialRepository::reseal(s, read, resealed);  // key moved on
    });
    EXPECT_FALSE(stale);
    EXPECT_TRUE(fresh);
    EXPECT_FALSE(twice);
    EXPECT_EQ(repo.find("acme", "twilio")->keyId, "k2");
    EXPECT_EQ(repo.countByKey(), (std::map<std::string, std::int64_t>{{"k2", 1}}));
}

TEST_P(TenantCredentialStoreTest, NotSealedUnderPagesInTenantProviderOrder) {
    db_->write([&](Poco::Data::Session& s) {
        for (const char* t : {"acme", "globex"})
            for (const char* p : {"a", "b", "c"})
                store::TenantCredentialRepository::put(s, sealFields(*cipher_, t, p, "{}"), 1);
    });
    store::TenantCredentialRepository repo(*db_);
    auto first = repo.notSealedUnder("k9", "", "", 4);
    ASSERT_EQ(first.size(), 4u);
    EXPECT_EQ(first[3].tenantId + "/" + first[3].provider, "globex/a");
    auto rest = repo.notSealedUnder("k9", "globex", "a", 4);
    ASSERT_EQ(rest.size(), 2u);
    EXPECT_EQ(rest[0].provider, "b");
    EXPECT_TRUE(repo.notSealedUnder("k1", "", "", 10).empty());
}

// ---- the service -----------------------------------------------------------------------------

TEST_P(TenantCredentialStoreTest, PutRefusesWhatTheOperatorDoesNotAllowWithoutEchoingValues) {
    Poco::JSON::Object extra = fields(kTenantSid, kTenantToken);
    extra.set("base_url", "http://evil.example");
    auto e = putError(tenant("acme"), "twilio", extra);
    EXPECT_EQ(e.status(), 400);
    EXPECT_EQ(e.code(), "unknown_field");
    EXPECT_NE(std::string(e.what()).find("base_url"), std::string::npos);
    EXPECT_EQ(std::string(e.what()).find("evil"), std::string::npos);

    Poco::JSON::Object missing;
    missing.set("auth_token", kTenantToken);
    EXPECT_EQ(putError(tenant("acme"), "twilio", missing).code(), "missing_field");

    Poco::JSON::Object wrongType = fields(kTenantSid, kTenantToken);
    wrongType.set("auth_token", 12345);
    EXPECT_EQ(putError(tenant("acme"), "twilio", wrongType).code(), "invalid_field");
    EXPECT_EQ(putError(tenant("acme"), "twilio", fields(kTenantSid, "")).code(), "invalid_field");

    EXPECT_EQ(putError(tenant("acme"), "twilio-main", fields(kTenantSid, kTenantToken)).status(),
              404);

    // The plugin's own check (AccountSid format) decides, and its reason reaches the tenant
    // without the value and without the operator's instance id.
    auto refused = putError(tenant("acme"), "twilio", fields("AC-not-a-sid-value", kTenantToken));
    EXPECT_EQ(refused.status(), 400);
    EXPECT_EQ(refused.code(), "invalid_credentials");
    EXPECT_NE(std::string(refused.what()).find("account_sid"), std::string::npos) << refused.what();
    EXPECT_EQ(std::string(refused.what()).find("AC-not-a-sid-value"), std::string::npos);
    EXPECT_EQ(std::string(refused.what()).find("twilio-main"), std::string::npos);
    EXPECT_EQ(count("SELECT COUNT(*) FROM tenant_credentials"), 0);
}

TEST_P(TenantCredentialStoreTest, WithoutAMasterKeyTenantOperationsAreDisabled) {
    useKeys({});
    auto e = putError(tenant("acme"), "twilio", fields(kTenantSid, kTenantToken));
    EXPECT_EQ(e.status(), 501);
    EXPECT_EQ(e.code(), "byoc_disabled");
    EXPECT_THROW(service_->list(tenant("acme")), domain::ServiceError);
    EXPECT_EQ(service_->rotate("admin").resealed, 0);
}

TEST_P(TenantCredentialStoreTest, NothingReadableIsStoredOrAudited) {
    service_->put(tenant("acme"), "twilio", fields(kTenantSid, kTenantToken));
    const std::string dump = storage_->dump();
    EXPECT_EQ(dump.find(kTenantToken), std::string::npos);
    EXPECT_EQ(dump.find(kTenantSid), std::string::npos);
    EXPECT_EQ(dump.find("auth_token\":"), std::string::npos);
    EXPECT_NE(dump.find("credentials.put"), std::string::npos) << "no audit entry";
    EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action = 'credentials.put' AND "
                    "tenant_id = 'acme'"),
              1);
    auto listed = service_->list(tenant("acme"));
    ASSERT_EQ(listed.size(), 1u);
    EXPECT_EQ(listed[0].provider, "twilio");
    EXPECT_TRUE(service_->list(tenant("globex")).empty());
}

TEST_P(TenantCredentialStoreTest, TheTenantsInstanceSendsWithTheTenantsAccount) {
    EXPECT_EQ(cache_->resolve("acme", twilio()), nullptr) << "no credentials stored yet";
    service_->put(tenant("acme"), "twilio", fields(kTenantSid, kTenantToken));
    auto mine = cache_->resolve("acme", twilio());
    ASSERT_NE(mine, nullptr);
    auto built = mine->instance->buildSend(kMessage);
    ASSERT_TRUE(built.ok()) << built.output;
    EXPECT_EQ(basicAuthOf(built.output), std::string(kTenantSid) + ":" + kTenantToken);
    EXPECT_NE(util::parseObject(built.output)->getValue<std::string>("url").find(kTenantSid),
              std::string::npos);
    EXPECT_EQ(mine->mask(std::string("x") + kTenantToken + "y"), "x****y");
    EXPECT_EQ(cache_->resolve("acme", twilio()), mine) << "unchanged row: the cached instance";

    EXPECT_EQ(cache_->resolve("globex", twilio()), nullptr) << "globex uses the operator's";
    auto operatorBuilt = twilio().instance->buildSend(kMessage);
    EXPECT_EQ(basicAuthOf(operatorBuilt.output), std::string(kOperatorSid) + ":" + kOperatorToken);

    // A change made elsewhere (another process) is seen at the next lookup.
    const std::string otherToken = "tenant-rotated-token-77a1b2";
    TenantProviderCache otherProcess(*db_, *cipher_);
    TenantCredentialService elsewhere(*db_, *providers_, *cipher_, otherProcess, clock_);
    elsewhere.put(tenant("acme"), "twilio", fields(kTenantSid, otherToken));
    auto updated = cache_->resolve("acme", twilio());
    ASSERT_NE(updated, nullptr);
    EXPECT_NE(updated, mine);
    EXPECT_EQ(basicAuthOf(updated->instance->buildSend(kMessage).output),
              std::string(kTenantSid) + ":" + otherToken);
    elsewhere.remove(tenant("acme"), "twilio");
    EXPECT_EQ(cache_->resolve("acme", twilio()), nullptr);
    EXPECT_THROW(elsewhere.remove(tenant("acme"), "twilio"), domain::ServiceError);
}

TEST_P(TenantCredentialStoreTest, ARowCopiedOntoAnotherTenantDoesNotDecrypt) {
    service_->put(tenant("acme"), "twilio", fields(kTenantSid, kTenantToken));
    auto row = *store::TenantCredentialRepository(*db_).find("acme", "twilio");
    row.tenantId = "globex";
    db_->write([&](Poco::Data::Session& s) { store::TenantCredentialRepository::put(s, row, 5); });
    EXPECT_THROW(cache_->resolve("globex", twilio()), CredentialsUnavailable);
    EXPECT_NE(cache_->resolve("acme", twilio()), nullptr);
}

TEST_P(TenantCredentialStoreTest, RotationResealsEveryRowAndTheOldKeyCanThenGo) {
    service_->put(tenant("acme"), "twilio", fields(kTenantSid, kTenantToken));
    service_->put(tenant("globex"), "twilio", fields(kOperatorSid, "globex-token-0123456789"));
    useKeys({{"k2", std::string(32, 'b')}, {"k1", std::string(32, 'a')}});
    EXPECT_EQ(service_->rowsPerKey(), (std::map<std::string, std::int64_t>{{"k1", 2}}));
    // Before rotation the old key still opens: sending works during the rollout.
    ASSERT_NE(cache_->resolve("acme", twilio()), nullptr);

    RotationReport report = service_->rotate("admin");
    EXPECT_EQ(report.resealed, 2);
    EXPECT_EQ(report.failed, 0);
    EXPECT_EQ(report.activeKeyId, "k2");
    EXPECT_EQ(service_->rowsPerKey(), (std::map<std::string, std::int64_t>{{"k2", 2}}));
    EXPECT_EQ(service_->rotate("admin").resealed, 0) << "nothing left to do";
    EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action = 'credentials.reseal'"), 2);

    useKeys({{"k2", std::string(32, 'b')}});
    auto acme = cache_->resolve("acme", twilio());
    ASSERT_NE(acme, nullptr);
    EXPECT_EQ(basicAuthOf(acme->instance->buildSend(kMessage).output),
              std::string(kTenantSid) + ":" + kTenantToken);
    EXPECT_EQ(store::TenantCredentialRepository(*db_).find("acme", "twilio")->version, 1)
        << "rotation is not a tenant change";
}

TEST_P(TenantCredentialStoreTest, RowsUnderAMissingKeyAreReportedAndLeftAlone) {
    service_->put(tenant("acme"), "twilio", fields(kTenantSid, kTenantToken));
    useKeys({{"k3", std::string(32, 'c')}});
    RotationReport report = service_->rotate("job");
    EXPECT_EQ(report.failed, 1);
    EXPECT_EQ(report.resealed, 0);
    EXPECT_EQ(service_->rowsPerKey(), (std::map<std::string, std::int64_t>{{"k1", 1}}));
    EXPECT_THROW(cache_->resolve("acme", twilio()), CredentialsUnavailable);
}

TEST_P(TenantCredentialStoreTest, TwoProcessesRotatingAtOnceResealEachRowOnce) {
    for (int i = 0; i < 40; ++i) {
        const std::string id = "tenant" + std::to_string(i);
        store::TenantRepository(*db_).bootstrap(tenant(id), {}, {}, 1);
        service_->put(tenant(id), "twilio", fields(kTenantSid, "token-of-" + id + "-0123456789"));
    }
    auto secondPool = storage_->open(4);
    CredentialCipher ring({{"k2", std::string(32, 'b')}, {"k1", std::string(32, 'a')}});
    TenantProviderCache cacheA(*db_, ring), cacheB(*secondPool, ring);
    TenantCredentialService a(*db_, *providers_, ring, cacheA, clock_);
    TenantCredentialService b(*secondPool, *providers_, ring, cacheB, clock_);
    RotationReport ra, rb;
    std::thread first([&] { ra = a.rotate("job"); });
    std::thread second([&] { rb = b.rotate("job"); });
    first.join();
    second.join();
    EXPECT_EQ(ra.resealed + rb.resealed, 40);
    EXPECT_EQ(ra.failed + rb.failed, 0);
    EXPECT_EQ(a.rowsPerKey(), (std::map<std::string, std::int64_t>{{"k2", 40}}));
    EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action = 'credentials.reseal'"), 40);
    CredentialCipher onlyNew({{"k2", std::string(32, 'b')}});
    TenantProviderCache check(*db_, onlyNew);
    for (int i = 0; i < 40; ++i)
        ASSERT_NE(check.resolve("tenant" + std::to_string(i), twilio()), nullptr) << i;
}

INSTANTIATE_TEST_SUITE_P(Backends, TenantCredentialStoreTest,
                         ::testing::ValuesIn(testing::storageBackends()), testing::backendName);

}  // namespace
}  // namespace switchboard::credentials
