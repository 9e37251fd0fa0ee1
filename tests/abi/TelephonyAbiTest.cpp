// ABI 1.2: the telephony capability and its hooks appended to sb_plugin_hooks. Older plugins
// (a 1.1 hook table that ends before them) still load and simply have no telephony hooks; a
// plugin claiming the capability must carry all four, at ABI 1.2 or later.
#include "plugin/PluginLibrary.h"
#include "plugin/PluginLoadError.h"
#include "plugin/ProviderInstance.h"
#include "support/TestPlugins.h"
#include "support/ThrownErrors.h"

#include <Poco/JSON/Parser.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <ostream>
#include <string>

namespace switchboard::plugin {
namespace {

using switchboard::testing::testPlugin;
using switchboard::testing::thrown;
using ::testing::HasSubstr;

TEST(TelephonyAbi, TheHostSpeaksAbi12) {
    EXPECT_EQ(SB_ABI_MAJOR(SB_ABI_VERSION), 1u);
    EXPECT_EQ(SB_ABI_MINOR(SB_ABI_VERSION), 2u);
    // Appended, never inserted: the 1.0 fields keep their offsets.
    EXPECT_LT(offsetof(sb_plugin_hooks, webhook_response),
              offsetof(sb_plugin_hooks, telephony_carriers));
    EXPECT_EQ(offsetof(sb_plugin_hooks, parse_verification_call_response) + sizeof(void*),
              sizeof(sb_plugin_hooks));
}

TEST(TelephonyAbi, AnAbi11MessagingPluginLoadsAndHasNoTelephonyHooks) {
    auto library = PluginLibrary::load(testPlugin("abi_1_1_messaging"));
    EXPECT_EQ(SB_ABI_MINOR(library->descriptor().abi_version), 1u);
    EXPECT_TRUE(library->has(SB_CAP_MESSAGING));
    EXPECT_FALSE(library->has(SB_CAP_TELEPHONY));
    EXPECT_NE(library->hooks().webhook_response, nullptr);
    // Its static table holds a pointer past its struct_size; the host must not have read it.
    EXPECT_EQ(library->hooks().telephony_carriers, nullptr);
    EXPECT_EQ(library->hooks().forwarding_codes, nullptr);

    ProviderInstance instance(*library, "old", "{}");
    EXPECT_FALSE(instance.telephony());
    auto carriers = instance.telephonyCarriers();
    EXPECT_EQ(carriers.status, SB_ERROR);
    EXPECT_THAT(carriers.output, HasSubstr("has no telephony_carriers hook"));
    // Its messaging hooks still work.
    EXPECT_EQ(instance.detect({}).status, SB_NOT_MINE);
}

struct Refusal {
    std::string plugin;
    std::string reason;
};

std::ostream& operator<<(std::ostream& out, const Refusal& r) { return out << r.plugin; }

class TelephonyRefusal : public ::testing::TestWithParam<Refusal> {};

TEST_P(TelephonyRefusal, IsRefusedWithFileAndReason) {
    const Refusal& r = GetParam();
    const std::string path = testPlugin(r.plugin);
    ASSERT_TRUE(std::filesystem::exists(path)) << path << " was not built";
    auto e = thrown<PluginLoadError>([&] { PluginLibrary::load(path); });
    ASSERT_TRUE(e) << r.plugin << " was loaded";
    EXPECT_THAT(e->what(), HasSubstr(path));
    EXPECT_THAT(e->what(), HasSubstr(r.reason));
}

INSTANTIATE_TEST_SUITE_P(
    Abi12, TelephonyRefusal,
    ::testing::Values(Refusal{"telephony_missing_hook",
                              "required telephony hook forwarding_codes is missing"},
                      Refusal{"telephony_small_hooks", "lacks the telephony hooks"},
                      Refusal{"telephony_old_abi", "telephony needs 1.2"}),
    [](const ::testing::TestParamInfo<Refusal>& param) { return param.param.plugin; });

// The SDK macro derives the capabilities from the class's bases and fills both hook sets.
TEST(TelephonyAbi, TheSdkDeclaresBothCapabilitiesForAClassWithBothBases) {
    auto library = PluginLibrary::load(testPlugin("dual_capability"));
    EXPECT_EQ(library->descriptor().capabilities, SB_CAP_MESSAGING | SB_CAP_TELEPHONY);
    EXPECT_EQ(library->descriptor().abi_version, SB_ABI_VERSION);
    ProviderInstance instance(*library, "dual", "{}");

    auto send = instance.buildSend(R"({"message_id":"1","to":"+15550100001","text":"hi"})");
    ASSERT_EQ(send.status, SB_OK) << send.output;
    EXPECT_THAT(send.output, HasSubstr("\"body\":\"hi\""));

    auto codes = instance.forwardingCodes(
        R"({"carrier":"solo","mode":"total_ai","destination":"+15550109999","ring_time_s":null})");
    ASSERT_EQ(codes.status, SB_OK) << codes.output;
    EXPECT_THAT(codes.output, HasSubstr("\"activation_code\":\"**21*+15550109999#\""));
    auto refused = instance.forwardingCodes(
        R"({"carrier":"other","mode":"total_ai","destination":"+15550109999"})");
    EXPECT_EQ(refused.status, SB_BAD_INPUT);
    EXPECT_EQ(refused.output, "Unknown carrier");

    auto carriers = instance.telephonyCarriers();
    ASSERT_EQ(carriers.status, SB_OK);
    Poco::JSON::Parser parser;
    auto root = parser.parse(carriers.output).extract<Poco::JSON::Object::Ptr>();
    auto mode = root->getArray("carriers")->getObject(0)->getArray("modes")->getObject(0);
    EXPECT_EQ(mode->getValue<std::string>("id"), "total_ai");
    EXPECT_TRUE(mode->isNull("ring_time"));

    auto call = instance.buildVerificationCall(
        R"({"verification_id":"7","phone_number":"+15551234567","code":"123456"})");
    ASSERT_EQ(call.status, SB_OK) << call.output;
    EXPECT_THAT(call.output, HasSubstr("\"redact\":[\"123456\"]"));
    auto answer = instance.parseVerificationCallResponse(201, {}, "");
    ASSERT_EQ(answer.status, SB_OK);
    EXPECT_THAT(answer.output, HasSubstr("\"outcome\":\"ACCEPTED\""));
}

}  // namespace
}  // namespace switchboard::plugin
