#include "store/ContactRepository.h"
#include "store/Database.h"
#include "store/MessageRepository.h"
#include "store/Migrations.h"
#include "store/ModemRouteRepository.h"
#include "store/TenantRepository.h"
#include "store/WebhookEventRepository.h"
#include "support/TempDir.h"
#include "support/TestDatabase.h"
#include "util/Digest.h"

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Session.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <set>
#include <string>
#include <thread>
#include <vector>

using namespace Poco::Data::Keywords;

namespace switchboard::store {
namespace {

using testing::TempDir;

// Every test runs on SQLite and on PostgreSQL (the same repositories, the same SQL).
class StoreTest : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        storage_ = std::make_unique<testing::TestDatabase>(GetParam(), dir_);
        db_ = storage_->open(4);
        ASSERT_GE(db_->migrate(), 1);
        TenantRepository tenants(*db_);
        tenants.bootstrap({"acme", "Acme", "Acme Clinic", "extreme-main", false}, {"+15550100001"},
                          {util::sha256Hex("acme-key-0123456789")}, 1000);
        tenants.bootstrap({"globex", "Globex", "Globex Corp", "extreme-main", false},
                          {"+15550200002"}, {util::sha256Hex("globex-key-0123456789")}, 1000);
    }

    /// An outbound QUEUED message due at `due` (nullopt: never due).
    static Message outbound(const std::string& tenant, std::optional<TimeMs> due,
                            const std::string& statusValue = status::kQueued) {
        Message m;
        m.tenantId = tenant;
        m.direction = "outbound";
        m.kind = "initial";
        m.toNumber = "+15557654321";
        m.body = "hello";
        m.status = statusValue;
        m.providerInstance = "extreme-main";
        m.nextAttemptAt = due;
        m.createdAt = m.updatedAt = 500;
        return m;
    }

    static Message inbound(const std::optional<std::string>& tenant, const std::string& from,
                           const std::string& context = "{}") {
        Message m;
        m.tenantId = tenant;
        m.direction = "inbound";
        m.fromNumber = from;
        m.toNumber = "+15550100001";
        m.body = "hi there";
        m.status = status::kReceived;
        m.providerInstance = "extreme-main";
        // Each inbound is its own MO: the schema refuses one provider message id twice.
        static int sequence = 0;
        m.providerRef = "ext-in-" + std::to_string(++sequence);
        m.replyContextJson = context;
        m.routingModem = "3";
        m.routingPort = "7";
        m.createdAt = m.updatedAt = 600;
        return m;
    }

    std::int64_t insert(const Message& m) {
        std::int64_t id = 0;
        db_->write([&](Poco::Data::Session& s) { id = MessageRepository::insert(s, m); });
        return id;
    }

    std::string lockOwner(std::int64_t id) {
        std::string owner;
        db_->read([&](Poco::Data::Session& s) {
            Poco::Int64 messageId = id;
            s << "SELECT COALESCE(lock_owner, '') FROM messages WHERE id = $1", use(messageId),
                into(owner), now;
        });
        return owner;
    }

    std::int64_t count(const std::string& table) {
        Poco::Int64 n = 0;
        db_->read(
            [&](Poco::Data::Session& s) { s << "SELECT COUNT(*) FROM " + table, into(n), now; });
        return n;
    }

    TempDir dir_;
    std::unique_ptr<testing::TestDatabase> storage_;  // outlives db_: dropped after it closes
    std::unique_ptr<Database> db_;
};

TEST_P(StoreTest, MigrateAppliesOnceAndIsIdempotent) {
    TempDir dir;
    testing::TestDatabase fresh(GetParam(), dir);
    auto db = fresh.open(2);
    const int expected = static_cast<int>(
        (GetParam() == "postgresql" ? postgresqlMigrations() : sqliteMigrations()).size());
    ASSERT_GE(expected, 1);
    EXPECT_EQ(db->migrate(), expected);
    EXPECT_EQ(db->migrate(), 0);
    Poco::Int64 recorded = 0;
    db->read([&](Poco::Data::Session& s) {
        s << "SELECT COUNT(*) FROM schema_migrations", into(recorded), now;
    });
    EXPECT_EQ(recorded, expected);
    // Reopening the same database finds the schema in place.
    db.reset();
    auto again = fresh.open(2);
    EXPECT_EQ(again->migrate(), 0);
    EXPECT_TRUE(again->ping());
}

TEST_P(StoreTest, MigrateRefusesAHistoryWithAGapAndToleratesANewerSchema) {
    // A migration recorded as never applied below the newest one: it would be skipped for
    // good, so start-up refuses with the migration's name.
    db_->write([](Poco::Data::Session& s) {
        s << "DELETE FROM schema_migrations WHERE version = 3", now;
    });
    try {
        db_->migrate();
        ADD_FAILURE() << "a gap in the schema history was accepted";
    } catch (const StoreUnavailable& e) {
        EXPECT_NE(std::string(e.what()).find("003_message_segments"), std::string::npos)
            << e.what();
    }
    db_->write([](Poco::Data::Session& s) {
        s << "INSERT INTO schema_migrations (version, name, applied_at) VALUES (3, "
             "'003_message_segments', 0)",
            now;
    });
    // A newer build migrated this database (a rolling upgrade): this one still runs.
    db_->write([](Poco::Data::Session& s) {
        s << "INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, "
             "'999_from_the_future', 0)",
            now;
    });
    EXPECT_EQ(db_->migrate(), 0);
    EXPECT_TRUE(db_->ping());
}

TEST_P(StoreTest, WriteRollsBackOnException) {
    EXPECT_THROW(db_->write([&](Poco::Data::Session& s) {
        MessageRepository::insert(s, outbound("acme", 1000));
        throw std::runtime_error("abort");
    }),
                 std::runtime_error);
    EXPECT_EQ(count("messages"), 0);
}

TEST_P(StoreTest, ANestedWriteJoinsTheEnclosingTransactionAndRollsBackWithIt) {
    // Committed together: the inner write is not visible to another session until the
    // outer one commits, and a nested read sees it at once.
    std::int64_t seenInside = -1;
    db_->write([&](Poco::Data::Session& s) {
        MessageRepository::insert(s, outbound("acme", 1000));
        db_->write([&](Poco::Data::Session& inner) {
            MessageRepository::insert(inner, outbound("acme", 1000));
        });
        db_->read([&](Poco::Data::Session& r) {
            Poco::Int64 n = 0;
            r << "SELECT COUNT(*) FROM messages", into(n), now;
            seenInside = n;
        });
    });
    EXPECT_EQ(seenInside, 2);
    EXPECT_EQ(count("messages"), 2);

    // An exception in the inner write undoes the outer write's statements too.
    EXPECT_THROW(db_->write([&](Poco::Data::Session& s) {
        MessageRepository::insert(s, outbound("acme", 1000));
        db_->write([&](Poco::Data::Session& inner) {
            MessageRepository::insert(inner, outbound("acme", 1000));
            throw std::runtime_error("abort inside");
        });
    }),
                 std::runtime_error);
    EXPECT_EQ(count("messages"), 2);

    // And the outer body failing after the inner write returned undoes the inner write.
    EXPECT_THROW(db_->write([&](Poco::Data::Session&) {
        db_->write([&](Poco::Data::Session& inner) {
            MessageRepository::insert(inner, outbound("acme", 1000));
        });
        throw std::runtime_error("abort after");
    }),
                 std::runtime_error);
    EXPECT_EQ(count("messages"), 2);
}

TEST_P(StoreTest, AfterCommitRunsOnceCommittedAndNeverOnRollback) {
    std::vector<std::string> events;
    // Outside a transaction: at once.
    db_->afterCommit([&] { events.push_back("immediate"); });
    EXPECT_EQ(events, std::vector<std::string>{"immediate"});

    db_->write([&](Poco::Data::Session& s) {
        MessageRepository::insert(s, outbound("acme", 1000));
        db_->write([&](Poco::Data::Session&) {
            db_->afterCommit([&] {
                // Runs after COMMIT: another session already sees the row.
                events.push_back("after commit, rows=" + std::to_string(count("messages")));
            });
        });
        events.push_back("body done");
    });
    EXPECT_EQ(events, (std::vector<std::string>{"immediate", "body done", "after commit, rows=1"}));

    events.clear();
    EXPECT_THROW(db_->write([&](Poco::Data::Session&) {
        db_->afterCommit([&] { events.push_back("must not run"); });
        throw std::runtime_error("rolled back");
    }),
                 std::runtime_error);
    EXPECT_TRUE(events.empty());

    // An action may itself write: it runs outside the writer lock (SQLite would otherwise
    // wait on its own thread's lock forever).
    db_->write([&](Poco::Data::Session&) {
        db_->afterCommit([&] {
            db_->write([&](Poco::Data::Session& s) {
                MessageRepository::insert(s, outbound("acme", 1000));
            });
        });
    });
    EXPECT_EQ(count("messages"), 2);

    // A failing action is logged, not thrown: the data is already committed.
    EXPECT_NO_THROW(db_->write([&](Poco::Data::Session&) {
        db_->afterCommit([] { throw std::runtime_error("wake failed"); });
    }));
}

TEST_P(StoreTest, OnlyTheSameThreadAndDatabaseJoinATransaction) {
    // A read on another thread, or through another pool on this thread, is its own session:
    // it must not see (or become part of) the open transaction.
    auto other = storage_->open(2);
    auto countOn = [](Database& db) {
        Poco::Int64 n = 0;
        db.read(
            [&](Poco::Data::Session& r) { r << "SELECT COUNT(*) FROM messages", into(n), now; });
        return n;
    };
    Poco::Int64 otherThread = -1, otherPool = -1, sameThread = -1;
    db_->write([&](Poco::Data::Session& s) {
        MessageRepository::insert(s, outbound("acme", 1000));
        std::thread([&] { otherThread = countOn(*db_); }).join();
        otherPool = countOn(*other);
        sameThread = countOn(*db_);
    });
    EXPECT_EQ(otherThread, 0);
    EXPECT_EQ(otherPool, 0);
    EXPECT_EQ(sameThread, 1);
    EXPECT_EQ(countOn(*other), 1);
}

TEST_P(StoreTest, TenantBootstrapAndKeyLookup) {
    TenantRepository tenants(*db_);
    auto acme = tenants.findByKeyHash(util::sha256Hex("acme-key-0123456789"), 10000);
    ASSERT_TRUE(acme);
    EXPECT_EQ(acme->id, "acme");
    EXPECT_EQ(acme->name, "Acme");
    EXPECT_EQ(acme->businessName, "Acme Clinic");
    EXPECT_EQ(acme->defaultProvider, "extreme-main");
    EXPECT_FALSE(acme->disabled);
    EXPECT_EQ(tenants.findByKeyHash(util::sha256Hex("globex-key-0123456789"), 10000)->id, "globex");
    EXPECT_FALSE(tenants.findByKeyHash(util::sha256Hex("unknown-key-0123456789"), 10000));
    // The plaintext is not a valid lookup value.
    EXPECT_FALSE(tenants.findByKeyHash("acme-key-0123456789", 10000));
}

TEST_P(StoreTest, RebootstrapRevokesKeysNoLongerConfigured) {
    TenantRepository tenants(*db_);
    const std::string oldKey = util::sha256Hex("acme-key-0123456789");
    const std::string newKey = util::sha256Hex("acme-new-key-0123456789");
    tenants.bootstrap({"acme", "Acme Renamed", "Acme Clinic", "extreme-main", false},
                      {"+15550100001"}, {newKey}, 2000);
    EXPECT_FALSE(tenants.findByKeyHash(oldKey, 10000));
    ASSERT_TRUE(tenants.findByKeyHash(newKey, 10000));
    EXPECT_EQ(tenants.findByKeyHash(newKey, 10000)->name, "Acme Renamed");
    // Another tenant's keys are untouched.
    EXPECT_TRUE(tenants.findByKeyHash(util::sha256Hex("globex-key-0123456789"), 10000));
    // Putting the old key back restores it.
    tenants.bootstrap({"acme", "Acme", "Acme Clinic", "extreme-main", false}, {"+15550100001"},
                      {oldKey, newKey}, 3000);
    EXPECT_TRUE(tenants.findByKeyHash(oldKey, 10000));
    EXPECT_TRUE(tenants.findByKeyHash(newKey, 10000));
    // No keys at all: nothing matches.
    tenants.bootstrap({"acme", "Acme", "Acme Clinic", "extreme-main", false}, {}, {}, 4000);
    EXPECT_FALSE(tenants.findByKeyHash(oldKey, 10000));
    EXPECT_FALSE(tenants.findByKeyHash(newKey, 10000));
}

TEST_P(StoreTest, DisabledTenantIsFoundByKeyMarkedDisabled) {
    // The key still identifies the tenant, so the API can answer 403 tenant_disabled rather
    // than pretend the key is unknown.
    db_->write([&](Poco::Data::Session& s) { TenantRepository::setDisabled(s, "acme", true); });
    TenantRepository tenants(*db_);
    auto found = tenants.findByKeyHash(util::sha256Hex("acme-key-0123456789"), 10000);
    ASSERT_TRUE(found);
    EXPECT_TRUE(found->disabled);
    EXPECT_EQ(found->disabledBy, "admin");
    ASSERT_TRUE(tenants.get("acme"));
    EXPECT_TRUE(tenants.get("acme")->disabled);
    EXPECT_FALSE(tenants.get("nobody"));
}

TEST_P(StoreTest, TenantsRemovedFromConfigLoseTheirKeysAndNumbersAndComeBackWhenReadded) {
    TenantRepository tenants(*db_);
    const auto globexKey = util::sha256Hex("globex-key-0123456789");
    ASSERT_TRUE(tenants.findByKeyHash(globexKey, 10000));
    EXPECT_EQ(tenants.retireAllExcept({"acme"}, 5000), 1);
    EXPECT_FALSE(tenants.findByKeyHash(globexKey, 10000));  // config keys are revoked
    EXPECT_FALSE(tenants.tenantForNumber("+15550200002"));
    EXPECT_TRUE(tenants.get("globex")->disabled);
    EXPECT_TRUE(tenants.findByKeyHash(util::sha256Hex("acme-key-0123456789"), 10000));
    EXPECT_EQ(tenants.retireAllExcept({"acme"}, 6000), 0);  // already retired
    // Re-adding it to the configuration enables it again.
    tenants.bootstrap({"globex", "Globex", "Globex Corp", "extreme-main", false}, {"+15550200002"},
                      {globexKey}, 7000);
    EXPECT_FALSE(tenants.get("globex")->disabled);
    EXPECT_TRUE(tenants.findByKeyHash(globexKey, 10000));
}

TEST_P(StoreTest, AdminManagedTenantsKeysAndNumbersSurviveYamlSync) {
    TenantRepository tenants(*db_);
    const auto apiKey = util::sha256Hex("sbk_api-created-key");
    std::int64_t keyId = 0;
    db_->write([&](Poco::Data::Session& s) {
        ASSERT_TRUE(TenantRepository::create(s, {"initech", "Initech", "", "extreme-main"}, 100));
        EXPECT_FALSE(TenantRepository::create(s, {"initech", "Dup", "", "extreme-main"}, 100));
        keyId = TenantRepository::insertKey(s, "initech", apiKey, "sbk_api-c", "ops", 100);
        EXPECT_EQ(TenantRepository::replaceNumbers(s, "initech", {"+15550300003"}), std::nullopt);
        // A number that belongs to another tenant is refused and nothing changes.
        EXPECT_EQ(TenantRepository::replaceNumbers(s, "initech", {"+15550300004", "+15550100001"}),
                  "+15550100001");
        // An API-added number on a YAML tenant survives that tenant's next YAML sync.
        EXPECT_EQ(TenantRepository::replaceNumbers(s, "acme", {"+15550100001", "+15550100009"}),
                  std::nullopt);
        TenantRepository::setDisabled(s, "globex", true);
    });
    EXPECT_EQ(tenants.numbersOf("initech"), std::vector<std::string>{"+15550300003"});
    EXPECT_EQ(tenants.get("initech")->source, "api");
    ASSERT_EQ(tenants.findByKeyHash(apiKey, 200)->apiKeyId, keyId);

    // Start-up sync: YAML lists only acme and globex. The API tenant is not retired, the
    // admin-disabled YAML tenant stays disabled, acme's API number stays.
    EXPECT_EQ(tenants.retireAllExcept({"acme", "globex"}, 300), 0);
    tenants.bootstrap({"acme", "Acme", "Acme Clinic", "extreme-main", false}, {"+15550100001"},
                      {util::sha256Hex("acme-key-0123456789")}, 300);
    tenants.bootstrap({"globex", "Globex", "Globex Corp", "extreme-main", false}, {"+15550200002"},
                      {util::sha256Hex("globex-key-0123456789")}, 300);
    EXPECT_FALSE(tenants.get("initech")->disabled);
    EXPECT_TRUE(tenants.findByKeyHash(apiKey, 400));
    EXPECT_TRUE(tenants.get("globex")->disabled);
    EXPECT_EQ(tenants.get("globex")->disabledBy, "admin");
    EXPECT_EQ(tenants.tenantForNumber("+15550100009"), "acme");

    std::int64_t total = 0;
    auto page = tenants.list({1, 2}, total);
    EXPECT_EQ(total, 3);
    ASSERT_EQ(page.size(), 2u);
    EXPECT_EQ(page[0].id, "acme");
    EXPECT_EQ(page[1].id, "globex");
}

TEST_P(StoreTest, RevokedKeyWorksUntilItsGracePeriodEndsAndOnlyItsTenantCanRevokeIt) {
    TenantRepository tenants(*db_);
    const auto hash = util::sha256Hex("sbk_rotating");
    std::int64_t keyId = 0;
    db_->write([&](Poco::Data::Session& s) {
        keyId = TenantRepository::insertKey(s, "acme", hash, "sbk_rot", "", 100);
        EXPECT_FALSE(TenantRepository::revokeKey(s, "globex", keyId, 1000, 100));
        EXPECT_TRUE(TenantRepository::revokeKey(s, "acme", keyId, 1000, 100));
    });
    EXPECT_TRUE(tenants.findByKeyHash(hash, 999));
    EXPECT_FALSE(tenants.findByKeyHash(hash, 1000));
    db_->write([&](Poco::Data::Session& s) {
        // Revoking now (during the grace period) ends it at once; a revoked key stays revoked.
        EXPECT_TRUE(TenantRepository::revokeKey(s, "acme", keyId, 500, 500));
        EXPECT_FALSE(TenantRepository::revokeKey(s, "acme", keyId, 9000, 600));
    });
    EXPECT_FALSE(tenants.findByKeyHash(hash, 501));
    auto keys = tenants.keysOf("acme");
    ASSERT_FALSE(keys.empty());
    EXPECT_EQ(keys.front().id, keyId);
    EXPECT_EQ(keys.front().prefix, "sbk_rot");
    EXPECT_EQ(keys.front().revokedAt, 500);
}

TEST_P(StoreTest, TenantForNumberFollowsBootstrap) {
    TenantRepository tenants(*db_);
    EXPECT_EQ(tenants.tenantForNumber("+15550100001"), "acme");
    EXPECT_EQ(tenants.tenantForNumber("+15550200002"), "globex");
    EXPECT_FALSE(tenants.tenantForNumber("+15559999999"));
    // Numbers are exactly the configured list: dropped ones are unassigned.
    tenants.bootstrap({"acme", "Acme", "Acme Clinic", "extreme-main", false}, {"+15550100003"},
                      {util::sha256Hex("acme-key-0123456789")}, 2000);
    EXPECT_FALSE(tenants.tenantForNumber("+15550100001"));
    EXPECT_EQ(tenants.tenantForNumber("+15550100003"), "acme");
    // A number moved to another tenant follows it.
    tenants.bootstrap({"globex", "Globex", "Globex Corp", "extreme-main", false},
                      {"+15550200002", "+15550100003"}, {util::sha256Hex("globex-key-0123456789")},
                      3000);
    EXPECT_EQ(tenants.tenantForNumber("+15550100003"), "globex");
}

TEST_P(StoreTest, ContactEnsureIsIdempotentPerTenantAndPhone) {
    std::int64_t first = 0, second = 0, other = 0, otherPhone = 0;
    db_->write([&](Poco::Data::Session& s) {
        first = ContactRepository::ensure(s, "acme", "+15557654321", "Acme Clinic", 1000);
    });
    db_->write([&](Poco::Data::Session& s) {
        second = ContactRepository::ensure(s, "acme", "+15557654321", "Changed Name", 2000);
        other = ContactRepository::ensure(s, "globex", "+15557654321", "Globex Corp", 2000);
        otherPhone = ContactRepository::ensure(s, "acme", "+15557654322", "Acme Clinic", 2000);
    });
    EXPECT_GT(first, 0);
    EXPECT_EQ(first, second);
    EXPECT_NE(first, other);
    EXPECT_NE(first, otherPhone);
    EXPECT_EQ(count("contacts"), 3);

    ContactRepository contacts(*db_);
    auto found = contacts.findByPhone("acme", "+15557654321");
    ASSERT_TRUE(found);
    EXPECT_EQ(found->id, first);
    EXPECT_EQ(found->tenantId, "acme");
    EXPECT_EQ(found->businessName, "Acme Clinic");  // the first capture wins
    EXPECT_EQ(found->createdAt, 1000);
    EXPECT_EQ(contacts.findByPhone("globex", "+15557654321")->id, other);
    EXPECT_FALSE(contacts.findByPhone("globex", "+15557654322"));

    std::int64_t total = 0;
    auto list = contacts.list("acme", {1, 50}, total);
    EXPECT_EQ(total, 2);
    ASSERT_EQ(list.size(), 2u);
    EXPECT_EQ(list[0].id, otherPhone);  // newest first
    EXPECT_EQ(list[1].id, first);
}

TEST_P(StoreTest, MessageRoundTripKeepsEveryField) {
    Message m = inbound("acme", "+15557654321", R"({"usedmodem":"3","port":"7"})");
    m.warning = "a warning";
    m.nextAttemptAt = 777;
    std::int64_t contact = 0;
    db_->write([&](Poco::Data::Session& s) {
        contact = ContactRepository::ensure(s, "acme", "+15557654321", "Acme Clinic", 600);
    });
    m.contactId = contact;
    const std::int64_t id = insert(m);
    MessageRepository repo(*db_);
    auto got = repo.get("acme", id);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->id, id);
    EXPECT_EQ(got->tenantId, "acme");
    EXPECT_EQ(got->contactId, contact);
    EXPECT_EQ(got->direction, "inbound");
    EXPECT_EQ(got->kind, "");
    EXPECT_EQ(got->fromNumber, "+15557654321");
    EXPECT_EQ(got->toNumber, "+15550100001");
    EXPECT_EQ(got->body, "hi there");
    EXPECT_EQ(got->status, "RECEIVED");
    EXPECT_EQ(got->providerInstance, "extreme-main");
    EXPECT_EQ(got->providerRef, m.providerRef);
    EXPECT_EQ(got->replyContextJson, R"({"usedmodem":"3","port":"7"})");
    EXPECT_EQ(got->routingModem, "3");
    EXPECT_EQ(got->routingPort, "7");
    EXPECT_EQ(got->warning, "a warning");
    EXPECT_EQ(got->nextAttemptAt, 777);
    EXPECT_EQ(got->createdAt, 600);
    EXPECT_FALSE(got->replyToMessageId);
    EXPECT_FALSE(got->sentAt);

    // An unlinked inbound (no tenant) is stored with a NULL tenant.
    const std::int64_t unlinked = insert(inbound(std::nullopt, "+15557654399"));
    auto any = repo.getAny(unlinked);
    ASSERT_TRUE(any);
    EXPECT_FALSE(any->tenantId);
    EXPECT_FALSE(repo.get("acme", unlinked));
}

TEST_P(StoreTest, MessageGetIsTenantScoped) {
    const std::int64_t id = insert(outbound("acme", 1000));
    MessageRepository repo(*db_);
    ASSERT_TRUE(repo.get("acme", id));
    EXPECT_FALSE(repo.get("globex", id));
    EXPECT_FALSE(repo.get("acme", id + 1000));
    ASSERT_TRUE(repo.getAny(id));
    EXPECT_EQ(repo.getAny(id)->tenantId, "acme");
}

TEST_P(StoreTest, ListPagesNewestFirstWithDirectionFilter) {
    std::vector<std::int64_t> acmeIds;
    for (int i = 0; i < 5; ++i) acmeIds.push_back(insert(outbound("acme", 1000)));
    for (int i = 0; i < 3; ++i) acmeIds.push_back(insert(inbound("acme", "+15557654321")));
    insert(outbound("globex", 1000));
    insert(inbound("globex", "+15557654321"));
    std::sort(acmeIds.rbegin(), acmeIds.rend());

    MessageRepository repo(*db_);
    std::int64_t total = 0;
    auto page1 = repo.list("acme", "", {1, 3}, total);
    EXPECT_EQ(total, 8);
    ASSERT_EQ(page1.size(), 3u);
    EXPECT_EQ(page1[0].id, acmeIds[0]);
    EXPECT_EQ(page1[1].id, acmeIds[1]);
    EXPECT_EQ(page1[2].id, acmeIds[2]);

    auto page2 = repo.list("acme", "", {2, 3}, total);
    ASSERT_EQ(page2.size(), 3u);
    EXPECT_EQ(page2[0].id, acmeIds[3]);

    auto page3 = repo.list("acme", "", {3, 3}, total);
    EXPECT_EQ(total, 8);
    ASSERT_EQ(page3.size(), 2u);
    EXPECT_EQ(page3[1].id, acmeIds[7]);

    EXPECT_TRUE(repo.list("acme", "", {4, 3}, total).empty());
    EXPECT_EQ(total, 8);

    auto inboundOnly = repo.list("acme", "inbound", {1, 50}, total);
    EXPECT_EQ(total, 3);
    ASSERT_EQ(inboundOnly.size(), 3u);
    for (const auto& m : inboundOnly) EXPECT_EQ(m.direction, "inbound");
    EXPECT_GT(inboundOnly[0].id, inboundOnly[1].id);

    auto outboundOnly = repo.list("acme", "outbound", {1, 50}, total);
    EXPECT_EQ(total, 5);
    ASSERT_EQ(outboundOnly.size(), 5u);
    for (const auto& m : outboundOnly) {
        EXPECT_EQ(m.direction, "outbound");
        EXPECT_EQ(m.tenantId, "acme");
    }

    repo.list("globex", "", {1, 50}, total);
    EXPECT_EQ(total, 2);
    EXPECT_TRUE(repo.list("nobody", "", {1, 50}, total).empty());
    EXPECT_EQ(total, 0);
}

TEST_P(StoreTest, LatestInboundFromIsTheNewestOfThatTenant) {
    MessageRepository repo(*db_);
    EXPECT_FALSE(repo.latestInboundFrom("acme", "+15557654321"));
    insert(inbound("acme", "+15557654321", R"({"port":"1"})"));
    const std::int64_t newest = insert(inbound("acme", "+15557654321", R"({"port":"2"})"));
    insert(inbound("acme", "+15557654399"));
    insert(outbound("acme", 1000));             // an outbound to the same contact is not an inbound
    insert(inbound("globex", "+15557654321"));  // newer, but another tenant's
    auto latest = repo.latestInboundFrom("acme", "+15557654321");
    ASSERT_TRUE(latest);
    EXPECT_EQ(latest->id, newest);
    EXPECT_EQ(latest->replyContextJson, R"({"port":"2"})");
    EXPECT_FALSE(repo.latestInboundFrom("acme", "+15550000000"));
}

TEST_P(StoreTest, ClaimDueTakesOnlyDueQueuedOutbound) {
    const std::int64_t due = insert(outbound("acme", 1000));
    insert(outbound("acme", 5000));                   // not due yet
    insert(outbound("acme", 1000, status::kSent));    // not QUEUED
    insert(outbound("acme", 1000, status::kFailed));  // not QUEUED
    insert(outbound("acme", std::nullopt));           // never scheduled
    Message in = inbound("acme", "+15557654321");
    in.status = status::kQueued;  // even a QUEUED inbound is not part of the outbox
    in.nextAttemptAt = 1000;
    insert(in);

    MessageRepository repo(*db_);
    auto claimed = repo.claimDue("w1", 2000, 62000, 10);
    ASSERT_EQ(claimed.size(), 1u);
    EXPECT_EQ(claimed[0].id, due);
    EXPECT_EQ(claimed[0].status, "QUEUED");
    EXPECT_EQ(claimed[0].body, "hello");
    EXPECT_EQ(lockOwner(due), "w1");

    // Due exactly now counts.
    auto atBoundary = repo.claimDue("w1", 5000, 65000, 10);
    ASSERT_EQ(atBoundary.size(), 1u);
    EXPECT_EQ(atBoundary[0].nextAttemptAt, 5000);
}

TEST_P(StoreTest, ClaimDueRespectsLimitAndOrder) {
    const std::int64_t later = insert(outbound("acme", 1500));
    const std::int64_t earlier = insert(outbound("acme", 1000));
    const std::int64_t third = insert(outbound("acme", 1200));
    MessageRepository repo(*db_);
    auto first = repo.claimDue("w1", 2000, 60000, 2);
    ASSERT_EQ(first.size(), 2u);
    EXPECT_EQ(first[0].id, earlier);
    EXPECT_EQ(first[1].id, third);
    auto rest = repo.claimDue("w1", 2000, 60000, 2);
    ASSERT_EQ(rest.size(), 1u);
    EXPECT_EQ(rest[0].id, later);
}

TEST_P(StoreTest, ClaimedMessageIsNotReclaimableUntilLeaseExpires) {
    const std::int64_t id = insert(outbound("acme", 1000));
    MessageRepository repo(*db_);
    ASSERT_EQ(repo.claimDue("w1", 2000, 62000, 10).size(), 1u);
    EXPECT_TRUE(repo.claimDue("w1", 2001, 62001, 10).empty());  // not even by its owner
    EXPECT_TRUE(repo.claimDue("w2", 30000, 90000, 10).empty());
    EXPECT_TRUE(repo.claimDue("w2", 62000, 122000, 10).empty());  // lease still live at its end
    auto reclaimed = repo.claimDue("w2", 62001, 122001, 10);
    ASSERT_EQ(reclaimed.size(), 1u);
    EXPECT_EQ(reclaimed[0].id, id);
    EXPECT_EQ(lockOwner(id), "w2");
}

TEST_P(StoreTest, TwoOwnersNeverClaimTheSameMessage) {
    constexpr int kMessages = 60;
    std::set<std::int64_t> all;
    for (int i = 0; i < kMessages; ++i) all.insert(insert(outbound("acme", 1000)));

    // Two pools on the same database, as two processes would have.
    auto second = storage_->open(4);
    std::vector<std::int64_t> byA, byB;
    auto worker = [](Database& db, const std::string& owner, std::vector<std::int64_t>& out) {
        MessageRepository repo(db);
        for (;;) {
            auto claimed = repo.claimDue(owner, 2000, 62000, 1);
            if (claimed.empty()) break;
            for (const auto& m : claimed) out.push_back(m.id);
        }
    };
    std::thread a(worker, std::ref(*db_), "owner-a", std::ref(byA));
    std::thread b(worker, std::ref(*second), "owner-b", std::ref(byB));
    a.join();
    b.join();

    std::set<std::int64_t> setA(byA.begin(), byA.end()), setB(byB.begin(), byB.end());
    EXPECT_EQ(setA.size(), byA.size());
    EXPECT_EQ(setB.size(), byB.size());
    for (std::int64_t id : setA)
        EXPECT_FALSE(setB.count(id)) << "message " << id << " claimed twice";
    std::set<std::int64_t> both = setA;
    both.insert(setB.begin(), setB.end());
    EXPECT_EQ(both, all);
    for (std::int64_t id : setA) EXPECT_EQ(lockOwner(id), "owner-a");
    for (std::int64_t id : setB) EXPECT_EQ(lockOwner(id), "owner-b");
}

TEST_P(StoreTest, MarkSentOnlyActsOnQueuedAndSetsSentAtOnce) {
    const std::int64_t id = insert(outbound("acme", 1000));
    MessageRepository repo(*db_);
    ASSERT_EQ(repo.claimDue("w1", 2000, 62000, 1).size(), 1u);
    repo.scheduleRetry(id, 1, 2500, "provider_retry", "HTTP 500", 2100);
    repo.markSent(id, "ref-1", 2, 3000);
    auto m = repo.getAny(id);
    ASSERT_TRUE(m);
    EXPECT_EQ(m->status, "SENT");
    EXPECT_EQ(m->providerRef, "ref-1");
    EXPECT_EQ(m->attempts, 2);
    EXPECT_EQ(m->sentAt, 3000);
    EXPECT_EQ(m->updatedAt, 3000);
    EXPECT_FALSE(m->nextAttemptAt);
    EXPECT_EQ(m->errorCode, "");  // the earlier retry's error is cleared
    EXPECT_EQ(m->errorDetail, "");
    EXPECT_EQ(lockOwner(id), "");

    // Nothing moves a message that is no longer QUEUED.
    repo.markSent(id, "ref-2", 3, 4000);
    repo.scheduleRetry(id, 4, 5000, "provider_retry", "late", 4000);
    db_->write([&](Poco::Data::Session& s) {
        MessageRepository::markFailed(s, id, 5, "provider_rejected", "late", 4000);
    });
    m = repo.getAny(id);
    EXPECT_EQ(m->status, "SENT");
    EXPECT_EQ(m->providerRef, "ref-1");
    EXPECT_EQ(m->attempts, 2);
    EXPECT_EQ(m->sentAt, 3000);
    EXPECT_EQ(m->updatedAt, 3000);
    EXPECT_FALSE(m->failedAt);
    EXPECT_FALSE(m->nextAttemptAt);
    EXPECT_TRUE(repo.claimDue("w1", 10'000'000, 10'060'000, 10).empty());
}

TEST_P(StoreTest, MarkSentKeepsAnEarlierSentAt) {
    const std::int64_t id = insert(outbound("acme", 1000));
    db_->write([&](Poco::Data::Session& s) {
        Poco::Int64 messageId = id;
        s << "UPDATE messages SET sent_at = 1234 WHERE id = $1", use(messageId), now;
    });
    MessageRepository(*db_).markSent(id, "ref", 1, 9999);
    EXPECT_EQ(MessageRepository(*db_).getAny(id)->sentAt, 1234);
}

TEST_P(StoreTest, ScheduleRetryRequeuesAndReleasesTheLease) {
    const std::int64_t id = insert(outbound("acme", 1000));
    MessageRepository repo(*db_);
    ASSERT_EQ(repo.claimDue("w1", 2000, 62000, 1).size(), 1u);
    repo.scheduleRetry(id, 1, 4000, "provider_retry", "HTTP 500: boom", 2100);
    auto m = repo.getAny(id);
    EXPECT_EQ(m->status, "QUEUED");
    EXPECT_EQ(m->attempts, 1);
    EXPECT_EQ(m->nextAttemptAt, 4000);
    EXPECT_EQ(m->errorCode, "provider_retry");
    EXPECT_EQ(m->errorDetail, "HTTP 500: boom");
    EXPECT_EQ(m->updatedAt, 2100);
    EXPECT_EQ(lockOwner(id), "");
    // Not due before 4000, then claimable at once (the old lease to 62000 is gone).
    EXPECT_TRUE(repo.claimDue("w2", 3999, 63999, 1).empty());
    auto again = repo.claimDue("w2", 4000, 64000, 1);
    ASSERT_EQ(again.size(), 1u);
    EXPECT_EQ(again[0].attempts, 1);
}

TEST_P(StoreTest, MarkFailedOnlyActsOnQueuedAndSetsFailedAtOnce) {
    const std::int64_t id = insert(outbound("acme", 1000));
    MessageRepository repo(*db_);
    db_->write([&](Poco::Data::Session& s) {
        MessageRepository::markFailed(s, id, 4, "retries_exhausted", "provider_retry: HTTP 500",
                                      5000);
    });
    auto m = repo.getAny(id);
    EXPECT_EQ(m->status, "FAILED");
    EXPECT_EQ(m->attempts, 4);
    EXPECT_EQ(m->errorCode, "retries_exhausted");
    EXPECT_EQ(m->errorDetail, "provider_retry: HTTP 500");
    EXPECT_EQ(m->failedAt, 5000);
    EXPECT_FALSE(m->nextAttemptAt);

    db_->write([&](Poco::Data::Session& s) {
        MessageRepository::markFailed(s, id, 5, "provider_rejected", "again", 6000);
    });
    repo.markSent(id, "ref", 6, 6000);
    repo.scheduleRetry(id, 7, 7000, "provider_retry", "again", 6000);
    m = repo.getAny(id);
    EXPECT_EQ(m->status, "FAILED");
    EXPECT_EQ(m->attempts, 4);
    EXPECT_EQ(m->errorCode, "retries_exhausted");
    EXPECT_EQ(m->failedAt, 5000);
    EXPECT_FALSE(m->sentAt);
    EXPECT_EQ(m->providerRef, "");
    EXPECT_TRUE(repo.claimDue("w1", 10'000'000, 10'060'000, 10).empty());
}

TEST_P(StoreTest, WebhookEventsNewestFirst) {
    WebhookEventRepository events(*db_);
    WebhookEventRecord e;
    e.routePath = "/api/webhook/extreme";
    e.providerInstance = "extreme-main";
    e.remoteAddr = "127.0.0.1";
    e.outcome = "accepted";
    e.tenantId = "acme";
    e.payload = "{\"n\":1}";
    e.receivedAt = 1000;
    const std::int64_t first = events.insert(e);
    e.outcome = "rejected";
    e.reason = "shared secret mismatch";
    e.tenantId = "";
    e.payload = "{\"n\":2}";
    e.receivedAt = 2000;
    const std::int64_t second = events.insert(e);
    e.outcome = "ignored";
    e.reason = "";
    e.receivedAt = 3000;
    std::int64_t third = 0;
    db_->write([&](Poco::Data::Session& s) { third = WebhookEventRepository::insert(s, e); });
    EXPECT_LT(first, second);
    EXPECT_LT(second, third);

    auto latest = events.latest(2);
    ASSERT_EQ(latest.size(), 2u);
    EXPECT_EQ(latest[0].id, third);
    EXPECT_EQ(latest[0].outcome, "ignored");
    EXPECT_EQ(latest[1].id, second);
    EXPECT_EQ(latest[1].outcome, "rejected");
    EXPECT_EQ(latest[1].reason, "shared secret mismatch");
    EXPECT_EQ(latest[1].tenantId, "");
    EXPECT_EQ(latest[1].receivedAt, 2000);

    auto all = events.latest(10);
    ASSERT_EQ(all.size(), 3u);
    EXPECT_EQ(all[2].id, first);
    EXPECT_EQ(all[2].tenantId, "acme");
    EXPECT_EQ(all[2].payload, "{\"n\":1}");
    EXPECT_EQ(all[2].routePath, "/api/webhook/extreme");
    EXPECT_EQ(all[2].remoteAddr, "127.0.0.1");
    EXPECT_FALSE(all[2].messageId);
}

TEST_P(StoreTest, LearnedRoutesNeverOverwriteManualOnes) {
    ModemRouteRepository routes(*db_);
    EXPECT_FALSE(routes.tenantFor("extreme-main", "3", "7"));

    db_->write([&](Poco::Data::Session& s) {
        ModemRouteRepository::learn(s, "extreme-main", "3", "7", "acme", 1000);
    });
    EXPECT_EQ(routes.tenantFor("extreme-main", "3", "7"), "acme");
    // Traffic may update a traffic route.
    db_->write([&](Poco::Data::Session& s) {
        ModemRouteRepository::learn(s, "extreme-main", "3", "7", "globex", 2000);
    });
    EXPECT_EQ(routes.tenantFor("extreme-main", "3", "7"), "globex");

    // A manual route overrides a learned one.
    routes.setManual({"extreme-main", "3", "7", "acme", "manual", 3000});
    EXPECT_EQ(routes.tenantFor("extreme-main", "3", "7"), "acme");
    // ... and traffic never overwrites it.
    db_->write([&](Poco::Data::Session& s) {
        ModemRouteRepository::learn(s, "extreme-main", "3", "7", "globex", 4000);
    });
    EXPECT_EQ(routes.tenantFor("extreme-main", "3", "7"), "acme");

    // A manual route for a key never seen before.
    routes.setManual({"extreme-main", "4", "1", "globex", "manual", 5000});
    // The lookup is per (instance, modem, port).
    EXPECT_FALSE(routes.tenantFor("other-instance", "3", "7"));
    EXPECT_FALSE(routes.tenantFor("extreme-main", "3", "8"));

    auto all = routes.all();
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all[0].modem, "3");
    EXPECT_EQ(all[0].tenantId, "acme");
    EXPECT_EQ(all[0].source, "manual");
    EXPECT_EQ(all[0].updatedAt, 3000);
    EXPECT_EQ(all[1].modem, "4");
    EXPECT_EQ(all[1].source, "manual");
    EXPECT_EQ(all[1].tenantId, "globex");
}

TEST_P(StoreTest, ManualRouteCanBeReplacedManually) {
    ModemRouteRepository routes(*db_);
    routes.setManual({"extreme-main", "3", "7", "acme", "manual", 1000});
    routes.setManual({"extreme-main", "3", "7", "globex", "manual", 2000});
    EXPECT_EQ(routes.tenantFor("extreme-main", "3", "7"), "globex");
    ASSERT_EQ(routes.all().size(), 1u);
    EXPECT_EQ(routes.all()[0].updatedAt, 2000);
}

// Group commit: writes handed in while a transaction commits share the next one, each in its
// own savepoint: one that throws (any exception, or a statement the database refuses) rolls
// back alone, its caller gets the error, and the others commit with their after-commit
// actions.
TEST_P(StoreTest, ConcurrentWritesCommitTogetherAndAFailingOneRollsBackAlone) {
    Message duplicateMo = outbound("acme", 1000);
    duplicateMo.direction = "inbound";
    duplicateMo.providerRef = "mo-twice";
    db_->write([&](Poco::Data::Session& s) { MessageRepository::insert(s, duplicateMo); });
    std::atomic<bool> leaderInside{false};
    std::thread leader([&] {
        db_->write([&](Poco::Data::Session& s) {
            MessageRepository::insert(s, outbound("acme", 1000));
            leaderInside = true;
            // Everyone below queues while this transaction is still open.
            std::this_thread::sleep_for(std::chrono::milliseconds(300));
        });
    });
    while (!leaderInside) std::this_thread::yield();

    constexpr int kWriters = 6;
    std::vector<std::thread::id> ranOn(kWriters);
    std::vector<std::string> outcome(kWriters);
    std::atomic<int> afterCommit{0};
    std::vector<std::thread> writers;
    for (int i = 0; i < kWriters; ++i) {
        writers.emplace_back([&, i] {
            try {
                db_->write([&](Poco::Data::Session& s) {
                    ranOn[static_cast<std::size_t>(i)] = std::this_thread::get_id();
                    Message m = outbound("acme", 1000);
                    m.body = "writer " + std::to_string(i);
                    MessageRepository::insert(s, m);
                    db_->afterCommit([&] { ++afterCommit; });
                    if (i == 1) throw std::runtime_error("writer 1 gives up");
                    if (i == 4) MessageRepository::insert(s, duplicateMo);  // refused by the schema
                });
                outcome[static_cast<std::size_t>(i)] = "committed";
            } catch (const StoreUnavailable&) {
                outcome[static_cast<std::size_t>(i)] = "store error";
            } catch (const std::runtime_error& e) {
                outcome[static_cast<std::size_t>(i)] = e.what();
            }
        });
    }
    for (auto& t : writers) t.join();
    leader.join();

    for (int i = 0; i < kWriters; ++i) {
        const std::string expected =
            i == 1 ? "writer 1 gives up" : (i == 4 ? "store error" : "committed");
        EXPECT_EQ(outcome[static_cast<std::size_t>(i)], expected) << "writer " << i;
    }
    std::vector<std::string> bodies;
    db_->read([&](Poco::Data::Session& s) {
        s << "SELECT body FROM messages WHERE body LIKE 'writer %' ORDER BY body", into(bodies),
            now;
    });
    EXPECT_EQ(bodies, (std::vector<std::string>{"writer 0", "writer 2", "writer 3", "writer 5"}));
    EXPECT_EQ(afterCommit.load(), 4);
    // They were one batch: every body ran on the thread that led it, not on its own.
    std::set<std::thread::id> threads(ranOn.begin(), ranOn.end());
    EXPECT_LE(threads.size(), 2u);
}

// Every delivery receipt asks whether a send is in flight on its instance; that must not
// walk every message the instance ever sent (it made DLR ingest fall from about 2,700/s to
// 180/s at 40,000 sent messages in bench/run).
TEST_P(StoreTest, TheInFlightCheckUsesItsOwnIndex) {
    for (int i = 0; i < 50; ++i) {
        Message m = outbound("acme", 1000, status::kSent);
        m.providerRef = "ref-" + std::to_string(i);
        db_->write([&](Poco::Data::Session& s) { MessageRepository::insert(s, m); });
    }
    const bool sqlite = GetParam() == "sqlite";
    std::string plan;
    db_->write([&](Poco::Data::Session& s) {
        // A 50-row table: PostgreSQL would rightly scan it whole, so ask for its index plan.
        if (!sqlite) s << "SET LOCAL enable_seqscan = off", now;
        Poco::Data::Statement st(s);
        st << (sqlite ? "EXPLAIN QUERY PLAN " : "EXPLAIN ")
           << "SELECT id FROM messages WHERE provider_instance = 'extreme-main' AND direction = "
              "'outbound' AND status = 'QUEUED' AND locked_until IS NOT NULL LIMIT 1",
            now;
        Poco::Data::RecordSet rs(st);
        for (bool more = rs.moveFirst(); more; more = rs.moveNext())
            plan += rs[sqlite ? 3 : 0].convert<std::string>() + "\n";
    });
    EXPECT_NE(plan.find("messages_in_flight"), std::string::npos) << plan;
    bool seen = false;
    db_->read([&](Poco::Data::Session& s) {
        seen = MessageRepository::hasSendInFlight(s, "extreme-main");
    });
    EXPECT_FALSE(seen);
}

TEST_P(StoreTest, WithGroupCommitOffEveryWriteIsItsOwnTransaction) {
    db_->setMaxBatch(1);
    std::vector<std::thread::id> ranOn(4);
    std::vector<std::thread::id> callers(4);
    std::vector<std::thread> writers;
    for (int i = 0; i < 4; ++i)
        writers.emplace_back([&, i] {
            callers[static_cast<std::size_t>(i)] = std::this_thread::get_id();
            db_->write([&](Poco::Data::Session& s) {
                ranOn[static_cast<std::size_t>(i)] = std::this_thread::get_id();
                MessageRepository::insert(s, outbound("acme", 1000));
            });
        });
    for (auto& t : writers) t.join();
    EXPECT_EQ(ranOn, callers);
    EXPECT_EQ(count("messages"), 4);
}

// Set once per pooled connection, not per transaction: a second process on the file (or a
// checkpoint) makes a writer wait for the lock instead of failing with SQLITE_BUSY.
TEST(SqliteConnections, WaitTenSecondsForALock) {
    TempDir dir;
    auto db = Database::openSqlite(dir.path() + "/busy.db", 2);
    for (int i = 0; i < 2; ++i) {
        int timeoutMs = 0;
        db->read([&](Poco::Data::Session& s) { s << "PRAGMA busy_timeout", into(timeoutMs), now; });
        EXPECT_EQ(timeoutMs, 10000);
    }
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest, ::testing::ValuesIn(testing::storageBackends()),
                         testing::backendName);

}  // namespace
}  // namespace switchboard::store
