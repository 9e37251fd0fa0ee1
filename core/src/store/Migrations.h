#pragma once

#include <string>
#include <vector>

namespace switchboard::store {

/// One numbered schema migration, embedded from core/migrations/<dialect>/NNN_name.sql.
struct Migration {
    int version;
    const char* name;
    const char* sql;  ///< one or more statements separated by ';' at line ends
};

/// SQLite migrations in ascending version order (generated at build time).
const std::vector<Migration>& sqliteMigrations();

/// PostgreSQL migrations, the same versions and meanings as the SQLite ones.
const std::vector<Migration>& postgresqlMigrations();

}  // namespace switchboard::store
