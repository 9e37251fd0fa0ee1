#pragma once

#include <stdexcept>
#include <string>

namespace switchboard::config {

/// A configuration problem. what() starts with the full key path, e.g.
/// "providers[0].config.api_key: required key is missing".
class ConfigError : public std::runtime_error {
  public:
    ConfigError(const std::string& keyPath, const std::string& message)
        : std::runtime_error(keyPath.empty() ? message : keyPath + ": " + message) {}
};

}  // namespace switchboard::config
