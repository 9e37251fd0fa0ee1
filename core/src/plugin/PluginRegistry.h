#pragma once

#include "plugin/PluginLibrary.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace switchboard::plugin {

/// The set of plugin libraries loaded at start-up, by plugin name.
class PluginRegistry {
  public:
    /// Loads every `*.so` in `directory` (sorted by file name). Throws PluginLoadError naming
    /// the file for the first library refused, including a second library declaring a plugin
    /// name already loaded (both files are named). A missing directory is an error too.
    void loadDirectory(const std::string& directory);

    /// Loads one library file; same checks and errors as loadDirectory.
    const PluginLibrary& loadFile(const std::string& path);

    /// The library that declared plugin `name`, or nullptr.
    const PluginLibrary* find(const std::string& name) const;

    std::vector<std::string> names() const;

  private:
    std::map<std::string, std::unique_ptr<PluginLibrary>> byName_;
};

}  // namespace switchboard::plugin
