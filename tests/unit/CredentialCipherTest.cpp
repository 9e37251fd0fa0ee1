// AES-256-GCM for tenant credentials: known-answer vectors from the GCM specification
// (independent of the code under test), a cross-check against Poco::Crypto's own GCM path,
// and the failure cases a sealed credential must survive (wrong key, wrong row, any
// altered byte). Master-key decoding (hex, base64) with its refusals.
#include "credentials/CredentialCipher.h"
#include "credentials/MasterKey.h"
#include "credentials/SealedCredentials.h"

#include <Poco/Crypto/Cipher.h>
#include <Poco/Crypto/CipherFactory.h>
#include <Poco/Crypto/CipherKey.h>
#include <Poco/Crypto/CryptoTransform.h>
#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <string>

namespace switchboard::credentials {
namespace {

std::string hex(const std::string& text) {
    std::string bytes;
    for (std::size_t i = 0; i + 1 < text.size(); i += 2)
        bytes.push_back(static_cast<char>(std::stoi(text.substr(i, 2), nullptr, 16)));
    return bytes;
}

std::string toHex(const std::string& bytes) {
    static const char* digits = "0123456789abcdef";
    std::string out;
    for (unsigned char c : bytes) {
        out.push_back(digits[c >> 4]);
        out.push_back(digits[c & 15]);
    }
    return out;
}

// Test cases 13-16 (AES-256) of McGrew & Viega, "The Galois/Counter Mode of Operation
// (GCM)", the vectors NIST's GCM validation builds on:
// https://csrc.nist.rip/groups/ST/toolkit/BCM/documents/proposedmodes/gcm/gcm-spec.pdf
struct KnownAnswer {
    const char* name;
    const char* key;
    const char* iv;
    const char* aad;
    const char* plaintext;
    const char* ciphertext;
    const char* tag;
};

const KnownAnswer kVectors[] = {
    {"case13", "0000000000000000000000000000000000000000000000000000000000000000",
     "000000000000000000000000", "", "", "", "530f8afbc74536b9a963b4f1c4cb738b"},
    {"case14", "0000000000000000000000000000000000000000000000000000000000000000",
     "000000000000000000000000", "", "00000000000000000000000000000000",
     "cea7403d4d606b6e074ec5d3baf39d18", "d0d1c8a799996bf0265b98b5d48ab919"},
    {"case15", "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308",
     "cafebabefacedbaddecaf888", "",
     "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e24"
     "49a6b525b16aedf5aa0de657ba637b391aafd255",
     "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b10"
     "56828838c5f61e6393ba7a0abcc9f662898015ad",
     "b094dac5d93471bdec1a502270e3cc6c"},
    {"case16", "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308",
     "cafebabefacedbaddecaf888", "feedfacedeadbeeffeedfacedeadbeefabaddad2",
     "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e24"
     "49a6b525b16aedf5aa0de657ba637b39",
     "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b10"
     "56828838c5f61e6393ba7a0abcc9f662",
     "76fc6ece0f4e1768cddf8853bb2d551b"},
};

TEST(CredentialCipherTest, EncryptionMatchesTheGcmSpecificationVectors) {
    for (const auto& v : kVectors) {
        GcmOutput out = aes256GcmEncrypt(hex(v.key), hex(v.iv), hex(v.aad), hex(v.plaintext));
        EXPECT_EQ(toHex(out.ciphertext), v.ciphertext) << v.name;
        EXPECT_EQ(toHex(out.tag), v.tag) << v.name;
    }
}

TEST(CredentialCipherTest, DecryptionOfTheSpecificationVectorsGivesTheirPlaintext) {
    for (const auto& v : kVectors) {
        EXPECT_EQ(toHex(aes256GcmDecrypt(hex(v.key), hex(v.iv), hex(v.aad), hex(v.ciphertext),
                                         hex(v.tag))),
                  v.plaintext)
            << v.name;
    }
}

TEST(CredentialCipherTest, PocoCryptoOpensWhatWeSealAndWeOpenWhatItSeals) {
    // Poco::Crypto has its own GCM path (no AAD in 1.11, hence an empty AAD here).
    const std::string key = hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    const std::string iv = hex("0f0e0d0c0b0a090807060504");
    const std::string plaintext = "{\"auth_token\":\"cross-check-token-0123456789\"}";
    Poco::Crypto::CipherKey::ByteVec keyBytes(key.begin(), key.end());
    Poco::Crypto::CipherKey::ByteVec ivBytes(iv.begin(), iv.end());
    Poco::Crypto::CipherKey cipherKey("aes-256-gcm", keyBytes, ivBytes);
    Poco::Crypto::Cipher::Ptr poco =
        Poco::Crypto::CipherFactory::defaultFactory().createCipher(cipherKey);

    GcmOutput ours = aes256GcmEncrypt(key, iv, "", plaintext);
    {
        Poco::Crypto::CryptoTransform::Ptr decryptor = poco->createDecryptor();
        decryptor->setTag(ours.tag);
        std::string out(ours.ciphertext.size() + 32, '\0');
        auto* o = reinterpret_cast<unsigned char*>(out.data());
        std::streamsize n =
            decryptor->transform(reinterpret_cast<const unsigned char*>(ours.ciphertext.data()),
                                 static_cast<std::streamsize>(ours.ciphertext.size()), o,
                                 static_cast<std::streamsize>(out.size()));
        n += decryptor->finalize(o + n, static_cast<std::streamsize>(out.size()) - n);
        out.resize(static_cast<std::size_t>(n));
        EXPECT_EQ(out, plaintext);
    }
    {
        Poco::Crypto::CryptoTransform::Ptr encryptor = poco->createEncryptor();
        std::string out(plaintext.size() + 32, '\0');
        auto* o = reinterpret_cast<unsigned char*>(out.data());
        std::streamsize n =
            encryptor->transform(reinterpret_cast<const unsigned char*>(plaintext.data()),
                                 static_cast<std::streamsize>(plaintext.size()), o,
                                 static_cast<std::streamsize>(out.size()));
        n += encryptor->finalize(o + n, static_cast<std::streamsize>(out.size()) - n);
        out.resize(static_cast<std::size_t>(n));
        const std::string tag = encryptor->getTag(16);
        EXPECT_EQ(out, ours.ciphertext);
        EXPECT_EQ(tag, ours.tag);
        EXPECT_EQ(aes256GcmDecrypt(key, iv, "", out, tag), plaintext);
    }
}

CredentialCipher::Key key(const std::string& id, char fill) { return {id, std::string(32, fill)}; }

TEST(CredentialCipherTest, SealOpenRoundTripUsesTheActiveKeyAndAFreshNonce) {
    CredentialCipher cipher({key("k2", 'b'), key("k1", 'a')});
    ASSERT_TRUE(cipher.enabled());
    EXPECT_EQ(cipher.activeKeyId(), "k2");
    std::set<std::string> nonces;
    for (int i = 0; i < 50; ++i) {
        Sealed s = cipher.seal("secret-value", "row");
        EXPECT_EQ(s.keyId, "k2");
        EXPECT_EQ(s.nonce.size(), kNonceBytes);
        EXPECT_EQ(s.tag.size(), kTagBytes);
        EXPECT_EQ(s.ciphertext.size(), std::string("secret-value").size());
        EXPECT_EQ(s.ciphertext.find("secret"), std::string::npos);
        EXPECT_EQ(cipher.open(s, "row"), "secret-value");
        nonces.insert(s.nonce);
    }
    EXPECT_EQ(nonces.size(), 50u) << "a nonce repeated";
}

TEST(CredentialCipherTest, EmptyAndLargePlaintextsRoundTrip) {
    CredentialCipher cipher({key("k1", 'a')});
    Sealed empty = cipher.seal("", "row");
    EXPECT_TRUE(empty.ciphertext.empty());
    EXPECT_EQ(cipher.open(empty, "row"), "");
    std::string large(4 << 20, '\0');
    for (std::size_t i = 0; i < large.size(); ++i) large[i] = static_cast<char>(i * 31 + 7);
    Sealed big = cipher.seal(large, "row");
    EXPECT_EQ(cipher.open(big, "row"), large);
}

TEST(CredentialCipherTest, OldKeysStillOpenAfterANewKeyIsAdded) {
    Sealed old = CredentialCipher({key("k1", 'a')}).seal("value", "row");
    CredentialCipher rotated({key("k2", 'b'), key("k1", 'a')});
    EXPECT_EQ(rotated.open(old, "row"), "value");
    Sealed resealed = rotated.seal("value", "row");
    EXPECT_EQ(resealed.keyId, "k2");
    // Once k1 is dropped, only what was resealed opens.
    CredentialCipher dropped({key("k2", 'b')});
    EXPECT_EQ(dropped.open(resealed, "row"), "value");
    EXPECT_THROW(dropped.open(old, "row"), DecryptError);
}

TEST(CredentialCipherTest, AWrongKeyUnderTheSameIdDoesNotOpen) {
    Sealed s = CredentialCipher({key("k1", 'a')}).seal("value", "row");
    EXPECT_THROW(CredentialCipher({key("k1", 'z')}).open(s, "row"), DecryptError);
}

TEST(CredentialCipherTest, AnUnknownKeyIdIsRefusedNamingOnlyTheId) {
    Sealed s = CredentialCipher({key("k1", 'a')}).seal("value", "row");
    try {
        CredentialCipher({key("k9", 'a')}).open(s, "row");
        FAIL() << "opened under a key id that is not in the ring";
    } catch (const DecryptError& e) {
        EXPECT_NE(std::string(e.what()).find("'k1'"), std::string::npos) << e.what();
    }
}

TEST(CredentialCipherTest, EveryAlteredByteOfCiphertextTagOrNonceIsRefused) {
    CredentialCipher cipher({key("k1", 'a')});
    const Sealed s = cipher.seal("{\"auth_token\":\"abc\"}", "row");
    for (auto member : {&Sealed::ciphertext, &Sealed::tag, &Sealed::nonce}) {
        for (std::size_t i = 0; i < (s.*member).size(); ++i) {
            Sealed altered = s;
            (altered.*member)[i] = static_cast<char>((altered.*member)[i] ^ 0x01);
            EXPECT_THROW(cipher.open(altered, "row"), DecryptError) << "byte " << i;
        }
    }
    Sealed truncated = s;
    truncated.ciphertext.pop_back();
    EXPECT_THROW(cipher.open(truncated, "row"), DecryptError);
    Sealed shortTag = s;
    shortTag.tag.resize(12);
    EXPECT_THROW(cipher.open(shortTag, "row"), DecryptError);
}

TEST(CredentialCipherTest, AssociatedDataBindsTheValueToItsRow) {
    CredentialCipher cipher({key("k1", 'a')});
    store::StoredCredential row = sealFields(cipher, "acme", "twilio", "{\"a\":\"b\"}");
    EXPECT_EQ(openFields(cipher, row), "{\"a\":\"b\"}");
    store::StoredCredential copied = row;
    copied.tenantId = "globex";
    EXPECT_THROW(openFields(cipher, copied), DecryptError);
    copied = row;
    copied.provider = "twilio2";
    EXPECT_THROW(openFields(cipher, copied), DecryptError);
    // The separator keeps ("ab", "c") and ("a", "bc") apart.
    EXPECT_NE(associatedData("ab", "c"), associatedData("a", "bc"));
}

TEST(CredentialCipherTest, ADisabledRingCannotSeal) {
    CredentialCipher none({});
    EXPECT_FALSE(none.enabled());
    EXPECT_EQ(none.activeKeyId(), "");
    EXPECT_THROW(none.seal("x", "row"), std::logic_error);
}

TEST(CredentialCipherTest, BadRingsAreRefused) {
    EXPECT_THROW(CredentialCipher({key("k1", 'a'), key("k1", 'b')}), std::invalid_argument);
    EXPECT_THROW(CredentialCipher({key("", 'a')}), std::invalid_argument);
    EXPECT_THROW(CredentialCipher({{"k1", std::string(31, 'a')}}), std::invalid_argument);
    EXPECT_THROW(aes256GcmEncrypt(std::string(16, 'a'), std::string(12, 'n'), "", "x"),
                 std::invalid_argument);
    EXPECT_THROW(aes256GcmEncrypt(std::string(32, 'a'), std::string(16, 'n'), "", "x"),
                 std::invalid_argument);
}

TEST(CredentialCipherTest, WipeZeroesAndEmpties) {
    std::string secret = "plaintext-token";
    wipe(secret);
    EXPECT_TRUE(secret.empty());
}

// ---- master keys -----------------------------------------------------------------------

TEST(MasterKeyTest, HexAndBase64DecodeToTheSameBytes) {
    std::string expected;
    for (int i = 0; i < 32; ++i) expected.push_back(static_cast<char>(i));
    EXPECT_EQ(decodeMasterKey("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"),
              expected);
    EXPECT_EQ(decodeMasterKey("000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F"),
              expected);
    // Python: base64.b64encode(bytes(range(32)))
    EXPECT_EQ(decodeMasterKey("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="), expected);
    EXPECT_EQ(decodeMasterKey("  AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n"), expected);
}

TEST(MasterKeyTest, AnythingElseIsRefused) {
    EXPECT_FALSE(decodeMasterKey(""));
    EXPECT_FALSE(decodeMasterKey("short"));
    // 63 and 66 hex digits, and a non-hex digit
    EXPECT_FALSE(decodeMasterKey(std::string(63, 'a')));
    EXPECT_FALSE(decodeMasterKey(std::string(66, 'a')));
    EXPECT_FALSE(decodeMasterKey(std::string(63, 'a') + "g"));
    // base64 of 31 and 33 bytes
    EXPECT_FALSE(decodeMasterKey("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHg=="));
    EXPECT_FALSE(decodeMasterKey("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8g"));
    // a character outside the alphabet, and missing padding
    EXPECT_FALSE(decodeMasterKey("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGx*dHh8="));
    EXPECT_FALSE(decodeMasterKey("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"));
    EXPECT_FALSE(decodeMasterKey("change-me-please-this-is-a-passphrase-not-a-key"));
}

}  // namespace
}  // namespace switchboard::credentials
