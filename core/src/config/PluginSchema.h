#pragma once

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

namespace switchboard::config {

/// The outcome of validating one instance's `config:` block.
struct ValidatedInstanceConfig {
    std::string json;                  ///< JSON object handed to create_instance
    std::vector<std::string> secrets;  ///< resolved values of keys the schema marks secret
};

/// Validates `config` (a YAML mapping, or null = empty) against a plugin's config schema
/// (JSON, format in plugin_abi.h: {"properties": {key: {type, required, secret, default}}}).
/// Resolves ${ENV}/file: references, applies defaults, converts to JSON.
/// Throws ConfigError naming `keyPath`.<key> for an unknown key, a wrong type or a missing
/// required key.
ValidatedInstanceConfig validateInstanceConfig(const std::string& schemaJson,
                                               const YAML::Node& config, const std::string& keyPath,
                                               const std::string& baseDir);

}  // namespace switchboard::config
