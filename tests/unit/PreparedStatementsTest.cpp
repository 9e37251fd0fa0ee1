#include "store/Database.h"
#include "store/PreparedStatements.h"
#include "support/HttpCall.h"
#include "support/TempDir.h"
#include "support/TestDatabase.h"

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Session.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace switchboard::store {
namespace {

using testing::TempDir;

// Kept statements on PostgreSQL; the same calls on SQLite, where every statement is a
// one-off, must give the same results.
class PreparedStatementsTest : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        storage_ = std::make_unique<testing::TestDatabase>(GetParam(), dir_);
        // One connection, so every call below runs on the same one.
        db_ = storage_->open(1);
        db_->write([](Poco::Data::Session& s) {
            execute(s, "CREATE TABLE keyed (k TEXT PRIMARY KEY, n BIGINT NOT NULL)");
        });
    }
    void TearDown() override {
        // Destroys every kept statement: a statement freed twice would abort here.
        db_.reset();
        storage_.reset();
    }

    bool postgres() const { return GetParam() == "postgresql"; }

    std::int64_t rows() {
        std::int64_t n = 0;
        db_->read([&](Poco::Data::Session& s) {
            n = execute(s, "SELECT COUNT(*) FROM keyed").firstInt().value_or(-1);
        });
        return n;
    }

    /// How many server-side prepared statements of this connection have `sql` as their text.
    std::int64_t preparedCopiesOf(const std::string& sql) {
        std::int64_t n = 0;
        db_->read([&](Poco::Data::Session& s) {
            n = execute(s, "SELECT COUNT(*) FROM pg_prepared_statements WHERE statement = $1", sql)
                    .firstInt()
                    .value_or(-1);
        });
        return n;
    }

    TempDir dir_;
    std::unique_ptr<testing::TestDatabase> storage_;
    std::unique_ptr<Database> db_;
};

TEST_P(PreparedStatementsTest, ARepeatedStatementRunsWithEachCallsValues) {
    const std::string insert = "INSERT INTO keyed (k, n) VALUES ($1, $2) RETURNING n";
    for (Poco::Int64 i = 1; i <= 5; ++i) {
        db_->write([&](Poco::Data::Session& s) {
            EXPECT_EQ(execute(s, insert, "key-" + std::to_string(i), i * 10).firstInt(), i * 10);
        });
    }
    EXPECT_EQ(rows(), 5);
    db_->read([&](Poco::Data::Session& s) {
        const auto selected = execute(s, "SELECT k, n FROM keyed WHERE n >= $1 ORDER BY n",
                                      static_cast<Poco::Int64>(40));
        Poco::Data::RecordSet rs = selected.rows();
        ASSERT_EQ(rs.rowCount(), 2u);
        EXPECT_EQ(rs.value(0, 0).convert<std::string>(), "key-4");
        EXPECT_EQ(rs.value(1, 1).convert<Poco::Int64>(), 50);
    });
    // An UPDATE reports the rows it changed; a NULL binds as NULL.
    db_->write([&](Poco::Data::Session& s) {
        EXPECT_EQ(
            execute(s, "UPDATE keyed SET n = n + 1 WHERE n > $1", static_cast<Poco::Int64>(20))
                .affected,
            3u);
        EXPECT_FALSE(execute(s, "SELECT CAST($1 AS BIGINT)", Poco::Nullable<Poco::Int64>())
                         .firstInt()
                         .has_value());
    });
    if (postgres()) {
        EXPECT_EQ(preparedCopiesOf(insert), 1) << "prepared once, not per call";
    }
}

TEST_P(PreparedStatementsTest, AStatementThatFailsAfterRunningIsSetAsideAndTheNextCallWorks) {
    const std::string insert = "INSERT INTO keyed (k, n) VALUES ($1, $2)";
    const std::size_t setAsideBefore = PreparedStatements::quarantined();
    db_->write(
        [&](Poco::Data::Session& s) { execute(s, insert, std::string("a"), Poco::Int64{1}); });
    // The same statement fails on its second run (a duplicate key)…
    EXPECT_THROW(db_->write([&](Poco::Data::Session& s) {
        execute(s, insert, std::string("a"), Poco::Int64{2});
    }),
                 StoreUnavailable);
    // …and the next call prepares it afresh and succeeds, on the same connection.
    db_->write(
        [&](Poco::Data::Session& s) { execute(s, insert, std::string("b"), Poco::Int64{3}); });
    EXPECT_EQ(rows(), 2);
    if (postgres()) {
        EXPECT_EQ(PreparedStatements::quarantined(), setAsideBefore + 1);
        EXPECT_EQ(preparedCopiesOf(insert), 2) << "the failed one stays allocated, unused";
    }
}

// Only PostgreSQL has a server connection to drop.
class PreparedStatementsOnPostgres : public PreparedStatementsTest {};

TEST_P(PreparedStatementsOnPostgres, AConnectionTheServerDroppedIsReplacedAndItsStatementsWithIt) {
    const std::string insert = "INSERT INTO keyed (k, n) VALUES ($1, $2)";
    Poco::Int64 backend = 0;
    db_->write([&](Poco::Data::Session& s) {
        execute(s, insert, std::string("before"), Poco::Int64{1});
        backend = execute(s, "SELECT pg_backend_pid()").firstInt().value_or(0);
    });
    ASSERT_GT(backend, 0);
    {
        auto admin = storage_->open(1);
        admin->read([&](Poco::Data::Session& s) {
            execute(s, "SELECT pg_terminate_backend(CAST($1 AS INTEGER))", backend);
        });
    }
    // The kept statement's connection is gone: the write is retried on a fresh connection,
    // where the statement is prepared again.
    db_->write(
        [&](Poco::Data::Session& s) { execute(s, insert, std::string("after"), Poco::Int64{2}); });
    EXPECT_EQ(rows(), 2);
    Poco::Int64 now = 0;
    db_->read([&](Poco::Data::Session& s) {
        now = execute(s, "SELECT pg_backend_pid()").firstInt().value_or(0);
    });
    EXPECT_NE(now, backend);
    EXPECT_EQ(preparedCopiesOf(insert), 1);
}

// Nothing listens on the port: each attempt fails cleanly. Poco 1.11 would leak libpq's
// connection object per failed attempt; ProbingPostgresConnector asks with PQping first, and
// the sanitizer run's leak check holds it to that.
TEST(PostgresConnections, AnUnreachableServerFailsEveryAttemptWithoutLeaking) {
    const std::string nowhere = "host=127.0.0.1 port=" + std::to_string(testing::freePort()) +
                                " dbname=switchboard user=switchboard";
    for (int attempt = 0; attempt < 3; ++attempt) {
        try {
            Database::openPostgres(nowhere, 2);
            ADD_FAILURE() << "connected to a port nothing listens on";
        } catch (const StoreUnavailable& e) {
            EXPECT_NE(std::string(e.what()).find("PostgreSQL did not answer"), std::string::npos)
                << e.what();
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Backends, PreparedStatementsTest,
                         ::testing::ValuesIn(testing::storageBackends()), testing::backendName);
INSTANTIATE_TEST_SUITE_P(Backends, PreparedStatementsOnPostgres,
                         ::testing::Values(std::string("postgresql")), testing::backendName);

}  // namespace
}  // namespace switchboard::store
