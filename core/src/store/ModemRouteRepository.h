#pragma once

#include "store/Database.h"
#include "store/Records.h"

#include <optional>
#include <string>
#include <vector>

namespace switchboard::store {

/// The modem/port → tenant route table used when an inbound's receiver is not assigned.
class ModemRouteRepository {
  public:
    explicit ModemRouteRepository(Database& db) : db_(db) {}

    std::optional<std::string> tenantFor(const std::string& providerInstance,
                                         const std::string& modem, const std::string& port);

    /// Records that traffic for (instance, modem, port) belongs to `tenantId`, inside the
    /// caller's transaction. A manual route is never overwritten by traffic.
    static void learn(Poco::Data::Session& session, const std::string& providerInstance,
                      const std::string& modem, const std::string& port,
                      const std::string& tenantId, TimeMs now);

    /// Sets (or replaces) a manual override.
    void setManual(const ModemRoute& route);

    std::vector<ModemRoute> all();

  private:
    Database& db_;
};

}  // namespace switchboard::store
