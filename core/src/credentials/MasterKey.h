#pragma once

#include <optional>
#include <string>

namespace switchboard::credentials {

/// Length of an AES-256 key in bytes.
inline constexpr std::size_t kMasterKeyBytes = 32;

/// Decodes a master key as the operator writes it: exactly 64 hex digits (either case), or
/// standard base64 (RFC 4648 §4, padding required, surrounding whitespace ignored) of
/// exactly 32 bytes. Output: the 32 raw key bytes; nullopt for anything else (wrong length,
/// bad characters) — the caller reports it naming the config key, never echoing the value.
/// Never throws.
std::optional<std::string> decodeMasterKey(const std::string& text);

}  // namespace switchboard::credentials
