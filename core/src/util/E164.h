#pragma once

#include <string_view>

namespace switchboard::util {

/// True when `number` is E.164 as ITU-T E.164 and SPEC.md define it for Switchboard: a '+',
/// a non-zero first digit, 7 to 15 digits in all (^\+[1-9]\d{6,14}$).
inline bool isE164(std::string_view number) {
    if (number.size() < 8 || number.size() > 16 || number[0] != '+') return false;
    if (number[1] < '1' || number[1] > '9') return false;
    for (std::size_t i = 2; i < number.size(); ++i) {
        if (number[i] < '0' || number[i] > '9') return false;
    }
    return true;
}

}  // namespace switchboard::util
