#pragma once

#include "switchboard/plugin_abi.h"

#include <Poco/SharedLibrary.h>

#include <memory>
#include <string>

namespace switchboard::plugin {

/// One loaded plugin library whose descriptor passed every ABI check. Immutable; the
/// library stays loaded for the object's lifetime.
class PluginLibrary {
  public:
    /// Loads `path`, calls sb_plugin_entry and checks the descriptor: ABI major equal and
    /// minor not newer than the host's, struct_size of the descriptor and hook table large
    /// enough, name present and well-formed, required hooks present for its capabilities
    /// (SB_CAP_TELEPHONY also needs ABI 1.2 and a hook table reaching the telephony hooks),
    /// config schema and status table valid JSON objects.
    /// Throws PluginLoadError naming `path` on any refusal.
    static std::unique_ptr<PluginLibrary> load(const std::string& path);

    ~PluginLibrary();
    PluginLibrary(const PluginLibrary&) = delete;
    PluginLibrary& operator=(const PluginLibrary&) = delete;

    const std::string& path() const { return path_; }
    std::string name() const { return descriptor_->name; }
    std::string version() const { return descriptor_->plugin_version; }
    /// The compiler and build the plugin reports (diagnostics only; checked printable).
    std::string buildSignature() const { return descriptor_->build_signature; }
    const sb_plugin_descriptor& descriptor() const { return *descriptor_; }
    /// The plugin's hook table, copied at load time up to its struct_size: hooks a plugin
    /// built for an older minor cannot have (e.g. the ABI 1.2 telephony hooks of a 1.1
    /// plugin) read as NULL here instead of past the end of its table.
    const sb_plugin_hooks& hooks() const { return hooks_; }
    /// True when the descriptor declares capability `bit` (SB_CAP_*); the loader has then
    /// checked that every hook the capability requires is present.
    bool has(uint32_t bit) const { return (descriptor_->capabilities & bit) != 0; }

  private:
    PluginLibrary(std::string path, std::unique_ptr<Poco::SharedLibrary> library,
                  const sb_plugin_descriptor* descriptor);

    std::string path_;
    std::unique_ptr<Poco::SharedLibrary> library_;
    const sb_plugin_descriptor* descriptor_;
    sb_plugin_hooks hooks_{};
};

}  // namespace switchboard::plugin
