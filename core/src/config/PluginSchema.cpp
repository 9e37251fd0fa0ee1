#include "config/PluginSchema.h"

#include "config/ConfigError.h"
#include "config/YamlReader.h"

#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>

#include <charconv>
#include <sstream>

namespace switchboard::config {
namespace {

Poco::Dynamic::Var convert(const std::string& type, const YAML::Node& node, const std::string& path,
                           const std::string& baseDir, bool secret,
                           std::vector<std::string>& secrets) {
    if (type == "string") {
        std::string value = YamlReader::scalar(node, path, baseDir);
        if (secret && !value.empty()) secrets.push_back(value);
        return value;
    }
    if (type == "integer") {
        std::string text = YamlReader::scalar(node, path, baseDir);
        long long value = 0;
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (ec != std::errc() || end != text.data() + text.size())
            throw ConfigError(path, "expected an integer, got " + YamlReader::shown(node, text));
        return value;
    }
    if (type == "boolean") {
        std::string text = YamlReader::scalar(node, path, baseDir);
        if (text == "true" || text == "yes" || text == "on") return true;
        if (text == "false" || text == "no" || text == "off") return false;
        throw ConfigError(path, "expected true or false, got " + YamlReader::shown(node, text));
    }
    if (type == "string_list") {
        if (!node.IsSequence()) throw ConfigError(path, "expected a list of strings");
        Poco::JSON::Array::Ptr array = new Poco::JSON::Array;
        for (std::size_t i = 0; i < node.size(); ++i) {
            std::string value = YamlReader::scalar(node[i], YamlReader::index(path, i), baseDir);
            if (secret && !value.empty()) secrets.push_back(value);
            array->add(value);
        }
        return array;
    }
    if (type == "string_map") {
        if (!node.IsMap()) throw ConfigError(path, "expected a mapping of strings");
        Poco::JSON::Object::Ptr object = new Poco::JSON::Object;
        for (const auto& entry : node) {
            std::string key = entry.first.as<std::string>();
            std::string value =
                YamlReader::scalar(entry.second, YamlReader::join(path, key), baseDir);
            if (secret && !value.empty()) secrets.push_back(value);
            object->set(key, value);
        }
        return object;
    }
    throw ConfigError(path, "the plugin's schema declares unsupported type '" + type + "'");
}

}  // namespace

ValidatedInstanceConfig validateInstanceConfig(const std::string& schemaJson,
                                               const YAML::Node& config, const std::string& keyPath,
                                               const std::string& baseDir) {
    Poco::JSON::Parser parser;
    auto schema = parser.parse(schemaJson).extract<Poco::JSON::Object::Ptr>();
    auto properties = schema->getObject("properties");
    if (!properties) properties = new Poco::JSON::Object;
    if (config.IsDefined() && !config.IsNull() && !config.IsMap())
        throw ConfigError(keyPath, "expected a mapping");

    ValidatedInstanceConfig result;
    Poco::JSON::Object out;
    if (config.IsMap()) {
        for (const auto& entry : config) {
            std::string key = entry.first.as<std::string>();
            if (!properties->has(key))
                throw ConfigError(YamlReader::join(keyPath, key), "unknown key for this plugin");
        }
    }
    for (const auto& [key, specVar] : *properties) {
        auto spec = specVar.extract<Poco::JSON::Object::Ptr>();
        std::string path = YamlReader::join(keyPath, key);
        std::string type = spec->optValue<std::string>("type", "string");
        bool secret = spec->optValue<bool>("secret", false);
        bool present = config.IsMap() && config[key].IsDefined() && !config[key].IsNull();
        if (present) {
            out.set(key, convert(type, config[key], path, baseDir, secret, result.secrets));
        } else if (spec->has("default") && !spec->isNull("default")) {
            out.set(key, spec->get("default"));
        } else if (spec->optValue<bool>("required", false)) {
            throw ConfigError(path, "required key is missing");
        }
    }
    std::ostringstream json;
    out.stringify(json);
    result.json = json.str();
    return result;
}

}  // namespace switchboard::config
