// Expected values computed independently with
//   printf '%s' DATA | openssl dgst -sha256 -hmac KEY   (and -sha1 -binary | base64)
#include "switchboard/sdk/Crypto.h"

#include <gtest/gtest.h>

namespace switchboard::sdk {

TEST(SdkCrypto, HmacSha256HexMatchesOpenSslCli) {
    // RFC 4231 test case 2.
    EXPECT_EQ(hmacSha256Hex("Jefe", "what do ya want for nothing?"),
              "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    EXPECT_EQ(hmacSha256Hex("s3cret", R"({"id":12345,"status":"delivered"})"),
              "3a72fd06216830e19e7f25941a863afb951d02860c15be60262c43eee2052db1");
}

TEST(SdkCrypto, HmacSha1Base64MatchesOpenSslCli) {
    // RFC 2202 test case 2, base64 of effcdf6ae5eb2fa2d27416d5f184df9c259a7c79.
    EXPECT_EQ(hmacSha1Base64("Jefe", "what do ya want for nothing?"),
              "7/zfauXrL6LSdBbV8YTfnCWafHk=");
}

}  // namespace switchboard::sdk
