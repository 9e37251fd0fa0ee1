#pragma once

#include <Poco/TextIterator.h>
#include <Poco/UTF8Encoding.h>

#include <cstddef>
#include <optional>
#include <string>

namespace switchboard::util {

/// Number of Unicode code points in `text`, or nullopt when it is not valid UTF-8
/// (Poco::TextIterator yields -1 for an illegal sequence).
inline std::optional<std::size_t> utf8Length(const std::string& text) {
    Poco::UTF8Encoding encoding;
    Poco::TextIterator it(text, encoding);
    Poco::TextIterator end(text);
    std::size_t count = 0;
    for (; it != end; ++it, ++count) {
        if (*it < 0) return std::nullopt;
    }
    return count;
}

}  // namespace switchboard::util
