#include "util/IsoTime.h"

#include <Poco/DateTime.h>
#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeParser.h>

#include <regex>

namespace switchboard::util {

std::optional<std::int64_t> parseIsoTime(const std::string& text, bool endOfDay) {
    static const std::regex kDate(R"(\d{4}-\d{2}-\d{2})");
    static const std::regex kDateTime(
        R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2}))");
    Poco::DateTime parsed;
    int tzd = 0;
    if (std::regex_match(text, kDate)) {
        if (!Poco::DateTimeParser::tryParse("%Y-%m-%d", text, parsed, tzd)) return std::nullopt;
        std::int64_t ms = parsed.timestamp().epochMicroseconds() / 1000;
        return endOfDay ? ms + 86'400'000 - 1 : ms;
    }
    if (!std::regex_match(text, kDateTime)) return std::nullopt;
    const std::string& format = text.find('.') != std::string::npos
                                    ? Poco::DateTimeFormat::ISO8601_FRAC_FORMAT
                                    : Poco::DateTimeFormat::ISO8601_FORMAT;
    if (!Poco::DateTimeParser::tryParse(format, text, parsed, tzd)) return std::nullopt;
    parsed.makeUTC(tzd);
    return parsed.timestamp().epochMicroseconds() / 1000;
}

}  // namespace switchboard::util
