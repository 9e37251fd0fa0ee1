#include "messaging/OptOutKeywords.h"

#include "config/AppConfig.h"

#include <Poco/String.h>

namespace switchboard::messaging {
namespace {

std::string normalised(const std::string& text) { return Poco::toUpper(Poco::trim(text)); }

std::set<std::string> normalisedSet(const std::vector<std::string>& words) {
    std::set<std::string> set;
    for (const auto& w : words) {
        auto n = normalised(w);
        if (!n.empty()) set.insert(n);
    }
    return set;
}

}  // namespace

OptOutKeywords::OptOutKeywords()
    : OptOutKeywords(config::MessagingConfig().stopKeywords,
                     config::MessagingConfig().startKeywords) {}

OptOutKeywords::OptOutKeywords(const std::vector<std::string>& stop,
                               const std::vector<std::string>& start)
    : stop_(normalisedSet(stop)), start_(normalisedSet(start)) {}

OptOutKeywords::Intent OptOutKeywords::classify(const std::string& body,
                                                std::string& keyword) const {
    // Keywords are short; a long body cannot be one, so skip normalising it.
    if (body.size() > 64) return Intent::None;
    const std::string n = normalised(body);
    if (stop_.count(n)) {
        keyword = n;
        return Intent::OptOut;
    }
    if (start_.count(n)) {
        keyword = n;
        return Intent::OptIn;
    }
    return Intent::None;
}

}  // namespace switchboard::messaging
