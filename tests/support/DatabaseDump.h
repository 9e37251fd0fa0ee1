#pragma once

#include <string>

namespace switchboard::testing {

/// Every row of every table of the SQLite database at `path`, as text in a stable order,
/// so a test can prove a rejected request changed nothing.
std::string dumpSqlite(const std::string& path);

}  // namespace switchboard::testing
