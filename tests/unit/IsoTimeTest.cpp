#include "util/IsoTime.h"

#include <gtest/gtest.h>

namespace switchboard::util {

TEST(IsoTime, ParsesDatesAndDateTimesToUtcMilliseconds) {
    // 2026-02-25T00:00:00Z = 1771977600 s (date -u -d 2026-02-25 +%s)
    EXPECT_EQ(parseIsoTime("2026-02-25"), 1771977600000LL);
    EXPECT_EQ(parseIsoTime("2026-02-25", true), 1771977600000LL + 86400000 - 1);
    EXPECT_EQ(parseIsoTime("2026-02-25T10:30:00Z"), 1771977600000LL + 37800000);
    EXPECT_EQ(parseIsoTime("2026-02-25T10:30:00.250Z"), 1771977600000LL + 37800250);
    EXPECT_EQ(parseIsoTime("2026-02-25T11:30:00+01:00"), 1771977600000LL + 37800000);
}

TEST(IsoTime, RefusesEverythingElse) {
    for (const char* bad :
         {"", "yesterday", "2026-13-01", "2026-02-30x", "25/02/2026", "2026-02-25T10:30",
          "2026-02-25 10:30:00Z", "1771977600", "2026-02-25T10:30:00Z; DROP TABLE x"})
        EXPECT_FALSE(parseIsoTime(bad)) << bad;
}

}  // namespace switchboard::util
