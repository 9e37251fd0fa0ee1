#include "messaging/StatusTable.h"

#include "util/JsonText.h"

#include <Poco/String.h>

#include <set>
#include <stdexcept>

namespace switchboard::messaging {

bool isCanonicalStatus(const std::string& status) {
    static const std::set<std::string> kCanonical = {
        "QUEUED", "PENDING", "SENT", "DELIVERED", "UNDELIVERED", "FAILED", "UNKNOWN"};
    return kCanonical.count(status) > 0;
}

StatusTable::StatusTable(const std::string& defaultsJson,
                         const std::map<std::string, std::string>& overrides) {
    Poco::JSON::Object::Ptr defaults;
    try {
        defaults = util::parseObject(defaultsJson);
    } catch (const Poco::Exception& e) {
        throw std::invalid_argument("default status table is not a JSON object: " +
                                    e.displayText());
    }
    for (const auto& [raw, value] : *defaults) {
        std::string canonical = value.isString() ? value.convert<std::string>() : std::string();
        if (!isCanonicalStatus(canonical))
            throw std::invalid_argument("default status table maps '" + raw +
                                        "' to a non-canonical status");
        table_[raw] = canonical;
    }
    for (const auto& [raw, canonical] : overrides) table_[raw] = canonical;
    for (const auto& [raw, canonical] : table_) lowered_.emplace(Poco::toLower(raw), canonical);
}

std::string StatusTable::normalise(const std::string& raw) const {
    if (auto it = table_.find(raw); it != table_.end()) return it->second;
    if (auto it = lowered_.find(Poco::toLower(raw)); it != lowered_.end()) return it->second;
    return "UNKNOWN";
}

}  // namespace switchboard::messaging
