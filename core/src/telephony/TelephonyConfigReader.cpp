#include "telephony/TelephonyConfigReader.h"

#include "config/ConfigError.h"
#include "telephony/CarrierTableSource.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace switchboard::telephony {
namespace {

constexpr std::size_t kMinKeyLength = 32;

std::string readFile(const std::string& path, const std::string& keyPath) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw config::ConfigError(keyPath, "cannot read carrier table " + path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace

void readTelephonyConfig(config::YamlReader r, config::AppConfig& config) {
    if (!r.has("provider") && !r.has("code_hash_key") && !r.has("carriers_file")) {
        r.finish();  // an empty or absent section: telephony stays off
        return;
    }
    auto& t = config.telephony;
    t.enabled = true;
    t.provider = r.requiredString("provider");
    t.carriersFile = r.string("carriers_file", "");
    t.codeHashKey = r.requiredString("code_hash_key");
    r.finish();
    if (!t.codeHashKey.empty()) config.secrets.push_back(t.codeHashKey);
    if (t.codeHashKey.size() < kMinKeyLength)
        throw config::ConfigError(r.childPath("code_hash_key"),
                                  "must be at least 32 characters (e.g. the output of "
                                  "'openssl rand -hex 32'), from ${ENV} or file:");

    config::ProviderConfig* provider = nullptr;
    for (auto& p : config.providers) {
        if (p.id == t.provider) provider = &p;
    }
    if (provider == nullptr)
        throw config::ConfigError(r.childPath("provider"),
                                  "unknown provider id '" + t.provider + "'");

    std::string yaml, source = "built-in config/carriers.yaml";
    if (t.carriersFile.empty()) {
        yaml = builtInCarriersYaml();
    } else {
        std::filesystem::path path(t.carriersFile);
        if (path.is_relative()) path = std::filesystem::path(r.baseDir()) / path;
        source = path.string();
        yaml = readFile(source, r.childPath("carriers_file"));
    }
    std::string json;
    try {
        json = carriersJsonFromYaml(yaml, source);
    } catch (const std::invalid_argument& e) {
        throw config::ConfigError(r.childPath("carriers_file"), e.what());
    }

    if (!provider->rawConfig.IsDefined() || provider->rawConfig.IsNull())
        provider->rawConfig = YAML::Node(YAML::NodeType::Map);
    if (!provider->rawConfig.IsMap())
        throw config::ConfigError(provider->keyPath + ".config", "expected a mapping");
    if (provider->rawConfig["carriers"].IsDefined())
        throw config::ConfigError(provider->keyPath + ".config.carriers",
                                  "is filled from telephony.carriers_file; remove it");
    provider->rawConfig["carriers"] = json;
}

}  // namespace switchboard::telephony
