#include "credentials/CredentialCipher.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <limits>
#include <memory>
#include <set>

namespace switchboard::credentials {
namespace {

using CipherContext = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

CipherContext newContext() {
    CipherContext ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
    if (!ctx) throw std::runtime_error("EVP_CIPHER_CTX_new failed");
    return ctx;
}

const unsigned char* bytesOf(const std::string& s) {
    return reinterpret_cast<const unsigned char*>(s.data());
}

int lengthOf(const std::string& s) {
    if (s.size() > static_cast<std::size_t>(std::numeric_limits<int>::max()))
        throw std::invalid_argument("AES-GCM input is too large");
    return static_cast<int>(s.size());
}

void checkSizes(const std::string& key, const std::string& nonce) {
    if (key.size() != 32) throw std::invalid_argument("AES-256-GCM key must be 32 bytes");
    if (nonce.size() != kNonceBytes)
        throw std::invalid_argument("AES-256-GCM nonce must be 12 bytes");
}

// The explicit IV length call is kept although 12 is OpenSSL's default, so the nonce size
// never depends on a library default.
void initialise(EVP_CIPHER_CTX* ctx, bool encrypt, const std::string& key,
                const std::string& nonce) {
    auto init = encrypt ? &EVP_EncryptInit_ex : &EVP_DecryptInit_ex;
    if (init(ctx, EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(kNonceBytes), nullptr) !=
            1 ||
        init(ctx, nullptr, nullptr, bytesOf(key), bytesOf(nonce)) != 1)
        throw std::runtime_error("AES-256-GCM initialisation failed");
}

}  // namespace

GcmOutput aes256GcmEncrypt(const std::string& key, const std::string& nonce, const std::string& aad,
                           const std::string& plaintext) {
    checkSizes(key, nonce);
    auto ctx = newContext();
    initialise(ctx.get(), true, key, nonce);
    int len = 0;
    if (!aad.empty() &&
        EVP_EncryptUpdate(ctx.get(), nullptr, &len, bytesOf(aad), lengthOf(aad)) != 1)
        throw std::runtime_error("AES-256-GCM AAD failed");
    GcmOutput out;
    out.ciphertext.resize(plaintext.size());
    auto* cipherBytes = reinterpret_cast<unsigned char*>(out.ciphertext.data());
    int written = 0;
    if (!plaintext.empty()) {
        if (EVP_EncryptUpdate(ctx.get(), cipherBytes, &len, bytesOf(plaintext),
                              lengthOf(plaintext)) != 1)
            throw std::runtime_error("AES-256-GCM encryption failed");
        written = len;
    }
    if (EVP_EncryptFinal_ex(ctx.get(), cipherBytes + written, &len) != 1)
        throw std::runtime_error("AES-256-GCM finalisation failed");
    out.tag.resize(kTagBytes);
    if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTagBytes),
                            out.tag.data()) != 1)
        throw std::runtime_error("AES-256-GCM tag retrieval failed");
    return out;
}

std::string aes256GcmDecrypt(const std::string& key, const std::string& nonce,
                             const std::string& aad, const std::string& ciphertext,
                             const std::string& tag) {
    checkSizes(key, nonce);
    if (tag.size() != kTagBytes) throw std::invalid_argument("AES-256-GCM tag must be 16 bytes");
    auto ctx = newContext();
    initialise(ctx.get(), false, key, nonce);
    int len = 0;
    if (!aad.empty() &&
        EVP_DecryptUpdate(ctx.get(), nullptr, &len, bytesOf(aad), lengthOf(aad)) != 1)
        throw DecryptError("AES-256-GCM AAD failed");
    std::string plaintext(ciphertext.size(), '\0');
    auto* plainBytes = reinterpret_cast<unsigned char*>(plaintext.data());
    int written = 0;
    if (!ciphertext.empty()) {
        if (EVP_DecryptUpdate(ctx.get(), plainBytes, &len, bytesOf(ciphertext),
                              lengthOf(ciphertext)) != 1) {
            wipe(plaintext);
            throw DecryptError("AES-256-GCM decryption failed");
        }
        written = len;
    }
    std::string expected = tag;
    if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(kTagBytes),
                            expected.data()) != 1 ||
        EVP_DecryptFinal_ex(ctx.get(), plainBytes + written, &len) != 1) {
        // Unauthenticated plaintext is never returned, not even partially.
        wipe(plaintext);
        throw DecryptError("credential does not authenticate (wrong key, or altered data)");
    }
    return plaintext;
}

CredentialCipher::CredentialCipher(std::vector<Key> keys) : keys_(std::move(keys)) {
    std::set<std::string> ids;
    for (const auto& k : keys_) {
        if (k.id.empty()) throw std::invalid_argument("a master key has an empty id");
        if (!ids.insert(k.id).second)
            throw std::invalid_argument("master key id '" + k.id + "' is used twice");
        if (k.bytes.size() != 32)
            throw std::invalid_argument("master key '" + k.id + "' is not 32 bytes");
    }
}

CredentialCipher::~CredentialCipher() {
    for (auto& k : keys_) wipe(k.bytes);
}

bool CredentialCipher::hasKey(const std::string& id) const {
    for (const auto& k : keys_)
        if (k.id == id) return true;
    return false;
}

std::vector<std::string> CredentialCipher::keyIds() const {
    std::vector<std::string> ids;
    for (const auto& k : keys_) ids.push_back(k.id);
    return ids;
}

Sealed CredentialCipher::seal(const std::string& plaintext, const std::string& aad) const {
    if (keys_.empty()) throw std::logic_error("no master key is configured");
    Sealed sealed;
    sealed.keyId = keys_.front().id;
    sealed.nonce.resize(kNonceBytes);
    // A random 96-bit nonce per seal: credentials are written rarely, so the birthday bound
    // (2^32 seals per key, SP 800-38D §8.3) is never approached.
    if (RAND_bytes(reinterpret_cast<unsigned char*>(sealed.nonce.data()),
                   static_cast<int>(kNonceBytes)) != 1)
        throw std::runtime_error("RAND_bytes failed");
    GcmOutput out = aes256GcmEncrypt(keys_.front().bytes, sealed.nonce, aad, plaintext);
    sealed.ciphertext = std::move(out.ciphertext);
    sealed.tag = std::move(out.tag);
    return sealed;
}

std::string CredentialCipher::open(const Sealed& sealed, const std::string& aad) const {
    for (const auto& k : keys_) {
        if (k.id != sealed.keyId) continue;
        if (sealed.nonce.size() != kNonceBytes || sealed.tag.size() != kTagBytes)
            throw DecryptError("credential sealed under key '" + k.id + "' is malformed");
        return aes256GcmDecrypt(k.bytes, sealed.nonce, aad, sealed.ciphertext, sealed.tag);
    }
    throw DecryptError("master key '" + sealed.keyId + "' is not configured");
}

void wipe(std::string& secret) {
    if (!secret.empty()) OPENSSL_cleanse(secret.data(), secret.size());
    secret.clear();
}

}  // namespace switchboard::credentials
