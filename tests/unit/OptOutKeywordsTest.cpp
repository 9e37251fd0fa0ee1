#include "messaging/OptOutKeywords.h"

#include <gtest/gtest.h>

namespace switchboard::messaging {
namespace {

using Intent = OptOutKeywords::Intent;

Intent classify(const OptOutKeywords& k, const std::string& body) {
    std::string keyword;
    return k.classify(body, keyword);
}

TEST(OptOutKeywords, TwiliosDefaultListsMatchTheWholeBodyInAnyCase) {
    OptOutKeywords k;
    for (const char* stop : {"STOP", "stop", " Stop\n", "STOPALL", "UNSUBSCRIBE", "cancel", "END",
                             "quit", "REVOKE", "OPTOUT"})
        EXPECT_EQ(classify(k, stop), Intent::OptOut) << stop;
    for (const char* start : {"START", "unstop", " Yes "})
        EXPECT_EQ(classify(k, start), Intent::OptIn) << start;
    for (const char* other : {"", "STOP!", "please stop", "stop it", "STARTING", "S T O P", "HELP"})
        EXPECT_EQ(classify(k, other), Intent::None) << other;
    // Long bodies are never keywords, even if they trim down to one.
    EXPECT_EQ(classify(k, std::string(100, ' ') + "STOP"), Intent::None);
}

TEST(OptOutKeywords, CustomListsReplaceTheDefaultsAndReportTheKeyword) {
    OptOutKeywords k({"arret", " Halt "}, {"REPRENDRE"});
    std::string keyword;
    EXPECT_EQ(k.classify("ARRET", keyword), Intent::OptOut);
    EXPECT_EQ(keyword, "ARRET");
    EXPECT_EQ(k.classify("halt", keyword), Intent::OptOut);
    EXPECT_EQ(k.classify("stop", keyword), Intent::None);
    EXPECT_EQ(k.classify("reprendre", keyword), Intent::OptIn);
    EXPECT_EQ(keyword, "REPRENDRE");
    OptOutKeywords none({}, {});
    EXPECT_EQ(none.classify("STOP", keyword), Intent::None);
}

}  // namespace
}  // namespace switchboard::messaging
