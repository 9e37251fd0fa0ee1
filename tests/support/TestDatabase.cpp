#include "support/TestDatabase.h"

#include <Poco/Data/PostgreSQL/Connector.h>
#include <Poco/Data/RecordSet.h>
#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>
#include <Poco/Process.h>
#include <Poco/StringTokenizer.h>
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <sstream>
#include <stdexcept>

using namespace Poco::Data::Keywords;

namespace switchboard::testing {
namespace {

std::string field(const std::string& connection, const std::string& key) {
    Poco::StringTokenizer parts(connection, " ", Poco::StringTokenizer::TOK_IGNORE_EMPTY);
    for (const auto& part : parts) {
        if (part.rfind(key + "=", 0) == 0) return part.substr(key.size() + 1);
    }
    return {};
}

std::string withDatabase(const std::string& connection, const std::string& database) {
    std::string result;
    Poco::StringTokenizer parts(connection, " ", Poco::StringTokenizer::TOK_IGNORE_EMPTY);
    for (const auto& part : parts) {
        if (part.rfind("dbname=", 0) != 0) result += part + " ";
    }
    return result + "dbname=" + database;
}

}  // namespace

const std::vector<std::string>& storageBackends() {
    static const std::vector<std::string> backends = {"sqlite", "postgresql"};
    return backends;
}

std::string testPostgresConnection() {
    const char* connection = std::getenv("SWITCHBOARD_TEST_PG");
    if (connection == nullptr || *connection == '\0') {
        ADD_FAILURE() << "SWITCHBOARD_TEST_PG is not set: run the tests through ./scripts/test (or "
                         "scripts/with-postgres), which starts a throwaway PostgreSQL";
        throw std::runtime_error("no PostgreSQL for the tests");
    }
    return connection;
}

TestDatabase::TestDatabase(const std::string& backend, const TempDir& dir) : backend_(backend) {
    if (backend_ == "sqlite") {
        sqlitePath_ = dir.file("test.db");
        return;
    }
    static std::atomic<int> counter{0};
    const std::string admin = testPostgresConnection();
    pgDatabase_ = "sbtest_" + std::to_string(Poco::Process::id()) + "_" + std::to_string(counter++);
    pgConnection_ = withDatabase(admin, pgDatabase_);
    Poco::Data::PostgreSQL::Connector::registerConnector();
    Poco::Data::Session session("PostgreSQL", admin);
    session << "DROP DATABASE IF EXISTS " + pgDatabase_ + " WITH (FORCE)", now;
    session << "CREATE DATABASE " + pgDatabase_, now;
}

TestDatabase::~TestDatabase() {
    if (backend_ != "postgresql") return;
    try {
        Poco::Data::Session session("PostgreSQL", testPostgresConnection());
        session << "DROP DATABASE IF EXISTS " + pgDatabase_ + " WITH (FORCE)", now;
    } catch (const std::exception&) {
        // The server is thrown away after the run anyway.
    }
}

std::unique_ptr<store::Database> TestDatabase::open(int poolSize) const {
    if (backend_ == "sqlite") return store::Database::openSqlite(sqlitePath_, poolSize);
    return store::Database::openPostgres(pgConnection_, poolSize);
}

std::string TestDatabase::dump() const {
    std::unique_ptr<Poco::Data::Session> session;
    std::vector<std::string> tables;
    if (backend_ == "sqlite") {
        Poco::Data::SQLite::Connector::registerConnector();
        session = std::make_unique<Poco::Data::Session>("SQLite", sqlitePath_);
        *session << "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name",
            into(tables), now;
    } else {
        session = std::make_unique<Poco::Data::Session>("PostgreSQL", pgConnection_);
        *session << "SELECT table_name FROM information_schema.tables WHERE table_schema = "
                    "'public' ORDER BY "
                    "table_name",
            into(tables), now;
    }
    std::ostringstream out;
    for (const auto& table : tables) {
        out << "== " << table << "\n";
        Poco::Data::Statement select(*session);
        select << "SELECT * FROM " << table << " ORDER BY 1", now;
        Poco::Data::RecordSet rs(select);
        for (bool more = rs.moveFirst(); more; more = rs.moveNext()) {
            for (std::size_t c = 0; c < rs.columnCount(); ++c) {
                Poco::Dynamic::Var v = rs.value(c);
                out << (v.isEmpty() ? std::string("NULL") : v.convert<std::string>()) << "|";
            }
            out << "\n";
        }
    }
    return out.str();
}

std::string TestDatabase::storageYaml() const {
    if (backend_ == "sqlite")
        return "storage:\n  driver: sqlite\n  sqlite:\n    path: " + sqlitePath_ + "\n";
    return "storage:\n  driver: postgresql\n  postgresql:\n    host: " +
           field(pgConnection_, "host") + "\n    port: " + field(pgConnection_, "port") +
           "\n    database: " + pgDatabase_ + "\n    user: " + field(pgConnection_, "user") + "\n";
}

}  // namespace switchboard::testing
