// The verification cleanup job against a real, migrated store on SQLite and PostgreSQL:
// which rows it expires, which it deletes after 24 h, and that a verification whose
// forwarding is active survives whatever its status.
#include "store/Database.h"
#include "support/TempDir.h"
#include "support/TestDatabase.h"
#include "telephony/TelephonyCleanup.h"
#include "telephony/TelephonyRepository.h"

#include <Poco/Data/Session.h>
#include <gtest/gtest.h>

#include <map>

namespace switchboard::testing {
namespace {

using namespace Poco::Data::Keywords;
using telephony::ForwardingConfig;
using telephony::TelephonyRepository;
using telephony::Verification;

constexpr std::int64_t kT0 = 1'800'000'000'000;  // ms since the epoch
constexpr std::int64_t kMinute = 60'000;
constexpr std::int64_t kDay = 24 * 60 * kMinute;

class TelephonyCleanup : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        db_ = storage_.open(2);
        db_->migrate();
        db_->write([](Poco::Data::Session& s) {
            s << "INSERT INTO tenants (id, name, created_at) VALUES ('acme', 'Acme', 0)", now;
        });
    }
    void TearDown() override { db_.reset(); }

    std::int64_t add(const std::string& phone, const std::string& status, std::int64_t at,
                     std::int64_t expiresAt) {
        Verification v;
        v.tenantId = "acme";
        v.phoneNumber = phone;
        v.status = status;
        if (status == "pending") {
            v.codeSalt = "00";
            v.codeHash = "ab";
        }
        v.codeExpiresAt = expiresAt;
        v.providerInstance = "telephony-test";
        v.createdAt = v.updatedAt = at;
        std::int64_t id = 0;
        db_->write([&](Poco::Data::Session& s) {
            id = TelephonyRepository::insert(s, v);
            TelephonyRepository::recordCall(s, phone, "acme", at);
        });
        return id;
    }

    void forward(std::int64_t verificationId, const std::string& status) {
        ForwardingConfig c;
        c.tenantId = "acme";
        c.verificationId = verificationId;
        c.simPhoneNumber = "+15551234567";
        c.carrier = "tmobile";
        c.mode = "total_ai";
        c.destinationNumber = "+15550100001";
        c.activationCode = "**21*+15550100001#";
        c.deactivationCode = "##21#";
        c.status = status;
        db_->write([&](Poco::Data::Session& s) { TelephonyRepository::insertConfig(s, c); });
    }

    std::map<std::int64_t, std::string> statuses() {
        std::map<std::int64_t, std::string> result;
        for (const auto& v : TelephonyRepository::list(*db_, "acme", "")) result[v.id] = v.status;
        return result;
    }

    Poco::Int64 count(const std::string& table) {
        Poco::Int64 n = 0;
        db_->read(
            [&](Poco::Data::Session& s) { s << "SELECT COUNT(*) FROM " + table, into(n), now; });
        return n;
    }

    TempDir dir_;
    TestDatabase storage_{GetParam(), dir_};
    std::unique_ptr<store::Database> db_;
};

TEST_P(TelephonyCleanup, ExpiresOverdueCodesAndKeepsLiveOnes) {
    const auto overdue = add("+15551230001", "pending", kT0, kT0 + 10 * kMinute);
    const auto live = add("+15551230002", "pending", kT0 + 5 * kMinute, kT0 + 15 * kMinute);
    telephony::cleanUpVerifications(*db_, kT0 + 10 * kMinute);  // the first one's last moment
    auto s = statuses();
    EXPECT_EQ(s[overdue], "expired");
    EXPECT_EQ(s[live], "pending");
    // Expiring clears the code hash.
    Poco::Int64 hashes = 0;
    db_->read([&](Poco::Data::Session& session) {
        session << "SELECT COUNT(*) FROM caller_id_verifications WHERE code_hash IS NOT NULL",
            into(hashes), now;
    });
    EXPECT_EQ(hashes, 1);
}

TEST_P(TelephonyCleanup, DeletesFailedAndExpiredADayLaterUnlessTheirForwardingIsActive) {
    const auto failed = add("+15551230001", "failed", kT0, kT0);
    const auto expired = add("+15551230002", "expired", kT0, kT0);
    const auto verified = add("+15551230003", "verified", kT0, kT0);
    const auto kept = add("+15551230004", "expired", kT0, kT0);
    forward(kept, "active");
    const auto droppedWithConfig = add("+15551230005", "failed", kT0, kT0);
    forward(droppedWithConfig, "disabled");
    const auto recent = add("+15551230006", "failed", kT0 + kDay, kT0 + kDay);

    telephony::cleanUpVerifications(*db_, kT0 + kDay - 1);  // not yet a day old
    EXPECT_EQ(statuses().size(), 6u);

    telephony::cleanUpVerifications(*db_, kT0 + kDay + 1);
    auto s = statuses();
    EXPECT_EQ(s.count(failed), 0u);
    EXPECT_EQ(s.count(expired), 0u);
    EXPECT_EQ(s.count(droppedWithConfig), 0u);
    EXPECT_EQ(s[verified], "verified");
    EXPECT_EQ(s[kept], "expired");
    EXPECT_EQ(s[recent], "failed");
    EXPECT_EQ(count("forwarding_configs"), 1);
    // The call records behind the rate limit are a day old too.
    EXPECT_EQ(count("caller_id_calls"), 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, TelephonyCleanup, ::testing::ValuesIn(storageBackends()),
                         backendName);

}  // namespace
}  // namespace switchboard::testing
