// The `telephony:` section through the real binary's --check-config and start-up: every
// mistake stops the service before it listens, naming the key path; a custom carrier file
// (relative to the config file) replaces the built-in table.
#include "support/HttpCall.h"
#include "support/ServiceProcess.h"
#include "support/TempDir.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

namespace switchboard::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kCodeHashKey = "config-test-telephony-key-0123456789abcdef";

const std::map<std::string, std::string> kEnv = {{"SB_TELEPHONY_KEY", kCodeHashKey},
                                                 {"SB_TWILIO_TOKEN", "config-test-twilio-token"}};

constexpr const char* kTelephonyProvider =
    "  - id: telephony-main\n    plugin: telephony\n    transport: dry-run\n    config:\n"
    "      account_sid: AC0123456789abcdef0123456789abcdef\n"
    "      auth_token: ${SB_TWILIO_TOKEN}\n      caller_number: \"+15550109000\"\n";

// The standard test configuration with the telephony instance, `telephony` (a whole
// section, may be empty) and `extraProvider` lines appended to the instance's config.
std::string yamlWith(int port, const TempDir& dir, const std::string& telephony,
                     const std::string& extraProviderConfig = "",
                     const std::string& extraRoute = "") {
    std::string yaml = serviceYaml(port, dir, "dry-run", "http://127.0.0.1:9");
    yaml.insert(yaml.find("routes:\n"), kTelephonyProvider + extraProviderConfig);
    if (!extraRoute.empty()) yaml.insert(yaml.find("tenants:\n"), extraRoute);
    return yaml + telephony;
}

CommandResult check(const TempDir& dir, const std::string& yaml) {
    return runSwitchboard(dir, {"--check-config", dir.write("switchboard.yaml", yaml)}, kEnv);
}

struct Mistake {
    std::string name;
    std::string telephony;
    std::string extraProviderConfig;
    std::string extraRoute;
    std::string message;
};

TEST(TelephonyConfig, EveryMistakeStopsTheServiceNamingTheKey) {
    const std::string good =
        "telephony:\n  provider: telephony-main\n  code_hash_key: "
        "${SB_TELEPHONY_KEY}\n";
    const std::vector<Mistake> mistakes = {
        {"not a telephony plugin",
         "telephony:\n  provider: extreme-main\n  code_hash_key: ${SB_TELEPHONY_KEY}\n", "", "",
         "telephony.provider: instance 'extreme-main' (plugin extreme) has no telephony "
         "capability"},
        {"unknown provider",
         "telephony:\n  provider: nobody\n  code_hash_key: ${SB_TELEPHONY_KEY}\n", "", "",
         "telephony.provider: unknown provider id 'nobody'"},
        {"short key", "telephony:\n  provider: telephony-main\n  code_hash_key: short-key\n", "",
         "", "telephony.code_hash_key: must be at least 32 characters"},
        {"no key", "telephony:\n  provider: telephony-main\n", "", "", "telephony.code_hash_key"},
        {"unknown key", good + "  carrier_file: carriers.yaml\n", "", "", "telephony.carrier_file"},
        {"missing carrier file", good + "  carriers_file: no-such-carriers.yaml\n", "", "",
         "telephony.carriers_file: cannot read carrier table"},
        {"carriers written by hand", good, "      carriers: \"{}\"\n", "",
         "providers[1].config.carriers: is filled from telephony.carriers_file"},
        {"webhook route on the telephony instance", good, "",
         "  - path: /api/webhook/voice\n    providers: [telephony-main]\n",
         "routes[1].providers[0]: instance 'telephony-main' (plugin telephony) has no messaging "
         "capability"},
    };
    for (const auto& m : mistakes) {
        TempDir dir;
        auto result =
            check(dir, yamlWith(8080, dir, m.telephony, m.extraProviderConfig, m.extraRoute));
        EXPECT_NE(result.exitCode, 0) << m.name << ":\n" << result.output;
        EXPECT_THAT(result.output, HasSubstr(m.message)) << m.name;
        EXPECT_THAT(result.output, Not(HasSubstr(kCodeHashKey))) << m.name;
    }
}

TEST(TelephonyConfig, ABrokenCarrierFileIsRefusedNamingTheEntry) {
    TempDir dir;
    dir.write("carriers.yaml",
              "version: 1\ncarriers:\n  - id: solo\n    name: Solo\n    technology: gsm\n"
              "    modes:\n      - id: total_ai\n        label: All\n"
              "        activate: \"**21*{number}**{ring}#\"\n        deactivate: \"##21#\"\n"
              "        effect: All calls forward.\n");
    auto result = check(dir, yamlWith(8080, dir,
                                      "telephony:\n  provider: telephony-main\n  code_hash_key: "
                                      "${SB_TELEPHONY_KEY}\n  carriers_file: carriers.yaml\n"));
    EXPECT_NE(result.exitCode, 0) << result.output;
    EXPECT_THAT(result.output,
                HasSubstr("carriers[0].modes[0].activate contains {ring} but the mode has no "
                          "ring_time"));
}

TEST(TelephonyConfig, ACarrierFileNextToTheConfigReplacesTheBuiltInTable) {
    const std::string table =
        "version: 1\ncarriers:\n  - id: solo\n    name: Solo Mobile\n    technology: gsm\n"
        "    modes:\n      - id: total_ai\n        label: All\n"
        "        activate: \"**21*{number}#\"\n        deactivate: \"##21#\"\n"
        "        effect: Every call forwards to {number}.\n";
    TempDir dir;
    const int port = freePort();
    const std::string yaml = yamlWith(port, dir,
                                      "telephony:\n  provider: telephony-main\n  code_hash_key: "
                                      "${SB_TELEPHONY_KEY}\n  carriers_file: carriers.yaml\n");
    // Relative to the config file's directory, not to the working directory (dir).
    std::filesystem::create_directories(dir.file("conf"));
    dir.write("conf/carriers.yaml", table);
    auto checked =
        runSwitchboard(dir, {"--check-config", dir.write("conf/switchboard.yaml", yaml)}, kEnv);
    EXPECT_EQ(checked.exitCode, 0) << checked.output;

    dir.write("carriers.yaml", table);  // next to dir/switchboard.yaml, which the service uses
    ServiceProcess service(dir, yaml, port, kEnv);
    auto r = httpCall(port, "GET", "/api/telephony/carriers",
                      {{"Authorization", std::string("Bearer ") + kTenantKey}});
    ASSERT_EQ(r.status, 200) << r.body;
    Poco::JSON::Parser parser;
    auto carriers = parser.parse(r.body).extract<Poco::JSON::Object::Ptr>()->getArray("carriers");
    ASSERT_EQ(carriers->size(), 1u);
    EXPECT_EQ(carriers->getObject(0)->getValue<std::string>("name"), "Solo Mobile");
}

}  // namespace
}  // namespace switchboard::testing
