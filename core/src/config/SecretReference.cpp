#include "config/SecretReference.h"

#include "config/ConfigError.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace switchboard::config {
namespace {

bool startsName(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool continuesName(char c) { return startsName(c) || (c >= '0' && c <= '9'); }

std::string readSecretFile(const std::string& value, const std::string& keyPath,
                           const std::string& baseDir) {
    std::filesystem::path file = value.substr(5);
    if (file.empty()) throw ConfigError(keyPath, "file: reference names no file");
    if (file.is_relative()) file = std::filesystem::path(baseDir) / file;
    std::ifstream in(file, std::ios::binary);
    if (!in) throw ConfigError(keyPath, "cannot read secret file " + file.string());
    // Bounded: a reference to a device or a log file (file:/dev/zero) must be an error, not a
    // start-up that reads until memory runs out.
    std::string text(kMaxSecretFileBytes + 1, '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));
    if (text.size() > kMaxSecretFileBytes)
        throw ConfigError(keyPath, "secret file " + file.string() + " is larger than " +
                                       std::to_string(kMaxSecretFileBytes) + " bytes");
    if (!text.empty() && text.back() == '\n') text.pop_back();
    if (!text.empty() && text.back() == '\r') text.pop_back();
    return text;
}

}  // namespace

std::string resolveReferences(const std::string& value, const std::string& keyPath,
                              const std::string& baseDir) {
    if (value.rfind("file:", 0) == 0) return readSecretFile(value, keyPath, baseDir);
    // A scan for ${NAME} (NAME = [A-Za-z_][A-Za-z0-9_]*) rather than std::regex: libstdc++'s
    // regex recurses once per character matched, so a long value overflowed the stack
    // (found by fuzz/config_loader).
    std::string result;
    std::size_t copied = 0;
    std::size_t from = 0;
    while ((from = value.find("${", from)) != std::string::npos) {
        std::size_t end = from + 2;
        if (end < value.size() && startsName(value[end])) {
            while (end < value.size() && continuesName(value[end])) ++end;
        }
        if (end == from + 2 || end >= value.size() || value[end] != '}') {
            ++from;  // not a reference here; one may still start inside it ("${${A}")
            continue;
        }
        const std::string name = value.substr(from + 2, end - from - 2);
        const char* env = std::getenv(name.c_str());
        if (env == nullptr)
            throw ConfigError(keyPath, "environment variable " + name + " is not set");
        result.append(value, copied, from - copied);
        result.append(env);
        copied = from = end + 1;
    }
    result.append(value, copied, std::string::npos);
    return result;
}

}  // namespace switchboard::config
