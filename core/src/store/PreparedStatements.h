#pragma once

#include <Poco/AutoPtr.h>
#include <Poco/Data/Binding.h>
#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Session.h>
#include <Poco/Data/SessionImpl.h>
#include <Poco/Data/Statement.h>

#include <cstddef>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <tuple>
#include <type_traits>
#include <unordered_map>

namespace switchboard::store {

/// The statements one pooled PostgreSQL connection keeps prepared, by SQL text.
///
/// Why: Poco 1.11 runs a one-off statement as prepare, describe, execute and deallocate,
/// four round trips of ~80 µs each here (TOOLCHAIN.md). A kept Statement runs again with one
/// (PQexecPrepared of its named server-side statement), because Poco's StatementExecutor
/// skips the prepare once compiled and deallocates only when the Statement is destroyed.
///
/// Threading: the pool hands a connection to one thread at a time, and so is this cache
/// used: only by the thread inside Database::write()/read() on that connection.
/// Lifetime: Database owns one per connection and pins the connection's SessionImpl, so a
/// kept statement never outlives the connection it was prepared on (Poco's StatementImpl
/// holds it by plain reference); Database drops the cache once the pool has let go of the
/// connection.
class PreparedStatements {
  public:
    /// One kept statement and the storage its bindings point at.
    struct Slot {
        virtual ~Slot() = default;
        Poco::Data::Statement statement;
        bool ranBefore = false;  ///< it has executed successfully at least once
        explicit Slot(Poco::Data::Session& session) : statement(session) {}
    };
    template <typename... P>
    struct TypedSlot : Slot {
        std::tuple<P...> values;
        TypedSlot(Poco::Data::Session& session, const std::string& sql) : Slot(session) {
            statement << sql;
            // use(): bound by reference, so each execution sends the values stored last.
            std::apply(
                [this](auto&... v) { (statement.addBind(Poco::Data::Keywords::use(v)), ...); },
                values);
        }
    };

    explicit PreparedStatements(Poco::Data::SessionImpl* connection)
        : connection_(connection, true) {}
    PreparedStatements(const PreparedStatements&) = delete;
    PreparedStatements& operator=(const PreparedStatements&) = delete;

    /// True when nobody but this cache holds the connection any more (the pool dropped it).
    bool orphaned() const { return connection_->referenceCount() <= 1; }

    /// The kept statement for `sql` whose parameters have the types `P...`, created on first
    /// use on `session`. Throws std::logic_error when one SQL text is used with two parameter
    /// type lists.
    template <typename... P>
    TypedSlot<P...>& slot(Poco::Data::Session& session, const std::string& sql) {
        auto it = slots_.find(sql);
        if (it == slots_.end())
            it = slots_.emplace(sql, std::make_unique<TypedSlot<P...>>(session, sql)).first;
        auto* typed = dynamic_cast<TypedSlot<P...>*>(it->second.get());
        if (typed == nullptr)
            throw std::logic_error("one SQL text bound with two parameter type lists: " + sql);
        return *typed;
    }

    /// Drops the kept statement for `sql` after a failed execution: Poco then refuses to run
    /// it again. One that had run before must not be destroyed either: Poco 1.11's
    /// StatementExecutor::clearResults() frees the previous PGresult without forgetting it
    /// (still so in 1.12), so a failed re-execution leaves a freed pointer that its destructor
    /// frees again. Such a statement is set aside for good (quarantined()).
    void forget(const std::string& sql);

    /// How many failed statements this process has set aside. Past kMaxQuarantined, Database
    /// stops keeping statements (each is a one-off again), which bounds what a persistently
    /// failing database can cost to a few hundred kilobytes.
    static std::size_t quarantined();
    static constexpr std::size_t kMaxQuarantined = 256;

  private:
    Poco::AutoPtr<Poco::Data::SessionImpl> connection_;
    // Slots are destroyed before the connection pin is released (declaration order).
    std::unordered_map<std::string, std::unique_ptr<Slot>> slots_;
};

/// The prepared-statement cache of `session` when it is the connection of a PostgreSQL
/// Database::write()/read() running on this thread; nullptr otherwise (SQLite, whose
/// connector re-prepares on every execution anyway, or a session used outside Database).
PreparedStatements* preparedStatementsOf(Poco::Data::Session& session);

/// One executed statement: `affected` is what Poco's execute() returned (rows changed by an
/// INSERT/UPDATE/DELETE without RETURNING, else rows returned), `statement` holds the rows.
struct Executed {
    Poco::Data::Statement statement;
    std::size_t affected;

    /// The rows returned. Read them before this SQL text runs again on the same session: a
    /// kept statement's next execution replaces them.
    Poco::Data::RecordSet rows() const { return Poco::Data::RecordSet(statement); }

    /// The first column of the first row as an integer; nullopt when no row came back or
    /// the value is NULL (an INSERT … RETURNING id that hit ON CONFLICT DO NOTHING).
    std::optional<Poco::Int64> firstInt() const {
        Poco::Data::RecordSet rs(statement);
        if (rs.rowCount() == 0 || rs.value(0, 0).isEmpty()) return std::nullopt;
        return rs.value(0, 0).convert<Poco::Int64>();
    }
};

/// Runs `sql` with `values` bound to $1..$n in order on `session`, reusing `cache`'s kept
/// statement when `cache` is not null, else as a one-off statement. Values are copied (an
/// Int64, int, std::string or a Poco::Nullable of one). Throws what Poco::Data throws
/// (Database turns it into StoreUnavailable) and std::logic_error for one SQL text with two
/// parameter type lists.
template <typename... P>
Executed executeWith(PreparedStatements* cache, Poco::Data::Session& session,
                     const std::string& sql, const P&... values) {
    if (cache != nullptr) {
        auto& slot = cache->slot<std::decay_t<P>...>(session, sql);
        slot.values = std::tuple<std::decay_t<P>...>(values...);
        try {
            const std::size_t affected = slot.statement.execute();
            slot.ranBefore = true;
            return {slot.statement, affected};
        } catch (...) {
            cache->forget(sql);
            throw;
        }
    }
    Poco::Data::Statement statement(session);
    statement << sql;
    (statement.addBind(Poco::Data::Keywords::bind(values)), ...);
    const std::size_t affected = statement.execute();
    return {statement, affected};
}

/// executeWith() inside the caller's Database::write()/read(): on PostgreSQL the statement is
/// prepared once per pooled connection and reused, elsewhere it is a one-off statement.
template <typename... P>
Executed execute(Poco::Data::Session& session, const std::string& sql, const P&... values) {
    return executeWith(preparedStatementsOf(session), session, sql, values...);
}

}  // namespace switchboard::store
