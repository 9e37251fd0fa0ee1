// Making text a provider chose (error messages, whole error bodies) safe to keep: it goes
// into log lines and into the JSON documents that cross the plugin ABI, so it must be one
// line of valid UTF-8 and short. Header-only; UTF-8 decoding is Poco::UTF8Encoding's.
#pragma once

#include <Poco/UTF8Encoding.h>

#include <algorithm>
#include <climits>
#include <cstddef>
#include <string>
#include <string_view>

namespace switchboard::sdk {

/// Upper bound, in bytes (not characters), of what excerpt() returns.
inline constexpr std::size_t kExcerptMaxBytes = 200;

/// Input: arbitrary bytes, typically a provider's error text or a whole response body (an
/// HTML error page from an edge proxy may be Latin-1, or cut mid-character).
/// Output: at most kExcerptMaxBytes (200) bytes of valid UTF-8 on one line:
///   - each byte that does not start a well-formed UTF-8 sequence (stray continuation
///     bytes, overlong forms, UTF-16 surrogates, values beyond U+10FFFF, a sequence cut by
///     the end of the input) becomes one '?', and decoding resumes at the next byte, so a
///     Latin-1 "é" costs one '?' and the ASCII around it survives;
///   - ASCII control characters (0x00-0x1F: newlines, tabs, ...) become spaces; runs of
///     spaces collapse to one, and leading/trailing spaces are dropped;
///   - the cut falls only between characters: a character that would cross the 200-byte
///     bound is left out with everything after it.
/// Never throws (except std::bad_alloc).
inline std::string excerpt(std::string_view text) {
    // Stateless; decoding is delegated to Poco rather than a hand-rolled validator.
    const Poco::UTF8Encoding utf8;
    const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
    std::string out;
    std::size_t i = 0;
    bool lastWasSpace = false;
    while (i < text.size()) {
        const int remaining = static_cast<int>(
            std::min<std::size_t>(text.size() - i, static_cast<std::size_t>(INT_MAX)));
        // queryConvert() is negative for an ill-formed or truncated sequence; for a valid one
        // sequenceLength() is its length in bytes (1-4), read from the lead byte.
        const bool valid = utf8.queryConvert(bytes + i, remaining) >= 0;
        const std::size_t length =
            valid ? static_cast<std::size_t>(utf8.sequenceLength(bytes + i, remaining)) : 1;
        std::string_view piece = valid ? text.substr(i, length) : std::string_view("?");
        i += length;
        if (piece.size() == 1 && static_cast<unsigned char>(piece[0]) < 0x20) piece = " ";
        if (piece == " ") {
            if (lastWasSpace || out.empty()) continue;
            lastWasSpace = true;
        } else {
            lastWasSpace = false;
        }
        if (out.size() + piece.size() > kExcerptMaxBytes) break;
        out.append(piece);
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
}

}  // namespace switchboard::sdk
