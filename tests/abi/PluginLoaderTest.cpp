// The loader's refusals, one deliberately broken library each (tests/abi/broken/), and the
// registry's directory-level rules. Every refusal must name the file: an operator with a
// dozen plugins needs to know which one to remove.
#include "plugin/PluginLibrary.h"
#include "plugin/PluginLoadError.h"
#include "plugin/PluginRegistry.h"
#include "support/TempDir.h"
#include "support/TestPlugins.h"
#include "support/ThrownErrors.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <ostream>
#include <string>

namespace switchboard::plugin {
namespace {

using switchboard::testing::extremePlugin;
using switchboard::testing::TempDir;
using switchboard::testing::testPlugin;
using switchboard::testing::thrown;
using ::testing::HasSubstr;

// Copies under a chosen file name, so a test controls what a directory holds and the
// order the registry sees it in.
std::string copyInto(const TempDir& dir, const std::string& source, const std::string& fileName) {
    std::string target = dir.file(fileName);
    std::filesystem::copy_file(source, target);
    return target;
}

struct Refusal {
    std::string plugin;
    std::string reason;  // a substring only this cause produces
};

std::ostream& operator<<(std::ostream& out, const Refusal& r) { return out << r.plugin; }

class BrokenPlugin : public ::testing::TestWithParam<Refusal> {};

TEST_P(BrokenPlugin, IsRefusedWithFileAndReason) {
    const Refusal& r = GetParam();
    const std::string path = testPlugin(r.plugin);
    ASSERT_TRUE(std::filesystem::exists(path)) << path << " was not built";
    auto e = thrown<PluginLoadError>([&] { PluginLibrary::load(path); });
    ASSERT_TRUE(e) << r.plugin << " was loaded";
    EXPECT_EQ(e->file(), path);
    EXPECT_THAT(e->what(), HasSubstr(path));
    EXPECT_THAT(e->what(), HasSubstr(r.reason));
}

INSTANTIATE_TEST_SUITE_P(
    Abi, BrokenPlugin,
    ::testing::Values(Refusal{"wrong_abi_major", "major versions differ"},
                      Refusal{"wrong_abi_major", "built for plugin ABI 2.0"},
                      Refusal{"newer_abi_minor", "newer than the host's"},
                      Refusal{"missing_hook", "required messaging hook build_send is missing"},
                      Refusal{"missing_create", "required hook create_instance is missing"},
                      Refusal{"small_struct", "descriptor struct_size"},
                      Refusal{"small_hooks", "hook table struct_size"},
                      Refusal{"small_hooks", "lacks the messaging hooks"},
                      Refusal{"tiny_hooks", "hook table struct_size 4 is too small"},
                      Refusal{"null_hooks", "hook table is missing"},
                      Refusal{"null_descriptor", "returned NULL"},
                      Refusal{"bad_name", "plugin name"},
                      Refusal{"no_build_signature", "build_signature is missing"},
                      Refusal{"control_in_version", "plugin_version holds control characters"},
                      Refusal{"bad_schema", "config schema is not valid JSON"},
                      Refusal{"bad_status_table", "default status table is not a JSON object"},
                      Refusal{"no_entry", "does not export sb_plugin_entry"},
                      Refusal{"entry_throws", "sb_plugin_entry threw an exception"}),
    [](const ::testing::TestParamInfo<Refusal>& param) {
        return param.param.plugin + "_" + std::to_string(param.index);
    });

// The loader checks the schema's shape, not only that it is a JSON object: otherwise the
// first instance config validated against it would die of a bad cast naming neither the
// file nor a key path.
TEST(PluginLibrary, RefusesASchemaWhosePropertySpecIsNotAnObject) {
    const std::string path = testPlugin("bad_schema_shape");
    auto e = thrown<PluginLoadError>([&] { PluginLibrary::load(path); });
    ASSERT_TRUE(e) << "a schema with a non-object property spec was accepted";
    EXPECT_THAT(e->what(), HasSubstr(path));
    EXPECT_THAT(e->what(), HasSubstr("config schema"));
    EXPECT_THAT(e->what(), HasSubstr("api_key"));
}

TEST(PluginLibrary, RefusesAFileThatIsNotALibrary) {
    TempDir dir;
    const std::string path = dir.write("notes.so", "this is not an ELF file\n");
    auto e = thrown<PluginLoadError>([&] { PluginLibrary::load(path); });
    ASSERT_TRUE(e) << "a text file was loaded";
    EXPECT_THAT(e->what(), HasSubstr(path));
    EXPECT_THAT(e->what(), HasSubstr("cannot load"));
}

TEST(PluginLibrary, RefusesAMissingFile) {
    TempDir dir;
    const std::string path = dir.file("absent.so");
    EXPECT_THROW(PluginLibrary::load(path), PluginLoadError);
}

TEST(PluginLibrary, LoadsAThirdPartyPluginBuiltOnlyFromTheSdk) {
    auto library = PluginLibrary::load(testPlugin("good_minimal"));
    EXPECT_EQ(library->name(), "good_minimal");
    EXPECT_EQ(library->version(), "0.3.1-test");
    EXPECT_EQ(library->path(), testPlugin("good_minimal"));
    EXPECT_EQ(library->descriptor().abi_version, SB_ABI_VERSION);
    EXPECT_EQ(library->descriptor().capabilities & SB_CAP_MESSAGING, SB_CAP_MESSAGING);
    EXPECT_THAT(library->descriptor().config_schema_json, HasSubstr("\"token\""));
}

TEST(PluginLibrary, LoadingTheSameFileTwiceGivesTheSameDescriptor) {
    // dlopen hands back the already-mapped library; its descriptor is static storage.
    auto first = PluginLibrary::load(testPlugin("good_minimal"));
    auto second = PluginLibrary::load(testPlugin("good_minimal"));
    EXPECT_EQ(&first->descriptor(), &second->descriptor());
}

TEST(PluginRegistry, RefusesTwoLibrariesDeclaringTheSameNameAndNamesBoth) {
    TempDir dir;
    const std::string a = copyInto(dir, testPlugin("dup_a"), "dup_a.so");
    const std::string b = copyInto(dir, testPlugin("dup_b"), "dup_b.so");
    PluginRegistry registry;
    auto e = thrown<PluginLoadError>([&] { registry.loadDirectory(dir.path()); });
    ASSERT_TRUE(e) << "two plugins named 'dupname' were both accepted";
    // Files load in name order, so dup_b is the one refused, pointing back at dup_a.
    EXPECT_EQ(e->file(), b);
    EXPECT_THAT(e->what(), HasSubstr(a));
    EXPECT_THAT(e->what(), HasSubstr(b));
    EXPECT_THAT(e->what(), HasSubstr("'dupname'"));
}

TEST(PluginRegistry, LoadFileRefusesADuplicateNameToo) {
    TempDir dir;
    PluginRegistry registry;
    const auto& first = registry.loadFile(testPlugin("dup_a"));
    EXPECT_EQ(first.name(), "dupname");
    auto e = thrown<PluginLoadError>([&] { registry.loadFile(testPlugin("dup_b")); });
    ASSERT_TRUE(e) << "second 'dupname' accepted";
    EXPECT_THAT(e->what(), HasSubstr(testPlugin("dup_a")));
    EXPECT_THAT(e->what(), HasSubstr(testPlugin("dup_b")));
    // The refusal must not have replaced the first library.
    ASSERT_NE(registry.find("dupname"), nullptr);
    EXPECT_EQ(registry.find("dupname")->version(), "dup_a");
}

TEST(PluginRegistry, RefusesAMissingDirectory) {
    TempDir dir;
    const std::string missing = dir.file("no-such-plugins");
    PluginRegistry registry;
    auto e = thrown<PluginLoadError>([&] { registry.loadDirectory(missing); });
    ASSERT_TRUE(e) << "a missing directory was accepted";
    EXPECT_THAT(e->what(), HasSubstr(missing));
    EXPECT_THAT(e->what(), HasSubstr("does not exist"));
}

TEST(PluginRegistry, RefusesAPlainFileAsDirectory) {
    TempDir dir;
    const std::string file = dir.write("plugins", "");
    PluginRegistry registry;
    EXPECT_THROW(registry.loadDirectory(file), PluginLoadError);
}

TEST(PluginRegistry, LoadsEverySharedObjectAndIgnoresOtherFiles) {
    TempDir dir;
    copyInto(dir, extremePlugin(), "sb_extreme.so");
    copyInto(dir, testPlugin("good_minimal"), "good_minimal.so");
    dir.write("README.txt", "not a plugin");
    dir.write("good_minimal.so.bak", "not loaded: wrong extension");
    std::filesystem::create_directory(dir.file("subdir.so"));
    PluginRegistry registry;
    registry.loadDirectory(dir.path());
    EXPECT_EQ(registry.names(), (std::vector<std::string>{"extreme", "good_minimal"}));
    ASSERT_NE(registry.find("good_minimal"), nullptr);
    EXPECT_EQ(registry.find("good_minimal")->path(), dir.file("good_minimal.so"));
    EXPECT_EQ(registry.find("missing"), nullptr);
}

TEST(PluginRegistry, OneBrokenLibraryFailsTheWholeDirectoryNamingIt) {
    // Starting with a provider silently missing would be worse than not starting.
    TempDir dir;
    copyInto(dir, extremePlugin(), "sb_extreme.so");
    const std::string broken = copyInto(dir, testPlugin("missing_hook"), "missing_hook.so");
    PluginRegistry registry;
    auto e = thrown<PluginLoadError>([&] { registry.loadDirectory(dir.path()); });
    ASSERT_TRUE(e) << "directory with a broken plugin accepted";
    EXPECT_EQ(e->file(), broken);
    EXPECT_THAT(e->what(), HasSubstr("build_send"));
}

TEST(PluginRegistry, AnEmptyDirectoryLoadsNothing) {
    TempDir dir;
    PluginRegistry registry;
    registry.loadDirectory(dir.path());
    EXPECT_TRUE(registry.names().empty());
}

}  // namespace
}  // namespace switchboard::plugin
