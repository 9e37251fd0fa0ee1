#pragma once

#include <string>

namespace switchboard::testing {

/// Hex HMAC-SHA256 of `data` under `key`, computed by the `openssl dgst` command-line tool —
/// an oracle independent of the code under test (which uses libcrypto through the SDK).
std::string opensslHmacSha256Hex(const std::string& key, const std::string& data);

}  // namespace switchboard::testing
