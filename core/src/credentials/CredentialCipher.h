#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

namespace switchboard::credentials {

/// Nonce and tag sizes of every sealed credential (NIST SP 800-38D §5.2.1.1 recommends a
/// 96-bit IV; the tag is the full 128 bits).
inline constexpr std::size_t kNonceBytes = 12;
inline constexpr std::size_t kTagBytes = 16;

/// Raised when a sealed value cannot be opened: unknown key id, wrong key, tampered
/// ciphertext/nonce/tag, or associated data that does not match. The message names the key
/// id at most — never key material or plaintext.
class DecryptError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// Result of one AES-256-GCM encryption; every field is raw bytes.
struct GcmOutput {
    std::string ciphertext;  ///< same length as the plaintext
    std::string tag;         ///< kTagBytes
};

/// AES-256-GCM encryption through OpenSSL EVP. Inputs: `key` 32 bytes, `nonce` 12 bytes
/// (must never repeat under one key), `aad` authenticated but not encrypted (any length),
/// `plaintext` any length including 0. Throws std::invalid_argument for wrong key/nonce
/// sizes, std::runtime_error when OpenSSL fails.
/// Source: NIST SP 800-38D; OpenSSL's EVP AEAD interface
/// (https://www.openssl.org/docs/man3.0/man3/EVP_EncryptInit_ex.html, "AEAD Interface").
GcmOutput aes256GcmEncrypt(const std::string& key, const std::string& nonce, const std::string& aad,
                           const std::string& plaintext);

/// The inverse of aes256GcmEncrypt. Returns the plaintext; throws DecryptError when the tag
/// does not verify (wrong key, nonce, aad, or any altered byte), std::invalid_argument for
/// wrong key/nonce/tag sizes.
std::string aes256GcmDecrypt(const std::string& key, const std::string& nonce,
                             const std::string& aad, const std::string& ciphertext,
                             const std::string& tag);

/// A value sealed under a named master key.
struct Sealed {
    std::string keyId;       ///< which master key sealed it
    std::string nonce;       ///< kNonceBytes random bytes
    std::string ciphertext;  ///< raw bytes
    std::string tag;         ///< kTagBytes
};

/// The master-key ring: the first key seals, every key opens. Keys are kept only in this
/// object and wiped (OPENSSL_cleanse) when it is destroyed. Thread-safe (immutable).
class CredentialCipher {
  public:
    struct Key {
        std::string id;     ///< non-empty, unique in the ring
        std::string bytes;  ///< 32 raw bytes
    };

    /// `keys` may be empty (sealing then throws; enabled() is false). Throws
    /// std::invalid_argument for an empty or duplicate id or a key that is not 32 bytes.
    explicit CredentialCipher(std::vector<Key> keys);
    ~CredentialCipher();
    CredentialCipher(const CredentialCipher&) = delete;
    CredentialCipher& operator=(const CredentialCipher&) = delete;

    bool enabled() const { return !keys_.empty(); }
    /// The id new seals use; empty when disabled.
    std::string activeKeyId() const { return keys_.empty() ? std::string() : keys_.front().id; }
    /// True when the ring holds a key with this id.
    bool hasKey(const std::string& id) const;
    /// Key ids in ring order (active first).
    std::vector<std::string> keyIds() const;

    /// Seals `plaintext` bound to `aad` under the active key with a fresh random nonce
    /// (RAND_bytes). Throws std::logic_error when disabled, std::runtime_error when the
    /// random generator or OpenSSL fails.
    Sealed seal(const std::string& plaintext, const std::string& aad) const;

    /// Opens a sealed value bound to `aad` with the key it names. Throws DecryptError when
    /// that key is not in the ring or the value does not authenticate.
    std::string open(const Sealed& sealed, const std::string& aad) const;

  private:
    std::vector<Key> keys_;
};

/// Overwrites a string's bytes with zeros (OPENSSL_cleanse, which the compiler cannot elide)
/// and empties it: for plaintext credentials once they are no longer needed.
void wipe(std::string& secret);

}  // namespace switchboard::credentials
