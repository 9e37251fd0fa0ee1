#include "plugin/PluginRegistry.h"

#include "plugin/PluginLoadError.h"

#include <algorithm>
#include <filesystem>

namespace switchboard::plugin {

void PluginRegistry::loadDirectory(const std::string& directory) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (!fs::is_directory(directory, ec))
        throw PluginLoadError(directory, "plugin directory does not exist or is not a directory");
    std::vector<std::string> files;
    for (const auto& entry : fs::directory_iterator(directory, ec)) {
        if (entry.is_regular_file() && entry.path().extension() == ".so")
            files.push_back(entry.path().string());
    }
    if (ec) throw PluginLoadError(directory, "cannot list plugin directory: " + ec.message());
    std::sort(files.begin(), files.end());
    for (const auto& file : files) loadFile(file);
}

const PluginLibrary& PluginRegistry::loadFile(const std::string& path) {
    auto library = PluginLibrary::load(path);
    std::string name = library->name();
    if (auto it = byName_.find(name); it != byName_.end())
        throw PluginLoadError(
            path, "declares plugin name '" + name + "', already loaded from " + it->second->path());
    auto& slot = byName_[name];
    slot = std::move(library);
    return *slot;
}

const PluginLibrary* PluginRegistry::find(const std::string& name) const {
    auto it = byName_.find(name);
    return it == byName_.end() ? nullptr : it->second.get();
}

std::vector<std::string> PluginRegistry::names() const {
    std::vector<std::string> result;
    for (const auto& [name, library] : byName_) result.push_back(name);
    return result;
}

}  // namespace switchboard::plugin
