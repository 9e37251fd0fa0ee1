#pragma once

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <string>
#include <utility>
#include <vector>

namespace switchboard::testing {

using Headers = std::vector<std::pair<std::string, std::string>>;

/// A JSON response body as an object (throws Poco::Exception when it is not one).
inline Poco::JSON::Object::Ptr json(const std::string& text) {
    Poco::JSON::Parser parser;
    return parser.parse(text).extract<Poco::JSON::Object::Ptr>();
}

/// "Authorization: Bearer <key>" and a JSON content type: what every API call sends.
inline Headers bearer(const std::string& key) {
    return {{"Authorization", "Bearer " + key}, {"Content-Type", "application/json"}};
}

}  // namespace switchboard::testing
