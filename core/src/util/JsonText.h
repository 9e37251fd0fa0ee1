#pragma once

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>
#include <Poco/Timestamp.h>

#include <cstdint>
#include <optional>
#include <sstream>
#include <string>

namespace switchboard::util {

/// Compact JSON text of any Poco JSON value.
inline std::string toJson(const Poco::Dynamic::Var& value) {
    std::ostringstream out;
    Poco::JSON::Stringifier::condense(value, out);
    return out.str();
}

/// Parses JSON text into an object; throws Poco::Exception on bad JSON or a non-object.
inline Poco::JSON::Object::Ptr parseObject(const std::string& text) {
    Poco::JSON::Parser parser;
    Poco::Dynamic::Var root = parser.parse(text);
    if (root.type() != typeid(Poco::JSON::Object::Ptr))
        throw Poco::DataFormatException("expected a JSON object");
    auto object = root.extract<Poco::JSON::Object::Ptr>();
    if (!object) throw Poco::DataFormatException("expected a JSON object");
    return object;
}

/// ISO 8601 UTC with milliseconds ("2026-11-21T10:30:00.123Z") from epoch milliseconds.
inline std::string isoTime(std::int64_t epochMs) {
    Poco::Timestamp ts(static_cast<Poco::Timestamp::TimeVal>(epochMs) * 1000);
    return Poco::DateTimeFormatter::format(ts, "%Y-%m-%dT%H:%M:%S.%iZ");
}

/// isoTime, or JSON null when absent.
inline Poco::Dynamic::Var isoTimeOrNull(const std::optional<std::int64_t>& epochMs) {
    if (!epochMs) return Poco::Dynamic::Var();
    return isoTime(*epochMs);
}

}  // namespace switchboard::util
