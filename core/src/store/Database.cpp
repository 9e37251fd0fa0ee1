#include "store/Database.h"

#include "store/Migrations.h"

#include <Poco/Data/DataException.h>
#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Logger.h>
#include <Poco/String.h>

#include <filesystem>
#include <regex>
#include <sstream>

using namespace Poco::Data::Keywords;

namespace switchboard::store {
namespace {

// Splits a migration into statements at ';' line ends, keeping trigger bodies
// (BEGIN ... END;) whole, and drops comment-only chunks (SQLite rejects empty statements).
std::vector<std::string> splitStatements(const std::string& sql) {
    std::vector<std::string> statements;
    std::string current;
    int depth = 0;
    std::istringstream lines(sql);
    for (std::string line; std::getline(lines, line);) {
        std::string code = Poco::trim(line.substr(0, line.find("--")));
        current += line + "\n";
        std::string upper = Poco::toUpper(code);
        if (upper == "BEGIN") ++depth;
        if (upper == "END;" && depth > 0) --depth;
        if (depth == 0 && !code.empty() && code.back() == ';') {
            statements.push_back(current);
            current.clear();
        }
    }
    statements.push_back(current);
    // Chunks that hold only comments are not statements.
    std::vector<std::string> result;
    for (const auto& statement : statements) {
        std::string code = std::regex_replace(statement, std::regex(R"(--[^\n]*)"), "");
        if (code.find_first_not_of(" \t\r\n") != std::string::npos) result.push_back(statement);
    }
    return result;
}

template <class F>
void translated(F&& f) {
    try {
        f();
    } catch (const Poco::Data::DataException& e) {
        throw StoreUnavailable("database error: " + e.displayText());
    } catch (const Poco::IOException& e) {
        throw StoreUnavailable("database I/O error: " + e.displayText());
    }
}

}  // namespace

std::unique_ptr<Database> Database::openSqlite(const std::string& path, int poolSize) {
    Poco::Data::SQLite::Connector::registerConnector();
    std::error_code ec;
    auto parent = std::filesystem::path(path).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    try {
        auto pool = std::make_unique<Poco::Data::SessionPool>("SQLite", path, 1, poolSize, 60);
        auto session = pool->get();
        // WAL lets readers proceed during a write; NORMAL sync is durable across process
        // crashes in WAL mode (an OS crash may lose the last commits, not corrupt the file).
        session << "PRAGMA journal_mode=WAL", now;
        return std::unique_ptr<Database>(new Database("sqlite", std::move(pool)));
    } catch (const Poco::Exception& e) {
        throw StoreUnavailable("cannot open SQLite database " + path + ": " + e.displayText());
    }
}

Database::Database(std::string dialect, std::unique_ptr<Poco::Data::SessionPool> pool)
    : dialect_(std::move(dialect)), pool_(std::move(pool)) {}

Database::~Database() {
    if (pool_) pool_->shutdown();
}

int Database::migrate() {
    int applied = 0;
    write([](Poco::Data::Session& s) {
        s << "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT "
             "NOT "
             "NULL, applied_at INTEGER NOT NULL)",
            now;
    });
    int current = 0;
    read([&](Poco::Data::Session& s) {
        s << "SELECT COALESCE(MAX(version), 0) FROM schema_migrations", into(current), now;
    });
    for (const Migration& m : sqliteMigrations()) {
        if (m.version <= current) continue;
        write([&](Poco::Data::Session& s) {
            for (const std::string& statement : splitStatements(m.sql)) s << statement, now;
            int version = m.version;
            std::string name = m.name;
            Poco::Int64 at = Poco::Timestamp().epochMicroseconds() / 1000;
            s << "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
                bind(version), bind(name), bind(at), now;
        });
        Poco::Logger::get("store").information("applied migration %s", std::string(m.name));
        ++applied;
    }
    return applied;
}

void Database::write(const std::function<void(Poco::Data::Session&)>& body) {
    std::lock_guard<std::mutex> lock(writeMutex_);
    translated([&] {
        Poco::Data::Session session = pool_->get();
        session << "PRAGMA busy_timeout=10000", now;
        session << "BEGIN IMMEDIATE", now;
        try {
            body(session);
            session << "COMMIT", now;
        } catch (...) {
            try {
                session << "ROLLBACK", now;
            } catch (...) {
                // The original error matters more than a failed rollback.
            }
            throw;
        }
    });
}

void Database::read(const std::function<void(Poco::Data::Session&)>& body) {
    translated([&] {
        Poco::Data::Session session = pool_->get();
        body(session);
    });
}

bool Database::ping() {
    try {
        int one = 0;
        read([&](Poco::Data::Session& s) { s << "SELECT 1", into(one), now; });
        return one == 1;
    } catch (const std::exception&) {
        return false;
    }
}

}  // namespace switchboard::store
