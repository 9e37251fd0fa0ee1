// `switchboard --check-config FILE` with the real binary: an operator's first line of defence,
// so a broken plugin or a bad key must fail it with exit code EXIT_CONFIG and a message that
// names the file or the exact key path, and a good configuration must pass.
#include "support/ServiceProcess.h"
#include "support/TempDir.h"
#include "support/TestPlugins.h"

#include <Poco/Util/Application.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

namespace switchboard::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr int kExitConfig = Poco::Util::Application::EXIT_CONFIG;

// Replaces exactly one occurrence, failing loudly if serviceYaml's shape changed under us.
std::string replaceOnce(std::string text, const std::string& from, const std::string& to) {
    auto at = text.find(from);
    EXPECT_NE(at, std::string::npos) << "'" << from << "' not in:\n" << text;
    if (at != std::string::npos) text.replace(at, from.size(), to);
    return text;
}

class CheckConfig : public ::testing::Test {
  protected:
    void SetUp() override {
        std::filesystem::create_directory(pluginDir());
        addPlugin(extremePlugin(), "sb_extreme.so");
    }

    std::string pluginDir() const { return dir_.file("plugins"); }

    // Copies a library into this test's own plugin directory and returns the copy's path,
    // which is what every message must name.
    std::string addPlugin(const std::string& source, const std::string& fileName) const {
        std::string target = pluginDir() + "/" + fileName;
        std::filesystem::copy_file(source, target);
        return target;
    }
    std::string addTestPlugin(const std::string& name) const {
        return addPlugin(testPlugin(name), name + ".so");
    }

    // serviceYaml's configuration, pointed at this test's plugin directory.
    std::string yaml(const std::string& extraExtremeConfig = "") const {
        std::string text =
            serviceYaml(freePortStub(), dir_, "dry-run", "http://127.0.0.1:9", extraExtremeConfig);
        return replaceOnce(text, "plugins:\n  directory: " SWITCHBOARD_PLUGIN_DIR "\n",
                           "plugins:\n  directory: " + pluginDir() + "\n");
    }

    // Adds a provider entry after extreme-main (so it is providers[1]).
    static std::string withProvider(const std::string& yamlText, const std::string& entry) {
        return replaceOnce(yamlText, "routes:\n", entry + "routes:\n");
    }

    CommandResult check(const std::string& yamlText) const {
        std::string path = dir_.write("check.yaml", yamlText);
        return runSwitchboard(dir_, {"--check-config", path});
    }

    // --check-config never binds, so any port number will do.
    static int freePortStub() { return 18080; }

    TempDir dir_;
};

TEST_F(CheckConfig, AValidConfigurationPasses) {
    CommandResult r = check(yaml());
    EXPECT_EQ(r.exitCode, 0) << r.output;
    EXPECT_THAT(r.output, HasSubstr("OK"));
    EXPECT_THAT(r.output, HasSubstr("extreme"));
    EXPECT_THAT(r.output, HasSubstr("extreme-main[dry-run]"));
}

TEST_F(CheckConfig, AThirdPartySdkPluginNextToExtremePasses) {
    addTestPlugin("good_minimal");
    CommandResult r = check(withProvider(
        yaml(), "  - id: gm\n    plugin: good_minimal\n    config:\n      token: t0ken\n"));
    EXPECT_EQ(r.exitCode, 0) << r.output;
    EXPECT_THAT(r.output, HasSubstr("OK"));
    EXPECT_THAT(r.output, HasSubstr("good_minimal"));
    EXPECT_THAT(r.output, HasSubstr("gm[http]"));
}

TEST_F(CheckConfig, ThePluginWhoseHooksThrowStillPassesSinceItsCreateWorks) {
    // check-config only creates instances; the hooks are the running service's business
    // (BrokenPluginServiceTest).
    addTestPlugin("throwing");
    CommandResult r = check(withProvider(yaml(), "  - id: thrower\n    plugin: throwing\n"));
    EXPECT_EQ(r.exitCode, 0) << r.output;
    EXPECT_THAT(r.output, HasSubstr("thrower[http]"));
}

struct BrokenCase {
    std::string plugin;
    std::string reason;
};

std::ostream& operator<<(std::ostream& out, const BrokenCase& c) { return out << c.plugin; }

class CheckConfigBrokenPlugin : public CheckConfig,
                                public ::testing::WithParamInterface<BrokenCase> {};

TEST_P(CheckConfigBrokenPlugin, FailsNamingTheFileAndTheReason) {
    const std::string copy = addTestPlugin(GetParam().plugin);
    CommandResult r = check(yaml());
    EXPECT_EQ(r.exitCode, kExitConfig) << r.output;
    EXPECT_THAT(r.output, HasSubstr(copy));
    EXPECT_THAT(r.output, HasSubstr(GetParam().reason));
    EXPECT_THAT(r.output, Not(HasSubstr(": OK")));
}

INSTANTIATE_TEST_SUITE_P(Binary, CheckConfigBrokenPlugin,
                         ::testing::Values(BrokenCase{"wrong_abi_major", "major versions differ"},
                                           BrokenCase{"newer_abi_minor", "newer"},
                                           BrokenCase{"missing_hook", "build_send"},
                                           BrokenCase{"small_struct", "struct_size"},
                                           BrokenCase{"null_descriptor", "returned NULL"},
                                           BrokenCase{"bad_name", "plugin name"},
                                           BrokenCase{"bad_schema", "config schema"},
                                           BrokenCase{"no_entry", "sb_plugin_entry"},
                                           BrokenCase{"entry_throws", "threw an exception"}),
                         [](const ::testing::TestParamInfo<BrokenCase>& param) {
                             return param.param.plugin;
                         });

TEST_F(CheckConfig, TwoPluginsWithOneNameFailNamingBothFiles) {
    const std::string a = addTestPlugin("dup_a");
    const std::string b = addTestPlugin("dup_b");
    CommandResult r = check(yaml());
    EXPECT_EQ(r.exitCode, kExitConfig) << r.output;
    EXPECT_THAT(r.output, HasSubstr(a));
    EXPECT_THAT(r.output, HasSubstr(b));
    EXPECT_THAT(r.output, HasSubstr("dupname"));
}

TEST_F(CheckConfig, AMissingPluginDirectoryFailsNamingIt) {
    std::filesystem::remove_all(pluginDir());
    CommandResult r = check(yaml());
    EXPECT_EQ(r.exitCode, kExitConfig) << r.output;
    EXPECT_THAT(r.output, HasSubstr(pluginDir()));
}

TEST_F(CheckConfig, AnInstanceWhoseCreateThrowsFailsNamingTheInstance) {
    addTestPlugin("throwing_create");
    CommandResult r = check(withProvider(yaml(), "  - id: boom\n    plugin: throwing_create\n"));
    EXPECT_EQ(r.exitCode, kExitConfig) << r.output;
    EXPECT_THAT(r.output, HasSubstr("'boom'"));
    EXPECT_THAT(r.output, HasSubstr("constructor exploded"));
}

TEST_F(CheckConfig, AMissingRequiredKeyNamesItsPath) {
    std::string text = replaceOnce(yaml(), "      api_key: ${SB_EXTREME_KEY}\n", "");
    CommandResult r = check(text);
    EXPECT_EQ(r.exitCode, kExitConfig) << r.output;
    EXPECT_THAT(r.output, HasSubstr("providers[0].config.api_key"));
    EXPECT_THAT(r.output, HasSubstr("required"));
}

TEST_F(CheckConfig, AnUnknownProviderConfigKeyNamesItsPath) {
    CommandResult r = check(yaml("api_secret_typo: abc"));
    EXPECT_EQ(r.exitCode, kExitConfig) << r.output;
    EXPECT_THAT(r.output, HasSubstr("providers[0].config.api_secret_typo"));
    EXPECT_THAT(r.output, HasSubstr("unknown key"));
}

TEST_F(CheckConfig, AKeyMissingFromTheSecondProviderNamesIndexOne) {
    addTestPlugin("good_minimal");
    CommandResult r = check(withProvider(yaml(), "  - id: gm\n    plugin: good_minimal\n"));
    EXPECT_EQ(r.exitCode, kExitConfig) << r.output;
    EXPECT_THAT(r.output, HasSubstr("providers[1].config.token"));
}

TEST_F(CheckConfig, APluginThatIsNotLoadedNamesThePluginKey) {
    std::string text = replaceOnce(yaml(), "plugin: extreme\n", "plugin: nosuch\n");
    CommandResult r = check(text);
    EXPECT_EQ(r.exitCode, kExitConfig) << r.output;
    EXPECT_THAT(r.output, HasSubstr("providers[0].plugin"));
    EXPECT_THAT(r.output, HasSubstr("nosuch"));
    EXPECT_THAT(r.output, HasSubstr("extreme"));  // what is loaded, to spot the typo
}

TEST_F(CheckConfig, APluginRefusingAValueNamesTheInstanceAndReason) {
    CommandResult r = check(
        replaceOnce(yaml(), "base_url: http://127.0.0.1:9\n", "base_url: ftp://example.com\n"));
    EXPECT_EQ(r.exitCode, kExitConfig) << r.output;
    EXPECT_THAT(r.output, HasSubstr("'extreme-main'"));
    EXPECT_THAT(r.output, HasSubstr("base_url"));
}

}  // namespace
}  // namespace switchboard::testing
