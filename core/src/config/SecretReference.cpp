#include "config/SecretReference.h"

#include "config/ConfigError.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

namespace switchboard::config {

std::string resolveReferences(const std::string& value, const std::string& keyPath,
                              const std::string& baseDir) {
    if (value.rfind("file:", 0) == 0) {
        std::filesystem::path file = value.substr(5);
        if (file.empty()) throw ConfigError(keyPath, "file: reference names no file");
        if (file.is_relative()) file = std::filesystem::path(baseDir) / file;
        std::ifstream in(file, std::ios::binary);
        if (!in) throw ConfigError(keyPath, "cannot read secret file " + file.string());
        std::ostringstream content;
        content << in.rdbuf();
        std::string text = content.str();
        if (!text.empty() && text.back() == '\n') text.pop_back();
        if (!text.empty() && text.back() == '\r') text.pop_back();
        return text;
    }
    static const std::regex kReference(R"(\$\{([A-Za-z_][A-Za-z0-9_]*)\})");
    std::string result;
    auto begin = std::sregex_iterator(value.begin(), value.end(), kReference);
    std::size_t last = 0;
    for (auto it = begin; it != std::sregex_iterator(); ++it) {
        const std::smatch& match = *it;
        std::string name = match[1].str();
        const char* env = std::getenv(name.c_str());
        if (env == nullptr)
            throw ConfigError(keyPath, "environment variable " + name + " is not set");
        result.append(value, last, static_cast<std::size_t>(match.position(0)) - last);
        result.append(env);
        last = static_cast<std::size_t>(match.position(0) + match.length(0));
    }
    result.append(value, last, std::string::npos);
    return result;
}

}  // namespace switchboard::config
