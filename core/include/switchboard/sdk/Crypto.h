// Message authentication helpers for plugins, on OpenSSL's libcrypto (never hand-rolled).
// Header-only; the SDK target links OpenSSL::Crypto.
#pragma once

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <Poco/Base64Encoder.h>

#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>

namespace switchboard::sdk {

namespace detail {
inline std::string hmacRaw(const EVP_MD* md, std::string_view key, std::string_view data) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (HMAC(md, key.data(), static_cast<int>(key.size()),
             reinterpret_cast<const unsigned char*>(data.data()), data.size(), out,
             &length) == nullptr)
        throw std::runtime_error("HMAC computation failed");
    return std::string(reinterpret_cast<const char*>(out), length);
}

inline std::string toHex(std::string_view bytes) {
    static const char* const kDigits = "0123456789abcdef";
    std::string hex;
    hex.reserve(bytes.size() * 2);
    for (unsigned char c : bytes) {
        hex.push_back(kDigits[c >> 4]);
        hex.push_back(kDigits[c & 0x0F]);
    }
    return hex;
}
}  // namespace detail

/// Lowercase hex HMAC-SHA256 of `data` (raw bytes, e.g. a webhook body) under `key`.
/// Output: 64 hex characters. Throws std::runtime_error only if OpenSSL fails.
inline std::string hmacSha256Hex(std::string_view key, std::string_view data) {
    return detail::toHex(detail::hmacRaw(EVP_sha256(), key, data));
}

/// `data` (raw bytes) in base64: standard alphabet, padded, no line breaks (RFC 4648 §4),
/// as HTTP Basic credentials and Twilio's signatures use it. Never throws.
inline std::string base64(std::string_view data) {
    std::ostringstream out;
    Poco::Base64Encoder encoder(out);
    encoder.rdbuf()->setLineLength(0);
    encoder << data;
    encoder.close();
    return out.str();
}

/// Base64 (standard alphabet, padded, no line breaks) HMAC-SHA1 of `data` under `key`, as
/// Twilio's X-Twilio-Signature uses.
inline std::string hmacSha1Base64(std::string_view key, std::string_view data) {
    return base64(detail::hmacRaw(EVP_sha1(), key, data));
}

}  // namespace switchboard::sdk
