#pragma once

#include <Poco/Data/Session.h>
#include <Poco/Data/SessionPool.h>

#include <functional>
#include <memory>
#include <mutex>
#include <string>

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

    ~Database();

    /// Applies every embedded migration newer than the recorded schema version, each in its
    /// own transaction, and records it in schema_migrations. Returns how many were applied.
    int migrate();

    /// Runs `body` in a write transaction (BEGIN IMMEDIATE on SQLite, serialised in-process
    /// so writers queue instead of failing with SQLITE_BUSY); commits on return, rolls back
    /// and rethrows on exception. Poco::Data errors are rethrown as StoreUnavailable.
    void write(const std::function<void(Poco::Data::Session&)>& body);

    /// Runs `body` on a pooled session without a transaction (reads see committed data).
    void read(const std::function<void(Poco::Data::Session&)>& body);

    /// True when a trivial query succeeds.
    bool ping();

    const std::string& dialect() const { return dialect_; }

  private:
    Database(std::string dialect, std::unique_ptr<Poco::Data::SessionPool> pool);

    std::string dialect_;
    std::unique_ptr<Poco::Data::SessionPool> pool_;
    std::mutex writeMutex_;
};

}  // namespace switchboard::store
