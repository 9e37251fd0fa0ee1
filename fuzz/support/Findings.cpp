#include "support/Findings.h"

#include <Poco/UTF8Encoding.h>

#include <cstdio>
#include <cstdlib>

namespace switchboard::fuzz {

void finding(const std::string& what) {
    std::fprintf(stderr, "FUZZ FINDING: %s\n", what.c_str());
    std::fflush(stderr);
    std::abort();
}

bool isValidUtf8(std::string_view text) {
    static const Poco::UTF8Encoding utf8;
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    const auto* end = p + text.size();
    while (p < end) {
        const int left = static_cast<int>(end - p);
        // sequenceLength reads only the lead byte; isLegal checks the whole sequence.
        const int length = utf8.sequenceLength(p, left);
        if (length <= 0 || length > left || !Poco::UTF8Encoding::isLegal(p, length)) return false;
        p += length;
    }
    return true;
}

std::string printable(std::string_view text) {
    std::string out;
    for (unsigned char c : text) {
        if (c >= 0x20 && c < 0x7f && c != '\\') {
            out += static_cast<char>(c);
        } else {
            char escaped[8];
            std::snprintf(escaped, sizeof(escaped), "\\x%02x", c);
            out += escaped;
        }
    }
    return out;
}

bool debugEnabled() {
    static const bool enabled = std::getenv("SWITCHBOARD_FUZZ_DEBUG") != nullptr;
    return enabled;
}

}  // namespace switchboard::fuzz
