#pragma once

#include <yaml-cpp/yaml.h>

#include <set>
#include <string>
#include <vector>

namespace switchboard::config {

/// Typed, strict access to one YAML mapping: every getter checks the type and names the
/// full key path on error; finish() refuses keys nobody asked for. String values go through
/// resolveReferences (${ENV}, file:), so secrets may be referenced anywhere.
class YamlReader {
  public:
    /// `node` must be a mapping (or null/undefined = empty); throws ConfigError otherwise.
    YamlReader(const YAML::Node& node, std::string keyPath, std::string baseDir);

    bool has(const std::string& key) const;
    std::string string(const std::string& key, const std::string& fallback);
    std::string requiredString(const std::string& key);
    long long integer(const std::string& key, long long fallback, long long min, long long max);
    double number(const std::string& key, double fallback, double min, double max);
    bool boolean(const std::string& key, bool fallback);
    std::vector<std::string> stringList(const std::string& key);
    /// The raw child node (marked as read), for nested readers.
    YAML::Node child(const std::string& key);
    std::string childPath(const std::string& key) const { return join(path_, key); }
    const std::string& path() const { return path_; }
    const std::string& baseDir() const { return baseDir_; }

    /// Throws ConfigError for the first key present but never read (unknown key).
    void finish() const;

    static std::string join(const std::string& path, const std::string& key) {
        return path.empty() ? key : path + "." + key;
    }
    static std::string index(const std::string& path, std::size_t i) {
        return path + "[" + std::to_string(i) + "]";
    }
    /// "'value'" for error messages — unless the value came from a ${ENV} or file:
    /// reference, which may hold a secret and is therefore not echoed.
    static std::string shown(const YAML::Node& node, const std::string& resolved);
    /// A scalar as a string with references resolved; ConfigError if not a scalar.
    static std::string scalar(const YAML::Node& node, const std::string& keyPath,
                              const std::string& baseDir);

  private:
    YAML::Node node_;
    std::string path_;
    std::string baseDir_;
    std::set<std::string> read_;
};

}  // namespace switchboard::config
