#pragma once

#include <map>
#include <string>

namespace switchboard::messaging {

/// Raw provider status → canonical status (QUEUED, PENDING, SENT, DELIVERED, UNDELIVERED,
/// FAILED, UNKNOWN) for one provider instance: the plugin's default table with the
/// instance's YAML `status_map` laid over it.
class StatusTable {
  public:
    /// `defaultsJson`: the plugin's default_status_table_json ({"raw": "CANONICAL"}).
    /// Throws std::invalid_argument when it is not a JSON object of canonical statuses.
    StatusTable(const std::string& defaultsJson,
                const std::map<std::string, std::string>& overrides);
    StatusTable() = default;

    /// Exact match first, then case-insensitive (providers are inconsistent about case:
    /// "delivered" vs "DELIVERED"); anything else is UNKNOWN.
    std::string normalise(const std::string& raw) const;

    const std::map<std::string, std::string>& entries() const { return table_; }

  private:
    std::map<std::string, std::string> table_;
    std::map<std::string, std::string> lowered_;
};

/// True for the seven canonical statuses.
bool isCanonicalStatus(const std::string& status);

}  // namespace switchboard::messaging
