#include "config/YamlReader.h"

#include "config/ConfigError.h"
#include "config/SecretReference.h"

#include <charconv>

namespace switchboard::config {
namespace {

std::string where(const YAML::Node& node) {
    const YAML::Mark mark = node.Mark();
    return mark.line >= 0 ? " (line " + std::to_string(mark.line + 1) + ")" : "";
}

}  // namespace

YamlReader::YamlReader(const YAML::Node& node, std::string keyPath, std::string baseDir)
    : node_(node), path_(std::move(keyPath)), baseDir_(std::move(baseDir)) {
    if (node_.IsDefined() && !node_.IsNull() && !node_.IsMap())
        throw ConfigError(path_, "expected a mapping" + where(node_));
}

bool YamlReader::has(const std::string& key) const {
    return node_.IsMap() && node_[key].IsDefined() && !node_[key].IsNull();
}

std::string YamlReader::shown(const YAML::Node& node, const std::string& resolved) {
    const std::string raw = node.IsScalar() ? node.Scalar() : std::string();
    if (raw.find("${") != std::string::npos || raw.rfind("file:", 0) == 0)
        return "a referenced value (not shown)";
    return "'" + resolved + "'";
}

std::string YamlReader::scalar(const YAML::Node& node, const std::string& keyPath,
                               const std::string& baseDir) {
    if (!node.IsScalar()) throw ConfigError(keyPath, "expected a string" + where(node));
    return resolveReferences(node.Scalar(), keyPath, baseDir);
}

std::string YamlReader::string(const std::string& key, const std::string& fallback) {
    read_.insert(key);
    if (!has(key)) return fallback;
    return scalar(node_[key], join(path_, key), baseDir_);
}

std::string YamlReader::requiredString(const std::string& key) {
    read_.insert(key);
    if (!has(key)) throw ConfigError(join(path_, key), "required key is missing");
    std::string value = scalar(node_[key], join(path_, key), baseDir_);
    if (value.empty()) throw ConfigError(join(path_, key), "must not be empty");
    return value;
}

long long YamlReader::integer(const std::string& key, long long fallback, long long min,
                              long long max) {
    read_.insert(key);
    if (!has(key)) return fallback;
    std::string text = scalar(node_[key], join(path_, key), baseDir_);
    long long value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size())
        throw ConfigError(join(path_, key), "expected an integer, got " + shown(node_[key], text) +
                                                where(node_[key]));
    if (value < min || value > max)
        throw ConfigError(join(path_, key), "must be between " + std::to_string(min) + " and " +
                                                std::to_string(max) + ", got " + text);
    return value;
}

double YamlReader::number(const std::string& key, double fallback, double min, double max) {
    read_.insert(key);
    if (!has(key)) return fallback;
    std::string text = scalar(node_[key], join(path_, key), baseDir_);
    double value = 0;
    try {
        std::size_t used = 0;
        value = std::stod(text, &used);
        if (used != text.size()) throw std::invalid_argument(text);
    } catch (const std::exception&) {
        throw ConfigError(join(path_, key), "expected a number, got " + shown(node_[key], text));
    }
    if (value < min || value > max)
        throw ConfigError(join(path_, key),
                          "must be between " + std::to_string(min) + " and " + std::to_string(max));
    return value;
}

bool YamlReader::boolean(const std::string& key, bool fallback) {
    read_.insert(key);
    if (!has(key)) return fallback;
    std::string text = scalar(node_[key], join(path_, key), baseDir_);
    if (text == "true" || text == "yes" || text == "on") return true;
    if (text == "false" || text == "no" || text == "off") return false;
    throw ConfigError(join(path_, key), "expected true or false, got " + shown(node_[key], text));
}

std::vector<std::string> YamlReader::stringList(const std::string& key) {
    read_.insert(key);
    std::vector<std::string> result;
    if (!has(key)) return result;
    const YAML::Node list = node_[key];
    if (!list.IsSequence()) throw ConfigError(join(path_, key), "expected a list" + where(list));
    for (std::size_t i = 0; i < list.size(); ++i)
        result.push_back(scalar(list[i], index(join(path_, key), i), baseDir_));
    return result;
}

YAML::Node YamlReader::child(const std::string& key) {
    read_.insert(key);
    return has(key) ? node_[key] : YAML::Node();
}

void YamlReader::finish() const {
    if (!node_.IsMap()) return;
    for (const auto& entry : node_) {
        std::string key = entry.first.as<std::string>();
        if (!read_.count(key))
            throw ConfigError(join(path_, key), "unknown key" + where(entry.first));
    }
}

}  // namespace switchboard::config
