#include "messaging/DeliveryStatusMerger.h"
#include "messaging/StatusTable.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace switchboard::messaging {

TEST(DeliveryStatusMerger, MovesOnlyUpTheRanks) {
    EXPECT_EQ(mergeStatus("QUEUED", "PENDING").status, "PENDING");
    EXPECT_EQ(mergeStatus("SENT", "DELIVERED").status, "DELIVERED");
    EXPECT_TRUE(mergeStatus("PENDING", "SENT").changes);
    EXPECT_FALSE(mergeStatus("DELIVERED", "SENT").changes);  // late SENT after DELIVERED
    EXPECT_EQ(mergeStatus("DELIVERED", "SENT").status, "DELIVERED");
    EXPECT_FALSE(mergeStatus("SENT", "SENT").changes);  // duplicate
    EXPECT_FALSE(mergeStatus("SENT", "PENDING").changes);
    EXPECT_FALSE(mergeStatus("DELIVERED", "FAILED").changes);  // first terminal status wins
    EXPECT_FALSE(mergeStatus("FAILED", "DELIVERED").changes);
}

TEST(DeliveryStatusMerger, UnknownNeverChangesAnything) {
    for (const char* current : {"QUEUED", "PENDING", "SENT", "DELIVERED", "FAILED"}) {
        EXPECT_FALSE(mergeStatus(current, "UNKNOWN").changes) << current;
        EXPECT_FALSE(mergeStatus(current, "garbage").changes) << current;
    }
}

TEST(DeliveryStatusMerger, FlagsANewFailureOnce) {
    EXPECT_TRUE(mergeStatus("SENT", "FAILED").becameFailure);
    EXPECT_TRUE(mergeStatus("SENT", "UNDELIVERED").becameFailure);
    EXPECT_FALSE(mergeStatus("SENT", "DELIVERED").becameFailure);
    EXPECT_FALSE(mergeStatus("FAILED", "FAILED").becameFailure);
}

TEST(StatusTable, DefaultsOverridesAndCaseFallback) {
    StatusTable table(R"({"delivered":"DELIVERED","DELIVRD":"DELIVERED","failed":"FAILED"})",
                      {{"failed", "UNDELIVERED"}, {"queued", "PENDING"}});
    EXPECT_EQ(table.normalise("delivered"), "DELIVERED");
    EXPECT_EQ(table.normalise("DELIVERED"), "DELIVERED");  // case-insensitive fallback
    EXPECT_EQ(table.normalise("DELIVRD"), "DELIVERED");
    EXPECT_EQ(table.normalise("failed"), "UNDELIVERED");  // YAML override wins
    EXPECT_EQ(table.normalise("queued"), "PENDING");
    EXPECT_EQ(table.normalise("exploded"), "UNKNOWN");
    EXPECT_EQ(table.normalise(""), "UNKNOWN");
}

TEST(StatusTable, RefusesNonCanonicalDefaults) {
    EXPECT_THROW(StatusTable(R"({"x":"GONE"})", {}), std::invalid_argument);
    EXPECT_THROW(StatusTable(R"(["DELIVERED"])", {}), std::invalid_argument);
    EXPECT_THROW(StatusTable(R"({"x":1})", {}), std::invalid_argument);
}

}  // namespace switchboard::messaging
