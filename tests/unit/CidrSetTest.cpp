#include "util/CidrSet.h"

#include <gtest/gtest.h>

namespace switchboard::util {

TEST(CidrSet, MatchesSingleAddressesAndNetworks) {
    CidrSet set;
    ASSERT_TRUE(set.add("127.0.0.1"));
    ASSERT_TRUE(set.add("10.0.0.0/8"));
    ASSERT_TRUE(set.add("2001:db8::/32"));
    EXPECT_TRUE(set.contains("127.0.0.1"));
    EXPECT_FALSE(set.contains("127.0.0.2"));
    EXPECT_TRUE(set.contains("10.255.1.2"));
    EXPECT_FALSE(set.contains("11.0.0.1"));
    EXPECT_TRUE(set.contains("2001:db8:1::5"));
    EXPECT_FALSE(set.contains("2001:db9::1"));
    EXPECT_TRUE(set.contains("::ffff:10.1.2.3"));  // IPv4-mapped peer on a dual-stack socket
    EXPECT_FALSE(set.contains("not an address"));
    EXPECT_FALSE(set.contains(""));
}

TEST(CidrSet, RefusesMalformedEntries) {
    CidrSet set;
    EXPECT_FALSE(set.add("10.0.0.0/33"));
    EXPECT_FALSE(set.add("10.0.0.0/"));
    EXPECT_FALSE(set.add("10.0.0.0/x"));
    EXPECT_FALSE(set.add("300.1.1.1"));
    EXPECT_FALSE(set.add("example.com"));
    EXPECT_TRUE(set.empty());
    EXPECT_TRUE(set.add("0.0.0.0/0"));
    EXPECT_TRUE(set.contains("192.0.2.1"));
}

}  // namespace switchboard::util
