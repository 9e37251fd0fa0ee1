#include "util/E164.h"

#include <gtest/gtest.h>

namespace switchboard::util {

TEST(E164, AcceptsPlusAndSevenToFifteenDigits) {
    EXPECT_TRUE(isE164("+1555010"));  // 7 digits, the minimum
    EXPECT_TRUE(isE164("+15550100001"));
    EXPECT_TRUE(isE164("+123456789012345"));  // 15 digits, the maximum
}

TEST(E164, RefusesEverythingElse) {
    EXPECT_FALSE(isE164(""));
    EXPECT_FALSE(isE164("+"));
    EXPECT_FALSE(isE164("15550100001"));        // no plus
    EXPECT_FALSE(isE164("+05550100001"));       // leading zero
    EXPECT_FALSE(isE164("+155501"));            // 6 digits
    EXPECT_FALSE(isE164("+1234567890123456"));  // 16 digits
    EXPECT_FALSE(isE164("+1555 010 0001"));
    EXPECT_FALSE(isE164("+1555-0100001"));
    EXPECT_FALSE(isE164("+1555010000a"));
    EXPECT_FALSE(isE164("+1555010000'; DROP TABLE messages;--"));
}

}  // namespace switchboard::util
