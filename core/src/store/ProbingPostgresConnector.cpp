#include "store/ProbingPostgresConnector.h"

#include <Poco/Data/DataException.h>
#include <Poco/Data/SessionFactory.h>
#include <libpq-fe.h>

#include <mutex>

namespace switchboard::store {

const std::string ProbingPostgresConnector::kName = "SwitchboardPostgreSQL";

void ProbingPostgresConnector::registerOnce() {
    static std::once_flag once;
    std::call_once(
        once, [] { Poco::Data::SessionFactory::instance().add(new ProbingPostgresConnector()); });
}

Poco::Data::SessionImpl::Ptr ProbingPostgresConnector::createSession(
    const std::string& connectionString, std::size_t timeout) {
    switch (PQping(connectionString.c_str())) {
        case PQPING_OK:
            return Poco::Data::PostgreSQL::Connector::createSession(connectionString, timeout);
        case PQPING_REJECT:
            throw Poco::Data::ConnectionFailedException(
                "PostgreSQL is not accepting connections (starting up, shutting down or in "
                "recovery)");
        case PQPING_NO_RESPONSE:
            throw Poco::Data::ConnectionFailedException("PostgreSQL did not answer");
        default:
            throw Poco::Data::ConnectionFailedException("invalid PostgreSQL connection settings");
    }
}

}  // namespace switchboard::store
