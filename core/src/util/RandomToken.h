#pragma once

#include "switchboard/sdk/Crypto.h"

#include <openssl/rand.h>

#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

namespace switchboard::util {

/// `bytes` bytes from OpenSSL's CSPRNG (RAND_bytes) as lowercase hex (2 × bytes characters).
/// Throws std::runtime_error if the generator cannot be seeded — never falls back to a weak
/// source.
inline std::string randomHex(std::size_t bytes) {
    std::vector<unsigned char> buffer(bytes);
    if (RAND_bytes(buffer.data(), static_cast<int>(buffer.size())) != 1)
        throw std::runtime_error("the system random generator is unavailable");
    return sdk::toHex(
        std::string_view(reinterpret_cast<const char*>(buffer.data()), buffer.size()));
}

/// A new tenant API key: "sbk_" + 64 hex characters (256 random bits). Shown to the admin
/// once; only its SHA-256 and its first kApiKeyPrefixLength characters are stored.
inline std::string newApiKey() { return "sbk_" + randomHex(32); }
inline constexpr std::size_t kApiKeyPrefixLength = 12;

}  // namespace switchboard::util
