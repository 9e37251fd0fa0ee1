#pragma once

#include "store/PreparedStatements.h"

#include <Poco/Data/Session.h>
#include <Poco/Data/SessionPool.h>

#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace switchboard::store {

/// Raised when the database cannot be reached or a statement fails for reasons other than
/// the caller's input; the HTTP layer answers 503.
class StoreUnavailable : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// The connection pool and the transaction discipline every repository uses.
/// SQL is written once with $1..$n placeholders (ascending order in every statement), which
/// both SQLite and PostgreSQL accept.
class Database {
  public:
    /// Opens (creating if needed) the SQLite file at `path` in WAL mode with a pool of
    /// `poolSize` sessions. Throws StoreUnavailable if it cannot be opened.
    static std::unique_ptr<Database> openSqlite(const std::string& path, int poolSize);

    /// Connects to PostgreSQL with a libpq connection string ("host=… port=… dbname=…
    /// user=… password=…", single spaces, no URI form: Poco 1.11 splits it on spaces) and a
    /// pool of `poolSize` sessions. Throws StoreUnavailable if it cannot connect.
    static std::unique_ptr<Database> openPostgres(const std::string& connectionString,
                                                  int poolSize);

    ~Database();

    /// Applies every embedded migration newer than the recorded schema version, each in its
    /// own transaction, and records it in schema_migrations. Returns how many were applied.
    int migrate();

    /// Runs `body` in a write transaction (SQLite: BEGIN IMMEDIATE, serialised in-process so
    /// writers queue instead of failing with SQLITE_BUSY; PostgreSQL: BEGIN) and returns once
    /// it committed; rolls its work back and rethrows on exception. A dropped PostgreSQL
    /// connection is retried once on a fresh session (the body runs again, so it must only
    /// touch the session and its own variables). Poco::Data errors become StoreUnavailable.
    ///
    /// Group commit (setMaxBatch): bodies that other threads hand in while a transaction is
    /// committing run together in the next one, each inside its own savepoint, on the
    /// thread that leads that batch. A body that throws rolls back only its own savepoint
    /// and its caller gets the exception; the others commit. So a body must not rely on
    /// running on its caller's thread (thread-locals), nor wait for another thread's write.
    ///
    /// Nesting: a write() called while this thread is already inside write() on the same
    /// Database joins that transaction instead of opening its own: its statements commit or
    /// roll back with the outer body, and an exception it throws propagates to the outer
    /// body. This is how a caller makes several services' writes one atomic unit (e.g. a
    /// queued message and the Idempotency-Key response that names it).
    void write(const std::function<void(Poco::Data::Session&)>& body);

    /// Runs `body` on a pooled session without a transaction (reads see committed data).
    /// Inside write() or read() on the same Database and thread it runs on that call's
    /// session instead, so it sees the enclosing transaction's own uncommitted writes.
    void read(const std::function<void(Poco::Data::Session&)>& body);

    /// Runs `action` once the outermost write() this thread is inside has committed; if the
    /// thread is in no write() on this Database, runs it at once. It never runs when that
    /// transaction rolls back. For side effects that must not be seen before the data is
    /// (waking the outbox dispatcher). It runs after the session went back to the pool and
    /// outside the SQLite writer lock, so it may use this Database. Exceptions from `action`
    /// are logged and swallowed: the data is already committed.
    void afterCommit(std::function<void()> action);

    /// Runs `body` only if no other process is running the job `lockKey` right now
    /// (PostgreSQL: pg_try_advisory_lock on a session held for the duration; SQLite: one
    /// process per file, so it simply runs). Returns whether it ran. Throws StoreUnavailable.
    bool runExclusively(std::int64_t lockKey, const std::function<void()>& body);

    /// True when a trivial query succeeds.
    bool ping();

    /// Group commit: concurrent write() calls (on different threads) share one transaction
    /// and its fsync, at most `writes` per transaction; 1 turns it off (one transaction per
    /// write(), as before). Call before the first write(). Default kDefaultMaxBatch.
    void setMaxBatch(int writes) { maxBatch_ = writes < 1 ? 1 : writes; }
    static constexpr int kDefaultMaxBatch = 256;

    const std::string& dialect() const { return dialect_; }

  private:
    /// One write() waiting for its batch (group commit).
    struct PendingWrite {
        const std::function<void(Poco::Data::Session&)>* body;
        std::exception_ptr error;
        std::vector<std::function<void()>> onCommit;
        bool done;                     ///< guarded by batchMutex_
        std::condition_variable wake;  ///< its batch is done, or it is next to lead
    };
    /// Runs `batch` in one transaction, each write in its own savepoint when there are
    /// several; sets each one's error or after-commit actions.
    void runBatch(const std::vector<PendingWrite*>& batch);
    /// Queues `mine` and returns once the batch that carried it committed or failed.
    void commitInBatch(PendingWrite& mine);
    static void failAll(const std::vector<PendingWrite*>& batch, std::exception_ptr error);

    bool joinEnclosing(bool transactional, const std::function<void(Poco::Data::Session&)>& body);
    /// Runs `body` on a pooled session without a transaction (read()).
    void run(const std::function<void(Poco::Data::Session&)>& body);
    /// Whether a failed statement is worth one more try on a fresh session (a dropped
    /// PostgreSQL connection, first attempt); a dropped connection is reconnect()ed either way.
    bool retryable(const Poco::Exception& e, std::optional<Poco::Data::Session>& session,
                   int attempt);
    /// Forgets the kept statements of the dropped connection behind `session` and reconnects
    /// it in place (PQreset), so the pool keeps a working connection instead of leaking one.
    void reconnect(Poco::Data::Session& session);
    /// The kept statements of the connection behind the pooled `session` (PostgreSQL only;
    /// nullptr on SQLite). Drops the caches of connections the pool has let go of.
    PreparedStatements* statementsOf(Poco::Data::Session& session);
    Database(std::string dialect, std::unique_ptr<Poco::Data::SessionPool> pool);

    std::string dialect_;
    std::unique_ptr<Poco::Data::SessionPool> pool_;
    std::mutex writeMutex_;
    int maxBatch_ = kDefaultMaxBatch;
    std::mutex batchMutex_;
    std::deque<PendingWrite*> pending_;
    bool leading_ = false;
    std::mutex statementsMutex_;
    /// By the connection's SessionImpl (behind Poco's pooled wrapper).
    std::unordered_map<const void*, std::unique_ptr<PreparedStatements>> statements_;
};

}  // namespace switchboard::store
