// Forwarding codes from the built sb_telephony.so with the shipped config/carriers.yaml.
// Expected codes are written out by hand from the sources, not computed: the seed's published
// examples (003 §17.2 table and §17.5 "GENERATION LOGIC", destination +15550109999) for
// T-Mobile, AT&T, Verizon and Sprint; 3GPP TS 22.030 Annex B for generic GSM; the TIA/EIA-664
// feature codes for generic CDMA. A second, exhaustive pass walks every carrier × mode × ring
// time the plugin itself lists and checks the refusal rules and boundaries on each.
#include "TelephonyPluginFixture.h"
#include "util/Utf8.h"

#include <Poco/JSON/Array.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace switchboard::testing::telephony_plugin {
namespace {

using Poco::JSON::Object;
using ::testing::HasSubstr;

std::string request(const std::string& carrier, const std::string& mode, std::optional<int> ring,
                    const std::string& destination = kDestination) {
    Object o;
    o.set("carrier", carrier);
    o.set("mode", mode);
    o.set("destination", destination);
    o.set("ring_time_s", ring ? Poco::Dynamic::Var(*ring) : Poco::Dynamic::Var());
    std::ostringstream out;
    o.stringify(out);
    return out.str();
}

std::vector<std::string> strings(const Poco::JSON::Array::Ptr& array) {
    std::vector<std::string> items;
    for (std::size_t i = 0; i < array->size(); ++i)
        items.push_back(array->getElement<std::string>(static_cast<unsigned>(i)));
    return items;
}

struct Expected {
    std::string carrier;
    std::string mode;
    std::optional<int> ring;         // asked for
    std::string activation;          // "" = refused
    std::string deactivation;        // when accepted
    std::optional<int> encodedRing;  // ring_time_s in the answer
    std::string refusal = {};        // substring of the reason when refused
};

std::ostream& operator<<(std::ostream& out, const Expected& e) {
    return out << e.carrier << "/" << e.mode << "/"
               << (e.ring ? std::to_string(*e.ring) : std::string("none"));
}

class PublishedCodes : public TelephonyPluginSuite,
                       public ::testing::WithParamInterface<Expected> {};

TEST_P(PublishedCodes, MatchTheSource) {
    const Expected& e = GetParam();
    auto result = instance_->forwardingCodes(request(e.carrier, e.mode, e.ring));
    if (e.activation.empty()) {
        ASSERT_EQ(result.status, SB_BAD_INPUT) << result.output;
        EXPECT_THAT(result.output, HasSubstr(e.refusal));
        return;
    }
    ASSERT_EQ(result.status, SB_OK) << result.output;
    auto codes = parseJson(result.output);
    EXPECT_EQ(codes->getValue<std::string>("activation_code"), e.activation);
    EXPECT_EQ(codes->getValue<std::string>("deactivation_code"), e.deactivation);
    EXPECT_EQ(codes->getValue<std::string>("destination"), kDestination);
    if (e.encodedRing)
        EXPECT_EQ(codes->getValue<int>("ring_time_s"), *e.encodedRing);
    else
        EXPECT_TRUE(codes->isNull("ring_time_s"));
}

const std::optional<int> kNone;

std::string caseName(const ::testing::TestParamInfo<Expected>& param) {
    return param.param.carrier + "_" + param.param.mode + "_" +
           (param.param.ring ? std::to_string(*param.param.ring) : std::string("none"));
}

INSTANTIATE_TEST_SUITE_P(
    Seed, PublishedCodes,
    ::testing::Values(
        // seed 003 §17.5: "T-Mobile Total AI: **21*+15550109999#", "T-Mobile Safety Net:
        // **61*+15550109999*11*25#"; §17.2 deactivation ##21# / ##61#.
        Expected{"tmobile", "total_ai", kNone, "**21*+15550109999#", "##21#", kNone},
        Expected{"tmobile", "safety_net", 25, "**61*+15550109999*11*25#", "##61#", 25},
        Expected{"tmobile", "safety_net", kNone, "**61*+15550109999*11*25#", "##61#", 25},
        Expected{"tmobile", "safety_net", 4, "", "", kNone, "5 to 60 seconds"},
        Expected{"tmobile", "safety_net", 5, "**61*+15550109999*11*5#", "##61#", 5},
        Expected{"tmobile", "safety_net", 60, "**61*+15550109999*11*60#", "##61#", 60},
        Expected{"tmobile", "safety_net", 61, "", "", kNone, "61 seconds is outside"},
        Expected{"tmobile", "total_ai", 25, "", "", kNone, "takes no ring time"},
        // "AT&T Total AI: *21*+15550109999#", "AT&T Safety Net: *004*+15550109999*11*25#";
        // deactivation #21# / ##004#.
        Expected{"att", "total_ai", kNone, "*21*+15550109999#", "#21#", kNone},
        Expected{"att", "safety_net", 25, "*004*+15550109999*11*25#", "##004#", 25},
        Expected{"att", "safety_net", 4, "", "", kNone, "5 to 60 seconds"},
        Expected{"att", "safety_net", 5, "*004*+15550109999*11*5#", "##004#", 5},
        Expected{"att", "safety_net", 60, "*004*+15550109999*11*60#", "##004#", 60},
        Expected{"att", "safety_net", 61, "", "", kNone, "5 to 60 seconds"},
        // "Verizon Total AI: *72+15550109999", "Verizon Safety Net: *71+15550109999";
        // deactivation *73; "Verizon: No ring time support (carrier limitation)".
        Expected{"verizon", "total_ai", kNone, "*72+15550109999", "*73", kNone},
        Expected{"verizon", "safety_net", kNone, "*71+15550109999", "*73", kNone},
        Expected{"verizon", "safety_net", 25, "", "", kNone, "takes no ring time"},
        Expected{"verizon", "safety_net", 5, "", "", kNone, "takes no ring time"},
        // §17.5 carrier notes: Sprint "Same as T-Mobile".
        Expected{"sprint", "total_ai", kNone, "**21*+15550109999#", "##21#", kNone},
        Expected{"sprint", "safety_net", 25, "**61*+15550109999*11*25#", "##61#", 25},
        Expected{"sprint", "safety_net", 4, "", "", kNone, "5 to 60 seconds"},
        Expected{"sprint", "safety_net", 5, "**61*+15550109999*11*5#", "##61#", 5},
        Expected{"sprint", "safety_net", 60, "**61*+15550109999*11*60#", "##61#", 60},
        Expected{"sprint", "safety_net", 61, "", "", kNone, "5 to 60 seconds"}),
    caseName);

INSTANTIATE_TEST_SUITE_P(
    Gsm3gpp, PublishedCodes,
    ::testing::Values(
        // 3GPP TS 22.030 Annex B: CFU 21, CFB 67, CFNRy 61 (SIC = T, 5-30 s), CFNRc 62,
        // all conditional 004; "**SC*SIA*SIB*SIC#" with SIB (basic service) left empty.
        Expected{"other_gsm", "total_ai", kNone, "**21*+15550109999#", "##21#", kNone},
        Expected{"other_gsm", "busy", kNone, "**67*+15550109999#", "##67#", kNone},
        Expected{"other_gsm", "no_reply", kNone, "**61*+15550109999#", "##61#", kNone},
        Expected{"other_gsm", "no_reply", 4, "", "", kNone, "5 to 30 seconds"},
        Expected{"other_gsm", "no_reply", 5, "**61*+15550109999**5#", "##61#", 5},
        Expected{"other_gsm", "no_reply", 20, "**61*+15550109999**20#", "##61#", 20},
        Expected{"other_gsm", "no_reply", 30, "**61*+15550109999**30#", "##61#", 30},
        Expected{"other_gsm", "no_reply", 31, "", "", kNone, "5 to 30 seconds"},
        Expected{"other_gsm", "no_reply", 60, "", "", kNone, "60 seconds is outside"},
        Expected{"other_gsm", "no_reply", 61, "", "", kNone, "5 to 30 seconds"},
        Expected{"other_gsm", "no_reply", 12, "", "", kNone, "steps of 5 seconds"},
        Expected{"other_gsm", "unreachable", kNone, "**62*+15550109999#", "##62#", kNone},
        Expected{"other_gsm", "safety_net", kNone, "**004*+15550109999#", "##004#", kNone},
        Expected{"other_gsm", "safety_net", 25, "**004*+15550109999**25#", "##004#", 25},
        Expected{"other_gsm", "busy", 20, "", "", kNone, "takes no ring time"},
        // TIA/EIA-664 feature codes as CDMA operators publish them.
        Expected{"other_cdma", "total_ai", kNone, "*72+15550109999", "*720", kNone},
        Expected{"other_cdma", "safety_net", kNone, "*68+15550109999", "*680", kNone},
        Expected{"other_cdma", "busy", kNone, "*90+15550109999", "*900", kNone},
        Expected{"other_cdma", "no_reply", kNone, "*92+15550109999", "*920", kNone},
        Expected{"other_cdma", "no_reply", 20, "", "", kNone, "takes no ring time"}),
    caseName);

using ForwardingCodes = TelephonyPluginSuite;

TEST_F(ForwardingCodes, TheGenericGsmCarrierOffersTheCancelAllCodeOf3gpp) {
    auto result = instance_->forwardingCodes(request("other_gsm", "busy", kNone));
    ASSERT_EQ(result.status, SB_OK) << result.output;
    auto codes = parseJson(result.output);
    EXPECT_EQ(codes->getValue<std::string>("cancel_all_code"), "##002#");
    auto steps = strings(codes->getArray("deactivation_instructions"));
    EXPECT_THAT(steps.back(), HasSubstr("##002#"));
    // Carriers without one say so rather than invent it.
    auto tmobile =
        parseJson(instance_->forwardingCodes(request("tmobile", "total_ai", kNone)).output);
    EXPECT_TRUE(tmobile->isNull("cancel_all_code"));
}

// Every (carrier, mode, ring time) the plugin lists: within range every value is encoded
// verbatim, one second outside either end and off-step values are refused (never clamped),
// and modes without a ring time refuse any.
TEST_F(ForwardingCodes, EveryCarrierModeAndRingTimeFollowsTheRules) {
    auto listed = instance_->telephonyCarriers();
    ASSERT_EQ(listed.status, SB_OK) << listed.output;
    auto carriers = parseJson(listed.output)->getArray("carriers");
    int checked = 0;
    for (std::size_t c = 0; c < carriers->size(); ++c) {
        auto carrier = carriers->getObject(static_cast<unsigned>(c));
        const std::string carrierId = carrier->getValue<std::string>("id");
        auto modes = carrier->getArray("modes");
        for (std::size_t m = 0; m < modes->size(); ++m) {
            auto mode = modes->getObject(static_cast<unsigned>(m));
            const std::string modeId = mode->getValue<std::string>("id");
            const std::string where = carrierId + "/" + modeId;
            auto none = instance_->forwardingCodes(request(carrierId, modeId, kNone));
            ASSERT_EQ(none.status, SB_OK) << where << ": " << none.output;
            auto base = parseJson(none.output);
            EXPECT_THAT(base->getValue<std::string>("activation_code"), HasSubstr(kDestination))
                << where;
            EXPECT_THAT(strings(base->getArray("activation_instructions"))[1],
                        HasSubstr(base->getValue<std::string>("activation_code")))
                << where;
            EXPECT_THAT(strings(base->getArray("deactivation_instructions"))[1],
                        HasSubstr(base->getValue<std::string>("deactivation_code")))
                << where;
            if (mode->isNull("ring_time")) {
                for (int ring : {1, 5, 25, 60}) {
                    auto refused = instance_->forwardingCodes(request(carrierId, modeId, ring));
                    EXPECT_EQ(refused.status, SB_BAD_INPUT) << where << " ring " << ring;
                    EXPECT_THAT(refused.output, HasSubstr("takes no ring time")) << where;
                }
                ++checked;
                continue;
            }
            auto range = mode->getObject("ring_time");
            const int min = range->getValue<int>("min"), max = range->getValue<int>("max");
            const int step = range->getValue<int>("step");
            for (int ring = min - 1; ring <= max + 1; ++ring) {
                auto result = instance_->forwardingCodes(request(carrierId, modeId, ring));
                const bool valid = ring >= min && ring <= max && (ring - min) % step == 0;
                if (!valid) {
                    EXPECT_EQ(result.status, SB_BAD_INPUT) << where << " ring " << ring;
                    continue;
                }
                ASSERT_EQ(result.status, SB_OK)
                    << where << " ring " << ring << ": " << result.output;
                auto codes = parseJson(result.output);
                EXPECT_EQ(codes->getValue<int>("ring_time_s"), ring) << where;
                const std::string code = codes->getValue<std::string>("activation_code");
                EXPECT_THAT(code, HasSubstr("*" + std::to_string(ring) + "#")) << where;
                EXPECT_THAT(strings(codes->getArray("activation_instructions"))[3],
                            HasSubstr(std::to_string(ring) + " seconds"))
                    << where;
            }
            ++checked;
        }
    }
    EXPECT_EQ(checked, 2 + 2 + 2 + 2 + 5 + 4);  // the modes of config/carriers.yaml
}

TEST_F(ForwardingCodes, ListsTheSixCarriersOfTheTableInOrderWithTheirRingRanges) {
    auto carriers = parseJson(instance_->telephonyCarriers().output)->getArray("carriers");
    std::vector<std::string> ids;
    for (std::size_t i = 0; i < carriers->size(); ++i)
        ids.push_back(carriers->getObject(static_cast<unsigned>(i))->getValue<std::string>("id"));
    EXPECT_EQ(ids, (std::vector<std::string>{"tmobile", "att", "verizon", "sprint", "other_gsm",
                                             "other_cdma"}));
    auto tmobileSafety = carriers->getObject(0)->getArray("modes")->getObject(1);
    auto ring = tmobileSafety->getObject("ring_time");
    EXPECT_EQ(ring->getValue<int>("min"), 5);
    EXPECT_EQ(ring->getValue<int>("max"), 60);
    EXPECT_EQ(ring->getValue<int>("default"), 25);
    auto verizonSafety = carriers->getObject(2)->getArray("modes")->getObject(1);
    EXPECT_TRUE(verizonSafety->isNull("ring_time"));
    EXPECT_EQ(carriers->getObject(2)->getValue<std::string>("technology"), "cdma");
}

TEST_F(ForwardingCodes, RefusesADestinationThatIsNotE164) {
    for (const char* bad :
         {"15550109999", "+1 555 010 9999", "+05550109999", "+123456", "+1555010999912345", ""}) {
        auto result = instance_->forwardingCodes(request("tmobile", "total_ai", kNone, bad));
        EXPECT_EQ(result.status, SB_BAD_INPUT) << bad;
        EXPECT_THAT(result.output, HasSubstr("E.164")) << bad;
    }
    // The shortest and longest E.164 numbers pass (7 and 15 digits).
    for (const char* good : {"+1234567", "+123456789012345"}) {
        auto result = instance_->forwardingCodes(request("att", "total_ai", kNone, good));
        ASSERT_EQ(result.status, SB_OK) << good << ": " << result.output;
        EXPECT_EQ(parseJson(result.output)->getValue<std::string>("activation_code"),
                  std::string("*21*") + good + "#");
    }
}

TEST_F(ForwardingCodes, UnknownCarrierOrModeIsRefusedNamingTheKnownOnes) {
    auto carrier = instance_->forwardingCodes(request("vodafun", "total_ai", kNone));
    EXPECT_EQ(carrier.status, SB_BAD_INPUT);
    EXPECT_THAT(carrier.output, HasSubstr("Unknown carrier 'vodafun'"));
    EXPECT_THAT(carrier.output, HasSubstr("tmobile, att, verizon, sprint, other_gsm, other_cdma"));
    auto mode = instance_->forwardingCodes(request("verizon", "busy", kNone));
    EXPECT_EQ(mode.status, SB_BAD_INPUT);
    EXPECT_THAT(mode.output, HasSubstr("Verizon has no forwarding mode 'busy'"));
    EXPECT_THAT(mode.output, HasSubstr("total_ai, safety_net"));
    auto malformed = instance_->forwardingCodes(R"({"carrier":"att","mode":"total_ai"})");
    EXPECT_EQ(malformed.status, SB_BAD_INPUT);
    auto fractional = instance_->forwardingCodes(
        R"({"carrier":"att","mode":"safety_net","destination":"+15550109999","ring_time_s":2.5})");
    EXPECT_EQ(fractional.status, SB_BAD_INPUT);
}

// Found by fuzz/plugin_telephony (corpus crash-forwarding-reason-*): the refusal echoed the
// tenant's first 40 bytes, cutting a multi-byte character in half, and its line breaks. The
// host shows this reason to the tenant verbatim and may log it: one line of valid UTF-8.
TEST_F(ForwardingCodes, ReasonsEchoTheTenantsTextOnOneLineOfValidUtf8) {
    std::string accented = "a";
    for (int i = 0; i < 30; ++i) accented += "\xc3\xa9";  // é: byte 40 falls inside one
    for (const auto& [carrier, mode] :
         std::vector<std::pair<std::string, std::string>>{{accented, "total_ai"},
                                                          {"other_gsm", accented},
                                                          {"vodafun\nFORGED line", "total_ai"},
                                                          {"other_gsm", "total_ai\r\nFORGED"}}) {
        auto result = instance_->forwardingCodes(request(carrier, mode, kNone));
        EXPECT_EQ(result.status, SB_BAD_INPUT) << result.output;
        EXPECT_TRUE(util::isValidUtf8(result.output)) << result.output;
        EXPECT_EQ(result.output.find_first_of("\r\n"), std::string::npos) << result.output;
    }
    auto shortened = instance_->forwardingCodes(request(accented, "total_ai", kNone));
    EXPECT_THAT(shortened.output,
                HasSubstr("'a" + accented.substr(1, 38) + "\xe2\x80\xa6'"));  // 19 é, then …
}

TEST_F(ForwardingCodes, InstructionsWalkTheSubscriberThroughEachStep) {
    auto codes = parseJson(instance_->forwardingCodes(request("tmobile", "safety_net", 25)).output);
    auto steps = strings(codes->getArray("activation_instructions"));
    ASSERT_EQ(steps.size(), 5u);
    EXPECT_THAT(steps[0], HasSubstr("T-Mobile"));
    EXPECT_EQ(steps[1], "Dial **61*+15550109999*11*25# exactly as shown, then press Call.");
    EXPECT_THAT(steps[2], HasSubstr("message on screen"));  // GSM answers on screen
    EXPECT_EQ(steps[3], "Calls you don't answer within 25 seconds now forward to +15550109999.");
    EXPECT_THAT(steps[4], HasSubstr("confirm"));
    auto off = strings(codes->getArray("deactivation_instructions"));
    EXPECT_EQ(off[1], "Dial ##61# exactly as shown, then press Call.");
    auto cdma = parseJson(instance_->forwardingCodes(request("verizon", "total_ai", kNone)).output);
    EXPECT_THAT(strings(cdma->getArray("activation_instructions"))[2],
                HasSubstr("confirmation tone"));
}

TEST_F(ForwardingCodes, AreSafeToGenerateFromManyThreadsAtOnce) {
    expectNoFailuresAcrossThreads(4, 200, [this] {
        auto result = instance_->forwardingCodes(request("att", "safety_net", 30));
        return result.ok() && parseJson(result.output)->getValue<std::string>("activation_code") ==
                                  "*004*+15550109999*11*30#"
                   ? 0
                   : 1;
    });
}

}  // namespace
}  // namespace switchboard::testing::telephony_plugin
