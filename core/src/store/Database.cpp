#include "store/Database.h"

#include "store/Migrations.h"
#include "store/ProbingPostgresConnector.h"

#include <Poco/Data/DataException.h>
#include <Poco/Data/PooledSessionImpl.h>
#include <Poco/Data/PostgreSQL/Connector.h>
#include <Poco/Data/PostgreSQL/SessionImpl.h>
#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Logger.h>
#include <Poco/String.h>

#include <filesystem>
#include <optional>
#include <regex>
#include <set>
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

// Key of the PostgreSQL advisory lock that serialises migrations between processes.
constexpr Poco::Int64 kMigrationLock = 0x5357424D49475241;  // "SWBMIGRA"

std::string describe(const Poco::Exception& e) { return e.displayText(); }

}  // namespace

namespace {
/// Refuses a schema history this build cannot continue: embedded migrations out of order
/// or numbered twice (a merge mistake), or one that was never applied although later ones
/// were (it would otherwise be skipped for good). A database migrated by a newer build is
/// only warned about, so processes of both versions can run during a rolling upgrade.
void checkHistory(const std::vector<Migration>& migrations, const std::set<int>& recorded) {
    int previous = 0;
    for (const Migration& m : migrations) {
        if (m.version <= previous)
            throw StoreUnavailable("embedded migrations are misnumbered: " + std::string(m.name) +
                                   " does not follow version " + std::to_string(previous));
        previous = m.version;
    }
    const int current = recorded.empty() ? 0 : *recorded.rbegin();
    for (const Migration& m : migrations) {
        if (m.version < current && !recorded.count(m.version))
            throw StoreUnavailable("schema migration " + std::string(m.name) +
                                   " was never applied to this database, but version " +
                                   std::to_string(current) +
                                   " was; refusing to start on a schema with a gap");
    }
    if (current > previous)
        Poco::Logger::get("store").warning(
            "the database schema is at version %d, newer than this build knows (%d); running "
            "anyway, but downgrading is not supported",
            current, previous);
}

/// One write()/read() in progress on this thread: what nested calls join.
struct Frame {
    const Database* db;
    Poco::Data::Session* session;
    bool transactional;
    std::vector<std::function<void()>> onCommit;
    Frame* enclosing;
    PreparedStatements* statements;  ///< the session's kept statements, or nullptr
};

thread_local Frame* currentFrame = nullptr;

/// Makes `frame` the thread's innermost call for the lifetime of the guard.
class FrameScope {
  public:
    explicit FrameScope(Frame& frame) : frame_(frame) {
        frame_.enclosing = currentFrame;
        currentFrame = &frame_;
    }
    ~FrameScope() { currentFrame = frame_.enclosing; }
    FrameScope(const FrameScope&) = delete;
    FrameScope& operator=(const FrameScope&) = delete;

  private:
    Frame& frame_;
};

/// The connection behind a pooled session. Poco keeps PooledSessionImpl::impl() protected;
/// a pointer to it formed through a derived class is the standard way to call it.
struct PooledConnection : Poco::Data::PooledSessionImpl {
    static Poco::Data::SessionImpl* of(Poco::Data::Session& session) {
        auto* pooled = dynamic_cast<Poco::Data::PooledSessionImpl*>(session.impl());
        if (pooled == nullptr) return session.impl();
        return (pooled->*(&PooledConnection::impl))();
    }
};

void runCommitted(std::vector<std::function<void()>>& actions) {
    for (auto& action : actions) {
        try {
            action();
        } catch (const std::exception& e) {
            Poco::Logger::get("store").error("after-commit action failed: %s",
                                             std::string(e.what()));
        }
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
        // Once per connection rather than a PRAGMA per transaction: wait up to 10 s for a
        // lock (a checkpoint, or a second process on the file) instead of failing at once.
        pool->setProperty("connectionTimeout", Poco::Any(std::size_t{10}));
        auto session = pool->get();
        // WAL lets readers proceed during a write. synchronous stays at SQLite's FULL: every
        // commit is fsynced before write() returns, so an acknowledged request survives an OS
        // crash or power loss too; group commit (write()) shares that fsync among writers.
        session << "PRAGMA journal_mode=WAL", now;
        return std::unique_ptr<Database>(new Database("sqlite", std::move(pool)));
    } catch (const Poco::Exception& e) {
        throw StoreUnavailable("cannot open SQLite database " + path + ": " + e.displayText());
    }
}

std::unique_ptr<Database> Database::openPostgres(const std::string& connectionString,
                                                 int poolSize) {
    ProbingPostgresConnector::registerOnce();
    try {
        auto pool = std::make_unique<Poco::Data::SessionPool>(ProbingPostgresConnector::kName,
                                                              connectionString, 1, poolSize, 60);
        auto session = pool->get();
        int one = 0;
        session << "SELECT 1", into(one), now;
        return std::unique_ptr<Database>(new Database("postgresql", std::move(pool)));
    } catch (const Poco::Exception& e) {
        throw StoreUnavailable("cannot connect to PostgreSQL: " + describe(e));
    }
}

Database::Database(std::string dialect, std::unique_ptr<Poco::Data::SessionPool> pool)
    : dialect_(std::move(dialect)), pool_(std::move(pool)) {}

Database::~Database() {
    if (pool_) pool_->shutdown();
}

int Database::migrate() {
    // Several processes may start at once on one PostgreSQL: one migrates, the others wait
    // for it on an advisory lock held by a session of their own.
    std::optional<Poco::Data::Session> lockSession;
    if (dialect_ == "postgresql") {
        try {
            lockSession.emplace(pool_->get());
            Poco::Int64 key = kMigrationLock;
            *lockSession << "SELECT pg_advisory_lock($1)", bind(key), now;
        } catch (const Poco::Exception& e) {
            throw StoreUnavailable("cannot lock for migrations: " + describe(e));
        }
    }
    // Released however this function ends: a pooled session still holding the lock would
    // stall every other process's start-up.
    struct Unlock {
        std::optional<Poco::Data::Session>& session;
        ~Unlock() {
            if (!session) return;
            try {
                Poco::Int64 key = kMigrationLock;
                *session << "SELECT pg_advisory_unlock($1)", bind(key), now;
            } catch (const Poco::Exception&) {
                // Closing the session releases the lock anyway.
            }
        }
    } unlock{lockSession};

    int applied = 0;
    write([](Poco::Data::Session& s) {
        s << "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT "
             "NOT NULL, "
             "applied_at BIGINT NOT NULL)",
            now;
    });
    std::vector<int> recordedList;
    read([&](Poco::Data::Session& s) {
        s << "SELECT CAST(version AS INTEGER) FROM schema_migrations ORDER BY version",
            into(recordedList), now;
    });
    const std::set<int> recorded(recordedList.begin(), recordedList.end());
    const int current = recorded.empty() ? 0 : *recorded.rbegin();
    const auto& migrations = dialect_ == "postgresql" ? postgresqlMigrations() : sqliteMigrations();
    checkHistory(migrations, recorded);
    for (const Migration& m : migrations) {
        if (m.version <= current) continue;
        write([&](Poco::Data::Session& s) {
            for (const std::string& statement : splitStatements(m.sql)) s << statement, now;
            int version = m.version;
            std::string name = m.name;
            Poco::Int64 at = Poco::Timestamp().epochMicroseconds() / 1000;
            s << "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
                bind(version), bind(name), bind(at), now;
        });
        Poco::Logger::get("store").information("applied %s migration %s", dialect_,
                                               std::string(m.name));
        ++applied;
    }
    return applied;
}

bool Database::joinEnclosing(bool transactional,
                             const std::function<void(Poco::Data::Session&)>& body) {
    for (Frame* f = currentFrame; f != nullptr; f = f->enclosing) {
        if (f->db != this) continue;
        // A write inside a plain read has no transaction to join: it opens its own.
        if (transactional && !f->transactional) return false;
        body(*f->session);
        return true;
    }
    return false;
}

void Database::afterCommit(std::function<void()> action) {
    for (Frame* f = currentFrame; f != nullptr; f = f->enclosing) {
        // Nested writes join rather than push a frame, so this is the transaction whose
        // commit counts.
        if (f->db == this && f->transactional) {
            f->onCommit.push_back(std::move(action));
            return;
        }
    }
    std::vector<std::function<void()>> now{std::move(action)};
    runCommitted(now);
}

void Database::run(const std::function<void(Poco::Data::Session&)>& body) {
    // A connection the server dropped (restart, failover) fails its first statement; that
    // failure is retried once on a fresh session. Anything else, or a second failure,
    // surfaces as StoreUnavailable. (Writes: runBatch.)
    for (int attempt = 0;; ++attempt) {
        std::optional<Poco::Data::Session> session;
        try {
            session.emplace(pool_->get());
            Frame frame{this, &*session, false, {}, nullptr, statementsOf(*session)};
            FrameScope scope(frame);
            body(*session);
            return;
        } catch (const Poco::Data::DataException& e) {
            if (!retryable(e, session, attempt))
                throw StoreUnavailable("database error: " + describe(e));
        } catch (const Poco::IOException& e) {
            if (!retryable(e, session, attempt))
                throw StoreUnavailable("database I/O error: " + describe(e));
        }
    }
}

PreparedStatements* Database::statementsOf(Poco::Data::Session& session) {
    if (dialect_ != "postgresql") return nullptr;
    if (PreparedStatements::quarantined() > PreparedStatements::kMaxQuarantined) {
        static std::once_flag warned;
        std::call_once(warned, [] {
            Poco::Logger::get("store").warning(
                "more than %z failed statements set aside; statements are no longer kept "
                "prepared (every statement is prepared anew from now on)",
                PreparedStatements::kMaxQuarantined);
        });
        return nullptr;
    }
    Poco::Data::SessionImpl* connection = PooledConnection::of(session);
    std::lock_guard<std::mutex> lock(statementsMutex_);
    auto it = statements_.find(connection);
    if (it != statements_.end()) return it->second.get();
    // A connection not seen before: the pool may have replaced one it dropped (dead or idle
    // too long), whose statements die with it here. Nobody else holds such a connection.
    for (auto old = statements_.begin(); old != statements_.end();) {
        old = old->second->orphaned() ? statements_.erase(old) : std::next(old);
    }
    return statements_.emplace(connection, std::make_unique<PreparedStatements>(connection))
        .first->second.get();
}

void Database::reconnect(Poco::Data::Session& session) {
    Poco::Data::SessionImpl* connection = PooledConnection::of(session);
    {
        // Its server-side statements died with the server process; dropped while the
        // connection is down, they send nothing.
        std::lock_guard<std::mutex> lock(statementsMutex_);
        statements_.erase(connection);
    }
    // Poco 1.11 frees a libpq connection only while it is CONNECTION_OK (SessionHandle::
    // disconnect), so a dropped one the pool discards would leak. PQreset reconnects it in
    // place; if the server is still down it stays bad and is discarded (one leak per pooled
    // connection and outage, not per attempt: see ProbingPostgresConnector).
    if (auto* pg = dynamic_cast<Poco::Data::PostgreSQL::SessionImpl*>(connection)) {
        try {
            pg->handle().reset();
        } catch (const Poco::Exception&) {
            // Still down: the pool discards it.
        }
    }
}

PreparedStatements* preparedStatementsOf(Poco::Data::Session& session) {
    for (Frame* f = currentFrame; f != nullptr; f = f->enclosing) {
        if (f->session == &session) return f->statements;
    }
    return nullptr;
}

bool Database::retryable(const Poco::Exception& e, std::optional<Poco::Data::Session>& session,
                         int attempt) {
    const bool dropped = dialect_ == "postgresql" && session && !session->isGood();
    if (dropped) reconnect(*session);
    if (!dropped || attempt > 0) return false;
    Poco::Logger::get("store").warning("database connection lost (%s); retrying on a fresh session",
                                       describe(e));
    return true;
}

void Database::write(const std::function<void(Poco::Data::Session&)>& body) {
    if (joinEnclosing(true, body)) return;
    PendingWrite mine{&body, {}, {}, false, {}};
    if (maxBatch_ <= 1) {
        runBatch({&mine});  // a transaction of its own
    } else {
        commitInBatch(mine);
    }
    if (mine.error) std::rethrow_exception(mine.error);
    // Outside the writer lock and with the session back in the pool: an action may write.
    runCommitted(mine.onCommit);
}

void Database::commitInBatch(PendingWrite& mine) {
    // Group commit: whoever finds no batch running leads one, taking every write queued so
    // far (at most maxBatch_); the rest wait for the commit that carries theirs. No one waits
    // for a batch to fill: a batch is what queued while the previous one was committing, so
    // a lone writer commits at once and a busy server commits many writes per fsync.
    std::unique_lock<std::mutex> lock(batchMutex_);
    pending_.push_back(&mine);
    while (!mine.done) {
        if (leading_) {
            mine.wake.wait(lock);
            continue;
        }
        leading_ = true;
        std::vector<PendingWrite*> batch;
        while (!pending_.empty() && static_cast<int>(batch.size()) < maxBatch_) {
            batch.push_back(pending_.front());
            pending_.pop_front();
        }
        lock.unlock();
        runBatch(batch);
        lock.lock();
        leading_ = false;
        // Wake exactly the writers whose batch this was, and the next in line to lead.
        for (PendingWrite* w : batch) {
            w->done = true;
            if (w != &mine) w->wake.notify_one();
        }
        if (!pending_.empty()) pending_.front()->wake.notify_one();
    }
}

void Database::runBatch(const std::vector<PendingWrite*>& batch) {
    // Each write in its own savepoint, so one that throws (a constraint, a tenant error, a
    // deadlock victim on PostgreSQL) rolls back alone and the rest still commit. A dropped
    // PostgreSQL connection re-runs the whole batch once on a fresh session. SQLite: BEGIN
    // IMMEDIATE takes the write lock up front, so a read-then-write transaction cannot
    // deadlock with another writer; writers queue in-process on writeMutex_ instead of failing
    // with SQLITE_BUSY.
    std::unique_lock<std::mutex> lock(writeMutex_, std::defer_lock);
    if (dialect_ == "sqlite") lock.lock();
    const bool single = batch.size() == 1;
    for (int attempt = 0;; ++attempt) {
        std::optional<Poco::Data::Session> session;
        try {
            session.emplace(pool_->get());
            PreparedStatements* statements = statementsOf(*session);
            // Transaction control is four statements per batch and two per write: kept
            // prepared on PostgreSQL like the rest.
            const auto control = [&](const char* sql) { executeWith(statements, *session, sql); };
            control(dialect_ == "sqlite" ? "BEGIN IMMEDIATE" : "BEGIN");
            try {
                for (PendingWrite* w : batch) {
                    w->error = nullptr;
                    w->onCommit.clear();
                    Frame frame{this, &*session, true, {}, nullptr, statements};
                    if (!single) control("SAVEPOINT sb_write");
                    try {
                        {
                            FrameScope scope(frame);
                            (*w->body)(*session);
                        }
                        if (!single) control("RELEASE SAVEPOINT sb_write");
                        w->onCommit = std::move(frame.onCommit);
                    } catch (const Poco::Data::DataException& e) {
                        // A lost connection fails or retries the batch as a whole.
                        if (single || !session->isGood()) throw;
                        w->error = std::make_exception_ptr(
                            StoreUnavailable("database error: " + describe(e)));
                        control("ROLLBACK TO SAVEPOINT sb_write");
                        control("RELEASE SAVEPOINT sb_write");
                    } catch (const Poco::IOException&) {
                        throw;  // the connection, as above
                    } catch (...) {
                        if (single) throw;
                        w->error = std::current_exception();
                        control("ROLLBACK TO SAVEPOINT sb_write");
                        control("RELEASE SAVEPOINT sb_write");
                    }
                }
                control("COMMIT");
            } catch (...) {
                try {
                    control("ROLLBACK");
                } catch (...) {
                    // The original error matters more than a failed rollback.
                }
                throw;
            }
            return;
        } catch (const Poco::Data::DataException& e) {
            if (retryable(e, session, attempt)) continue;
            failAll(batch,
                    std::make_exception_ptr(StoreUnavailable("database error: " + describe(e))));
        } catch (const Poco::IOException& e) {
            if (retryable(e, session, attempt)) continue;
            failAll(batch, std::make_exception_ptr(
                               StoreUnavailable("database I/O error: " + describe(e))));
        } catch (...) {
            failAll(batch, std::current_exception());
        }
        return;
    }
}

void Database::failAll(const std::vector<PendingWrite*>& batch, std::exception_ptr error) {
    for (PendingWrite* w : batch) {
        // A write that failed on its own keeps its own error; the rest share the batch's.
        if (!w->error) w->error = error;
        w->onCommit.clear();
    }
}

void Database::read(const std::function<void(Poco::Data::Session&)>& body) {
    if (joinEnclosing(false, body)) return;
    run(body);
}

bool Database::runExclusively(std::int64_t lockKey, const std::function<void()>& body) {
    if (dialect_ != "postgresql") {
        body();
        return true;
    }
    std::optional<Poco::Data::Session> session;
    bool locked = false;
    try {
        session.emplace(pool_->get());
        Poco::Int64 key = lockKey;
        *session << "SELECT pg_try_advisory_lock($1)", bind(key), into(locked), now;
    } catch (const Poco::Exception& e) {
        throw StoreUnavailable("cannot take job lock: " + describe(e));
    }
    if (!locked) return false;
    struct Unlock {
        Poco::Data::Session& s;
        Poco::Int64 key;
        ~Unlock() {
            try {
                s << "SELECT pg_advisory_unlock($1)", bind(key), now;
            } catch (...) {
                // The lock dies with the session anyway.
            }
        }
    } unlock{*session, lockKey};
    body();
    return true;
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
