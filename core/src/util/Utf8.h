#pragma once

#include <Poco/TextIterator.h>
#include <Poco/UTF8Encoding.h>

#include <string>
#include <vector>

namespace switchboard::util {

/// The Unicode code points of `utf8`, decoded with Poco::UTF8Encoding; false (and `out`
/// incomplete) when a byte sequence is not valid UTF-8.
inline bool decodeUtf8(const std::string& utf8, std::vector<int>& out) {
    Poco::UTF8Encoding encoding;
    for (Poco::TextIterator it(utf8, encoding), end(utf8); it != end; ++it) {
        if (*it < 0) return false;
        out.push_back(*it);
    }
    return true;
}

/// Whether `text` is valid UTF-8 (every stored string must be: invalid bytes would reach
/// providers and JSON responses as mojibake or break them).
inline bool isValidUtf8(const std::string& text) {
    Poco::UTF8Encoding encoding;
    for (Poco::TextIterator it(text, encoding), end(text); it != end; ++it) {
        if (*it < 0) return false;
    }
    return true;
}

}  // namespace switchboard::util
