#pragma once

#include <stdexcept>
#include <string>

namespace switchboard::plugin {

/// A plugin library was refused at start-up. what() names the file and the reason.
class PluginLoadError : public std::runtime_error {
  public:
    PluginLoadError(const std::string& file, const std::string& reason)
        : std::runtime_error("plugin " + file + ": " + reason), file_(file) {}
    const std::string& file() const { return file_; }

  private:
    std::string file_;
};

}  // namespace switchboard::plugin
