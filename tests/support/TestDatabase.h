#pragma once

#include "store/Database.h"
#include "support/TempDir.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

namespace switchboard::testing {

/// The storage backends every store test runs on. PostgreSQL comes from SWITCHBOARD_TEST_PG
/// (set by scripts/with-postgres, which scripts/test uses); without it PostgreSQL tests
/// fail — they never skip.
const std::vector<std::string>& storageBackends();

/// Names parameterised tests after their backend ("Backends/StoreTest.X/postgresql").
inline std::string backendName(const ::testing::TestParamInfo<std::string>& param) {
    return param.param;
}

/// A fresh, empty database on `backend` for one test: a SQLite file in `dir`, or a new
/// PostgreSQL database created on the test server and dropped on destruction. Open pools on
/// it with open(); destroy them before this object.
class TestDatabase {
  public:
    TestDatabase(const std::string& backend, const TempDir& dir);
    ~TestDatabase();
    TestDatabase(const TestDatabase&) = delete;
    TestDatabase& operator=(const TestDatabase&) = delete;

    /// A new pool of `poolSize` sessions on this database (several may coexist, like
    /// several processes). Not migrated.
    std::unique_ptr<store::Database> open(int poolSize = 4) const;

    const std::string& backend() const { return backend_; }
    /// Every row of every table, as text in a stable order, so a test can prove a rejected
    /// request changed nothing.
    std::string dump() const;

    /// YAML lines for a `storage:` section pointing a switchboard process at this database.
    std::string storageYaml() const;

  private:
    std::string backend_;
    std::string sqlitePath_;
    std::string pgDatabase_;
    std::string pgConnection_;
};

/// The test's PostgreSQL admin connection string; ADD_FAILURE and throw when unset.
std::string testPostgresConnection();

}  // namespace switchboard::testing
