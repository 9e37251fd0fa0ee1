#include "messaging/SmsSegmenter.h"

#include "util/Utf8.h"

#include <set>
#include <vector>

namespace switchboard::messaging {
namespace {

// 3GPP TS 23.038 § 6.2.1: the GSM 7-bit default alphabet, as Unicode code points.
const std::set<int>& basicAlphabet() {
    static const std::set<int> table = [] {
        std::set<int> t = {
            '@',   0xA3, '$',  0xA5,  0xE8, 0xE9,  0xF9,  0xEC,  0xF2,  0xC7,  '\n',  0xD8,  0xF8,
            '\r',  0xC5, 0xE5, 0x394, '_',  0x3A6, 0x393, 0x39B, 0x3A9, 0x3A0, 0x3A8, 0x3A3, 0x398,
            0x39E, 0xC6, 0xE6, 0xDF,  0xC9, ' ',   '!',   '"',   '#',   0xA4,  '%',   '&',   '\'',
            '(',   ')',  '*',  '+',   ',',  '-',   '.',   '/',   ':',   ';',   '<',   '=',   '>',
            '?',   0xA1, 0xC4, 0xD6,  0xD1, 0xDC,  0xA7,  0xBF,  0xE4,  0xF6,  0xF1,  0xFC,  0xE0};
        for (int c = '0'; c <= '9'; ++c) t.insert(c);
        for (int c = 'A'; c <= 'Z'; ++c) t.insert(c);
        for (int c = 'a'; c <= 'z'; ++c) t.insert(c);
        return t;
    }();
    return table;
}

// § 6.2.1.1: the extension table, reached through the escape septet (so each costs 2).
const std::set<int>& extensionTable() {
    static const std::set<int> table = {0x0C, '^', '{', '}', '\\', '[', '~', ']', '|', 0x20AC};
    return table;
}

// Fills parts of `perPart` units; a character costing 2 units (escape + char, or a UTF-16
// surrogate pair) moves whole to the next part rather than being split.
std::size_t partsFor(const std::vector<int>& costs, std::size_t total, std::size_t single,
                     std::size_t perPart) {
    if (total == 0) return 0;
    if (total <= single) return 1;
    std::size_t parts = 1, used = 0;
    for (int cost : costs) {
        if (used + static_cast<std::size_t>(cost) > perPart) {
            ++parts;
            used = 0;
        }
        used += static_cast<std::size_t>(cost);
    }
    return parts;
}

}  // namespace

std::optional<SegmentCount> countSegments(const std::string& utf8) {
    std::vector<int> codepoints;
    if (!util::decodeUtf8(utf8, codepoints)) return std::nullopt;
    bool gsm = true;
    std::vector<int> septets;
    for (int c : codepoints) {
        if (basicAlphabet().count(c)) {
            septets.push_back(1);
        } else if (extensionTable().count(c)) {
            septets.push_back(2);
        } else {
            gsm = false;
            break;
        }
    }
    SegmentCount count;
    if (gsm) {
        count.encoding = "GSM-7";
        for (int s : septets) count.units += static_cast<std::size_t>(s);
        count.segments = partsFor(septets, count.units, 160, 153);
        return count;
    }
    std::vector<int> utf16;
    for (int c : codepoints) utf16.push_back(c > 0xFFFF ? 2 : 1);
    count.encoding = "UCS-2";
    for (int u : utf16) count.units += static_cast<std::size_t>(u);
    count.segments = partsFor(utf16, count.units, 70, 67);
    return count;
}

}  // namespace switchboard::messaging
