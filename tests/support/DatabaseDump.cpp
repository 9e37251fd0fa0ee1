#include "support/DatabaseDump.h"

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>

#include <sstream>
#include <vector>

using namespace Poco::Data::Keywords;

namespace switchboard::testing {

std::string dumpSqlite(const std::string& path) {
    Poco::Data::SQLite::Connector::registerConnector();
    Poco::Data::Session session("SQLite", path);
    std::vector<std::string> tables;
    session << "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name", into(tables),
        now;
    std::ostringstream out;
    for (const auto& table : tables) {
        out << "== " << table << "\n";
        Poco::Data::Statement select(session);
        select << "SELECT * FROM " << table << " ORDER BY rowid", now;
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

}  // namespace switchboard::testing
