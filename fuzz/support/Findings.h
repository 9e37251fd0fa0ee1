#pragma once

// How a fuzz target reports a bug: it prints what was wrong and aborts, so libFuzzer (or the
// corpus replay driver) records the input as a crash. Everything a target checks beyond "no
// sanitizer report" — a broken contract, an unexpected exception — goes through here.
#include <string>
#include <string_view>

namespace switchboard::fuzz {

/// Prints "FUZZ FINDING: <what>" to stderr and calls std::abort(). Never returns.
[[noreturn]] void finding(const std::string& what);

/// finding(what) unless `condition` holds.
inline void require(bool condition, const std::string& what) {
    if (!condition) finding(what);
}

/// True when `text` is well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing
/// above U+10FFFF), decided by Poco::UTF8Encoding — an oracle independent of the core's own
/// UTF-8 decoding in SmsSegmenter.
bool isValidUtf8(std::string_view text);

/// `text` with every byte outside printable ASCII written as \xNN, for finding messages.
std::string printable(std::string_view text);

/// True when SWITCHBOARD_FUZZ_DEBUG is set: targets then print what they decoded from each
/// input, which is how a seed is checked to reach the code it was made for.
bool debugEnabled();

}  // namespace switchboard::fuzz
