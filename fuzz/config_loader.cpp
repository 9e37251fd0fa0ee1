// libFuzzer target: the YAML configuration path of `switchboard --check-config` — the loader
// (config::loadConfigText: YAML, types, ranges, ${ENV}/file: references, cross-references),
// then each provider's `config:` block against its real plugin's schema and the plugin's own
// create_instance (plugin::ProviderSet over the built plugins). The input is the YAML text.
//
// Expected refusals: config::ConfigError (what every check throws, naming the key path);
// YAML::Exception (yaml-cpp's own parse and conversion errors, which main() reports like any
// error — including DeepRecursion, its guard against nesting deep enough to overflow the
// stack); the std::runtime_error a plugin's refusal becomes in ProviderInstance. Anything
// else — std::bad_alloc from an alias bomb, std::regex_error, std::out_of_range, a Poco
// exception — is a finding, as is any sanitizer report or crash.
#include "config/ConfigError.h"
#include "config/ConfigLoader.h"
#include "plugin/PluginRegistry.h"
#include "plugin/ProviderSet.h"
#include "support/Findings.h"

#include <Poco/Logger.h>
#include <Poco/NullChannel.h>
#include <yaml-cpp/exceptions.h>

#include <cstdint>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <string>
#include <typeinfo>

#ifndef SWITCHBOARD_PLUGIN_DIR
#error "SWITCHBOARD_PLUGIN_DIR must name the directory holding the built sb_*.so plugins"
#endif

namespace {

using switchboard::fuzz::finding;

switchboard::plugin::PluginRegistry& registry() {
    static switchboard::plugin::PluginRegistry plugins;
    return plugins;
}

// The folder relative `file:` references resolve in: one readable secret, nothing else.
std::string& baseDir() {
    static std::string dir;
    return dir;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
    Poco::Logger::root().setChannel(new Poco::NullChannel);
    Poco::Logger::get("plugin").setChannel(new Poco::NullChannel);
    try {
        registry().loadDirectory(SWITCHBOARD_PLUGIN_DIR);
    } catch (const std::exception& e) {
        finding(std::string("cannot load the plugins: ") + e.what());
    }
    // One fixed folder, rewritten by every run: a crashed run leaves nothing new behind.
    const auto dir = std::filesystem::temp_directory_path() / "switchboard-fuzz-config";
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "secret.txt") << "fuzz-file-secret-0123456789\n";
    baseDir() = dir.string();
    // The references the shipped configs (the seeds) make, so they load all the way through.
    for (const char* name : {"SWITCHBOARD_ADMIN_KEY", "SWITCHBOARD_DEMO_API_KEY", "EXTREME_API_KEY",
                             "SMSRETAIL_API_KEY", "SMSRETAIL_WEBHOOK_SECRET",
                             "SWITCHBOARD_DB_PASSWORD", "SB_FUZZ_SECRET"})
        ::setenv(name, (std::string("fuzz-") + name + "-0123456789").c_str(), 1);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string yaml(reinterpret_cast<const char*>(data), size);
    try {
        auto config = switchboard::config::loadConfigText(yaml, baseDir(), "fuzz.yaml");
        switchboard::plugin::ProviderSet providers(config, registry());
    } catch (const switchboard::config::ConfigError& e) {
        if (std::string(e.what()).empty()) finding("a ConfigError without a message");
    } catch (const YAML::Exception&) {
    } catch (const std::runtime_error& e) {
        // ProviderInstance's refusal is a plain std::runtime_error; anything derived from it
        // (std::regex_error, std::range_error, ...) is not expected.
        if (typeid(e) != typeid(std::runtime_error) ||
            std::string(e.what()).find("refused its configuration") == std::string::npos)
            finding(std::string("unexpected ") + typeid(e).name() + ": " + e.what());
    } catch (const std::exception& e) {
        finding(std::string("unexpected ") + typeid(e).name() + ": " + e.what());
    }
    return 0;
}
