// The 6-digit caller-ID verification code: generated from OpenSSL's CSPRNG and kept only as a
// keyed hash. A code has only 10^6 values, so no unkeyed hash (however slow) would protect a
// leaked table; HMAC-SHA256 under the server's telephony.code_hash_key does, and expiry and
// the attempt limit protect the live code (shared/TOOLCHAIN.md, "Crypto").
#pragma once

#include <string>

namespace switchboard::telephony {

/// Six decimal digits, uniform over 000000-999999 (RAND_bytes with rejection sampling, no
/// modulo bias). Throws std::runtime_error when the CSPRNG cannot be used — never falls
/// back to a weak source.
std::string newVerificationCode();

/// 16 random bytes as 32 lowercase hex characters, stored next to each hash so that equal
/// codes in two rows never hash alike. Throws std::runtime_error like newVerificationCode.
std::string newCodeSalt();

/// Lowercase hex HMAC-SHA256 under `key` of "v1:" + salt + ":" + code.
std::string hashVerificationCode(const std::string& key, const std::string& salt,
                                 const std::string& code);

/// True when `code` hashes to `storedHash` (compared in constant time).
bool verificationCodeMatches(const std::string& key, const std::string& salt,
                             const std::string& code, const std::string& storedHash);

}  // namespace switchboard::telephony
