// The one home of the byte helpers that core and plugins share: constant-time comparison,
// hex and base64 in both directions, SHA-256 and HMAC. Built on OpenSSL's libcrypto and
// Poco's encoders, never hand-rolled. Header-only; the SDK target links OpenSSL::Crypto.
#pragma once

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <Poco/Base64Decoder.h>
#include <Poco/Base64Encoder.h>
#include <Poco/DigestEngine.h>
#include <Poco/Exception.h>
#include <Poco/HexBinaryDecoder.h>

#include <cctype>
#include <iterator>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>

namespace switchboard::sdk {

/// Whether `a` and `b` hold the same bytes, in time independent of where they differ
/// (OpenSSL's CRYPTO_memcmp). A length difference returns false at once, which reveals only
/// the length. Use it for every secret, signature, token or key comparison.
inline bool constantTimeEquals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    return a.empty() || CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

/// `bytes` as lowercase hex: 2 characters per byte. Never throws.
inline std::string toHex(std::string_view bytes) {
    return Poco::DigestEngine::digestToHex(Poco::DigestEngine::Digest(bytes.begin(), bytes.end()));
}

/// The bytes that hex `text` spells (either case, even length, nothing else — no spaces);
/// nullopt for anything else. Never throws.
inline std::optional<std::string> fromHex(std::string_view text) {
    if (text.size() % 2 != 0) return std::nullopt;
    for (unsigned char c : text)
        if (!std::isxdigit(c)) return std::nullopt;
    std::istringstream in{std::string(text)};
    Poco::HexBinaryDecoder decoder(in);
    try {
        return std::string((std::istreambuf_iterator<char>(decoder)),
                           std::istreambuf_iterator<char>());
    } catch (const Poco::Exception&) {
        return std::nullopt;
    }
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

/// The bytes that `text` encodes in padded standard base64 (RFC 4648 §4); nullopt for any
/// character outside the alphabet, a wrong length or misplaced padding — Poco's decoder alone
/// skips unknown characters, so a typo could silently decode to different bytes. Never throws.
inline std::optional<std::string> fromBase64(std::string_view text) {
    if (text.size() % 4 != 0) return std::nullopt;
    const std::size_t body = text.find_last_not_of('=') + 1;  // 0 when all '=' (or empty)
    if (text.size() - body > 2) return std::nullopt;
    for (std::size_t i = 0; i < body; ++i) {
        const unsigned char c = static_cast<unsigned char>(text[i]);
        if (!std::isalnum(c) && c != '+' && c != '/') return std::nullopt;
    }
    std::istringstream in{std::string(text)};
    Poco::Base64Decoder decoder(in);
    try {
        return std::string((std::istreambuf_iterator<char>(decoder)),
                           std::istreambuf_iterator<char>());
    } catch (const Poco::Exception&) {
        return std::nullopt;
    }
}

/// Lowercase hex SHA-256 of `data` (raw bytes): 64 characters. Throws std::runtime_error
/// only if OpenSSL fails.
inline std::string sha256Hex(std::string_view data) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr) != 1)
        throw std::runtime_error("SHA-256 computation failed");
    return toHex(std::string_view(reinterpret_cast<const char*>(digest), length));
}

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
}  // namespace detail

/// Lowercase hex HMAC-SHA256 of `data` (raw bytes, e.g. a webhook body) under `key`.
/// Output: 64 hex characters. Throws std::runtime_error only if OpenSSL fails.
inline std::string hmacSha256Hex(std::string_view key, std::string_view data) {
    return toHex(detail::hmacRaw(EVP_sha256(), key, data));
}

/// Base64 (standard alphabet, padded, no line breaks) HMAC-SHA1 of `data` under `key`, as
/// Twilio's X-Twilio-Signature uses.
inline std::string hmacSha1Base64(std::string_view key, std::string_view data) {
    return base64(detail::hmacRaw(EVP_sha1(), key, data));
}

}  // namespace switchboard::sdk
