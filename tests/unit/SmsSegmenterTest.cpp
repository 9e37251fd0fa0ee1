// Boundaries per 3GPP TS 23.038/23.040: 160/153 septets (GSM-7), 70/67 UTF-16 units (UCS-2).
#include "messaging/SmsSegmenter.h"

#include <gtest/gtest.h>

namespace switchboard::messaging {
namespace {

SegmentCount count(const std::string& text) {
    auto c = countSegments(text);
    EXPECT_TRUE(c.has_value());
    return c.value_or(SegmentCount{});
}

std::string repeat(const std::string& piece, int n) {
    std::string s;
    for (int i = 0; i < n; ++i) s += piece;
    return s;
}

TEST(SmsSegmenter, Gsm7SingleAndConcatenatedBoundaries) {
    EXPECT_EQ(count(repeat("a", 160)).segments, 1u);
    EXPECT_EQ(count(repeat("a", 160)).encoding, "GSM-7");
    EXPECT_EQ(count(repeat("a", 161)).segments, 2u);
    EXPECT_EQ(count(repeat("a", 306)).segments, 2u);  // 2 × 153
    EXPECT_EQ(count(repeat("a", 307)).segments, 3u);
    EXPECT_EQ(count("").segments, 0u);
}

TEST(SmsSegmenter, GsmAccentsAndGreekAreBasicAlphabet) {
    auto c = count("àéèùìòÇØøÅåÆæßÉÄÖÑÜäöñü§¿¡£¥¤ΔΦΓΛΩΠΨΣΘΞ@$_");
    EXPECT_EQ(c.encoding, "GSM-7");
    EXPECT_EQ(c.units, 42u);  // 42 characters, one septet each
}

TEST(SmsSegmenter, ExtensionCharactersCostTwoSeptets) {
    auto c = count("€[]{}\\^~|");
    EXPECT_EQ(c.encoding, "GSM-7");
    EXPECT_EQ(c.units, 18u);
    EXPECT_EQ(count(repeat("a", 158) + "€").segments, 1u);  // 160 septets
    EXPECT_EQ(count(repeat("a", 159) + "€").segments, 2u);  // 161 septets
    EXPECT_EQ(count(repeat("a", 159) + "€").units, 161u);
}

TEST(SmsSegmenter, AnExtensionCharacterIsNeverSplitAcrossParts) {
    // 152 septets then '€' (2): it does not fit the first part's last septet, so the first
    // part carries 152 and the second starts with the escape sequence.
    std::string text = repeat("a", 152) + "€" + repeat("a", 152);  // 306 septets
    EXPECT_EQ(count(text).units, 306u);
    EXPECT_EQ(count(text).segments, 3u);  // naive ceil(306/153) would say 2
    EXPECT_EQ(count(repeat("a", 151) + "€" + repeat("a", 153)).segments, 2u);
}

TEST(SmsSegmenter, Ucs2SingleAndConcatenatedBoundaries) {
    EXPECT_EQ(count(repeat("ж", 70)).encoding, "UCS-2");
    EXPECT_EQ(count(repeat("ж", 70)).segments, 1u);
    EXPECT_EQ(count(repeat("ж", 71)).segments, 2u);
    EXPECT_EQ(count(repeat("ж", 134)).segments, 2u);  // 2 × 67
    EXPECT_EQ(count(repeat("ж", 135)).segments, 3u);
    // One non-GSM character makes the whole message UCS-2.
    EXPECT_EQ(count(repeat("a", 69) + "ж").segments, 1u);
    EXPECT_EQ(count(repeat("a", 70) + "ж").segments, 2u);
}

TEST(SmsSegmenter, EmojiOutsideTheBmpCostTwoUnitsAndAreNeverSplit) {
    EXPECT_EQ(count("😀").units, 2u);
    EXPECT_EQ(count(repeat("a", 68) + "😀").segments, 1u);         // 70 units
    EXPECT_EQ(count(repeat("a", 69) + "😀").segments, 2u);         // 71 units
    std::string split = repeat("a", 66) + "😀" + repeat("a", 66);  // 134 units
    EXPECT_EQ(count(split).units, 134u);
    EXPECT_EQ(count(split).segments, 3u);  // the pair moves to part 2, pushing the tail to 3
}

TEST(SmsSegmenter, RejectsInvalidUtf8) {
    EXPECT_FALSE(countSegments("\xff\xfe"));
    EXPECT_FALSE(countSegments("abc\xc3"));
}

}  // namespace
}  // namespace switchboard::messaging
