#pragma once

#include "config/AppConfig.h"

#include <string>

namespace switchboard::config {

/// Reads and validates a Switchboard YAML file (structure, types, ranges, references
/// between sections). Plugin-specific `config:` blocks are validated later against each
/// plugin's schema (PluginSchema), once the plugins are loaded.
/// Throws ConfigError whose message starts with the full key path.
AppConfig loadConfigFile(const std::string& path);

/// Same, from YAML text; `baseDir` resolves relative `file:` references and paths.
AppConfig loadConfigText(const std::string& yaml, const std::string& baseDir,
                         const std::string& sourceName = "<text>");

}  // namespace switchboard::config
