#include "telephony/VerificationCode.h"

#include "switchboard/sdk/Crypto.h"
#include "util/Digest.h"

#include <openssl/rand.h>

#include <cstdint>
#include <cstdio>
#include <stdexcept>

namespace switchboard::telephony {
namespace {

void randomBytes(unsigned char* out, int size) {
    if (RAND_bytes(out, size) != 1)
        throw std::runtime_error("the system random generator is unavailable");
}

}  // namespace

std::string newVerificationCode() {
    // 4'294'000'000 is the largest multiple of 10^6 below 2^32: values at or above it would
    // favour the low codes, so they are drawn again.
    constexpr std::uint32_t kLimit = 4'294'000'000u;
    std::uint32_t value = kLimit;
    while (value >= kLimit) {
        unsigned char bytes[4];
        randomBytes(bytes, sizeof bytes);
        value = (std::uint32_t{bytes[0]} << 24) | (std::uint32_t{bytes[1]} << 16) |
                (std::uint32_t{bytes[2]} << 8) | std::uint32_t{bytes[3]};
    }
    char text[7];
    std::snprintf(text, sizeof text, "%06u", static_cast<unsigned>(value % 1'000'000u));
    return text;
}

std::string newCodeSalt() {
    unsigned char bytes[16];
    randomBytes(bytes, sizeof bytes);
    return sdk::toHex(std::string_view(reinterpret_cast<const char*>(bytes), sizeof bytes));
}

std::string hashVerificationCode(const std::string& key, const std::string& salt,
                                 const std::string& code) {
    return sdk::hmacSha256Hex(key, "v1:" + salt + ":" + code);
}

bool verificationCodeMatches(const std::string& key, const std::string& salt,
                             const std::string& code, const std::string& storedHash) {
    return util::constantTimeEquals(hashVerificationCode(key, salt, code), storedHash);
}

}  // namespace switchboard::telephony
