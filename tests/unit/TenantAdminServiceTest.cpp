#include "config/ConfigLoader.h"
#include "domain/ServiceError.h"
#include "http/ServiceErrorStatus.h"
#include "plugin/PluginRegistry.h"
#include "plugin/ProviderSet.h"
#include "support/FixedClock.h"
#include "support/TempDir.h"
#include "support/TestDatabase.h"
#include "tenancy/ApiKeyDirectory.h"
#include "tenancy/TenantAdminService.h"
#include "util/Clock.h"

#include <Poco/Data/Session.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>

using namespace Poco::Data::Keywords;

namespace switchboard::tenancy {
namespace {

using domain::ErrorKind;
using domain::ServiceError;

using testing::FixedClock;

const char* const kYaml = R"(
admin:
  api_key: test-admin-key-0123456789
providers:
  - id: extreme-main
    plugin: extreme
    transport: dry-run
    config:
      api_key: test-extreme-api-key-98765
)";

class TenantAdminServiceTest : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        registry_.loadDirectory(SWITCHBOARD_PLUGIN_DIR);
        config_ = config::loadConfigText(kYaml, dir_.path());
        providers_ = std::make_unique<plugin::ProviderSet>(config_, registry_);
        storage_ = std::make_unique<testing::TestDatabase>(GetParam(), dir_);
        db_ = storage_->open(2);
        ASSERT_GE(db_->migrate(), 1);
        service_ = std::make_unique<TenantAdminService>(*db_, *providers_, clock_);
        keys_ = std::make_unique<ApiKeyDirectory>(*db_, clock_);
    }

    NewTenant acme() const {
        return {"acme", "Acme", "Acme Clinic", "extreme-main", {"+15550100001"}, "first"};
    }

    std::int64_t count(const std::string& sql) {
        Poco::Int64 n = 0;
        db_->read([&](Poco::Data::Session& s) { s << sql, into(n), now; });
        return n;
    }

    /// The kind of ServiceError `action` throws; fails the test when it throws none.
    template <typename Action>
    std::pair<ErrorKind, std::string> refusal(Action&& action) {
        try {
            action();
        } catch (const ServiceError& e) {
            return {e.kind(), e.code()};
        }
        ADD_FAILURE() << "expected a ServiceError";
        return {ErrorKind::Unavailable, ""};
    }

    testing::TempDir dir_;
    FixedClock clock_;
    plugin::PluginRegistry registry_;
    config::AppConfig config_;
    std::unique_ptr<plugin::ProviderSet> providers_;
    std::unique_ptr<testing::TestDatabase> storage_;
    std::unique_ptr<store::Database> db_;
    std::unique_ptr<TenantAdminService> service_;
    std::unique_ptr<ApiKeyDirectory> keys_;
};

TEST_P(TenantAdminServiceTest, CreateStoresTheTenantItsNumbersAKeyAndOneAuditEntry) {
    auto [view, key] = service_->create(acme());
    EXPECT_EQ(view.tenant.id, "acme");
    EXPECT_EQ(view.numbers, std::vector<std::string>{"+15550100001"});
    ASSERT_EQ(view.keys.size(), 1u);
    EXPECT_EQ(view.keys.front().id, key.id);
    EXPECT_EQ(key.prefix, key.key.substr(0, key.prefix.size()));
    // Only the hash is stored: the issued secret resolves to the tenant, nothing else does.
    auto found = keys_->tenantFor(key.key);
    ASSERT_TRUE(found);
    EXPECT_EQ(found->id, "acme");
    EXPECT_FALSE(keys_->tenantFor(key.prefix));
    EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action = 'tenant.create'"), 1);
}

TEST_P(TenantAdminServiceTest, ARefusedCreateStoresNeitherTheTenantNorAnAuditEntry) {
    service_->create(acme());
    NewTenant globex{"globex", "Globex", "", "extreme-main", {"+15550100001"}, ""};
    EXPECT_EQ(refusal([&] { service_->create(globex); }),
              std::make_pair(ErrorKind::Conflict, std::string("number_taken")));
    EXPECT_EQ(count("SELECT COUNT(*) FROM tenants WHERE id = 'globex'"), 0);
    EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log"), 1);
    EXPECT_EQ(refusal([&] { service_->create(acme()); }),
              std::make_pair(ErrorKind::Conflict, std::string("tenant_exists")));
}

TEST_P(TenantAdminServiceTest, InvalidInputIsRefusedBeforeAnythingIsStored) {
    NewTenant bad = acme();
    bad.defaultProvider = "nowhere";
    EXPECT_EQ(refusal([&] { service_->create(bad); }).first, ErrorKind::InvalidInput);
    bad = acme();
    bad.numbers = {"+15550100001", "+15550100001"};
    EXPECT_EQ(refusal([&] { service_->create(bad); }).first, ErrorKind::InvalidInput);
    bad = acme();
    bad.id = "-starts-with-a-dash";
    EXPECT_EQ(refusal([&] { service_->create(bad); }).first, ErrorKind::InvalidInput);
    EXPECT_EQ(count("SELECT COUNT(*) FROM tenants"), 0);
    EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log"), 0);
}

TEST_P(TenantAdminServiceTest, ARotatedKeyWorksThroughItsGracePeriodAndNotAfter) {
    // A named copy: Clang 14 (the sanitizer build) cannot capture a structured binding.
    const auto first = service_->create(acme()).second;
    const auto rotated = service_->rotateKey("acme", first.id, 60, "second");
    EXPECT_EQ(rotated.replacedKeyRevokedAt, clock_.value + 60'000);
    EXPECT_TRUE(keys_->tenantFor(first.key));
    EXPECT_TRUE(keys_->tenantFor(rotated.key.key));
    clock_.value += 61'000;
    EXPECT_FALSE(keys_->tenantFor(first.key));
    EXPECT_TRUE(keys_->tenantFor(rotated.key.key));
    EXPECT_EQ(refusal([&] { service_->revokeKey("acme", first.id); }),
              std::make_pair(ErrorKind::NotFound, std::string("not_found")));
    EXPECT_EQ(refusal([&] { service_->issueKey("nobody", ""); }),
              std::make_pair(ErrorKind::NotFound, std::string("not_found")));
}

TEST_P(TenantAdminServiceTest, DisablingIsAuditedOnceAndKeepsTheKeysResolvable) {
    auto [view, key] = service_->create(acme());
    TenantPatch patch;
    patch.disabled = true;
    EXPECT_TRUE(service_->update("acme", patch).tenant.disabled);
    service_->update("acme", patch);  // no change, so no second entry
    EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action = 'tenant.disable'"), 1);
    // The Authenticator refuses disabled tenants; the directory still says whose key it is.
    auto found = keys_->tenantFor(key.key);
    ASSERT_TRUE(found);
    EXPECT_TRUE(found->disabled);
}

INSTANTIATE_TEST_SUITE_P(Backends, TenantAdminServiceTest,
                         ::testing::ValuesIn(testing::storageBackends()), testing::backendName);

TEST(ServiceErrorStatus, EveryKindHasItsOwnClientErrorOrServerStatus) {
    const std::pair<ErrorKind, int> expected[] = {
        {ErrorKind::InvalidInput, 400},   {ErrorKind::NotFound, 404},
        {ErrorKind::Conflict, 409},       {ErrorKind::Gone, 410},
        {ErrorKind::PolicyRefused, 422},  {ErrorKind::Locked, 423},
        {ErrorKind::RateLimited, 429},    {ErrorKind::NotEnabled, 501},
        {ErrorKind::UpstreamFailed, 502}, {ErrorKind::Unavailable, 503},
    };
    for (const auto& [kind, status] : expected) EXPECT_EQ(http::statusFor(kind), status);
    const ServiceError locked(ErrorKind::Locked, "verification_locked", "locked", 1'001);
    EXPECT_EQ(locked.retryAfterSeconds(), 2);  // rounded up to whole seconds
    EXPECT_EQ(http::toApiError(locked).status(), 423);
    EXPECT_EQ(http::toApiError(locked).code(), "verification_locked");
}

}  // namespace
}  // namespace switchboard::tenancy
