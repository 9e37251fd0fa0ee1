#pragma once

#include <cstddef>
#include <string>

namespace switchboard::config {

/// The largest secret file `file:` reads (64 KiB): keys, tokens and certificates fit.
inline constexpr std::size_t kMaxSecretFileBytes = 64 * 1024;

/// Resolves secret references in a YAML string value:
///   "${NAME}" anywhere in the text → the environment variable NAME (error if unset);
///   a value starting with "file:" → the file's contents with one trailing newline removed
///   (relative paths are taken from `baseDir`, the config file's directory); a file larger
///   than kMaxSecretFileBytes is an error.
/// Anything else is returned unchanged. Throws ConfigError naming `keyPath` and the variable
/// or file — never the resolved value.
std::string resolveReferences(const std::string& value, const std::string& keyPath,
                              const std::string& baseDir);

}  // namespace switchboard::config
