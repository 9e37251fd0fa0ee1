#pragma once

#include <Poco/Data/PostgreSQL/Connector.h>

#include <string>

namespace switchboard::store {

/// Poco's PostgreSQL connector, asking the server with PQping before each new connection.
///
/// Why: Poco 1.11 (Data/PostgreSQL SessionHandle::connect and ::disconnect) never calls
/// PQfinish on a connection that is not CONNECTION_OK, so every failed connection attempt
/// leaks libpq's connection object (~35 KB). The pool tries again on every request and every
/// dispatcher poll, so an outage of the database grew the process without bound. PQping opens
/// and closes its own connection and frees it whatever the outcome; only when it answers
/// PQPING_OK is Poco's connector asked to connect (a server that dies in between can still
/// cost one leak, not one per attempt).
class ProbingPostgresConnector : public Poco::Data::PostgreSQL::Connector {
  public:
    /// Registered once, process-wide, with Poco's SessionFactory under kName.
    static void registerOnce();
    static const std::string kName;  ///< "SwitchboardPostgreSQL"

    const std::string& name() const override { return kName; }

    /// `connectionString`: a libpq key=value string (as Database::openPostgres takes);
    /// `timeout` in seconds, as Poco passes it. Throws Poco::Data::ConnectionFailedException
    /// when the server does not answer PQPING_OK, else what Poco's connector throws.
    Poco::Data::SessionImpl::Ptr createSession(
        const std::string& connectionString,
        std::size_t timeout = Poco::Data::SessionImpl::LOGIN_TIMEOUT_DEFAULT) override;
};

}  // namespace switchboard::store
