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

namespace switchboard::sdk {
namespace {

TEST(SdkBytes, ConstantTimeEqualsComparesEveryByteAndTheLength) {
    EXPECT_TRUE(constantTimeEquals("", ""));
    EXPECT_TRUE(constantTimeEquals("secret-token", "secret-token"));
    EXPECT_FALSE(constantTimeEquals("secret-token", "secret-tokeN"));
    EXPECT_FALSE(constantTimeEquals("secret-token", "secret-toke"));
    EXPECT_FALSE(constantTimeEquals(std::string("a\0b", 3), std::string("a\0c", 3)));
}

TEST(SdkBytes, HexRoundTripsAndRefusesAnythingButEvenHexDigits) {
    const std::string bytes("\x00\x7f\x80\xff", 4);
    EXPECT_EQ(toHex(bytes), "007f80ff");
    EXPECT_EQ(fromHex("007F80ff"), bytes);
    EXPECT_EQ(fromHex(""), std::string());
    EXPECT_FALSE(fromHex("abc"));
    EXPECT_FALSE(fromHex("zz"));
    EXPECT_FALSE(fromHex("00 11"));
}

TEST(SdkBytes, Base64RoundTripsAndRefusesTyposInsteadOfSkippingThem) {
    EXPECT_EQ(base64("any carnal pleas"), "YW55IGNhcm5hbCBwbGVhcw==");
    EXPECT_EQ(fromBase64("YW55IGNhcm5hbCBwbGVhcw=="), "any carnal pleas");
    EXPECT_EQ(fromBase64(""), std::string());
    EXPECT_FALSE(fromBase64("YW55IGNhcm5hbCBwbGVhcw="));   // wrong length
    EXPECT_FALSE(fromBase64("YW55IGNhcm5h*CBwbGVhcw=="));  // outside the alphabet
    EXPECT_FALSE(fromBase64("YW55IGNhcm5hbCBwbGVh===="));  // too much padding
}

TEST(SdkBytes, Sha256HexIsTheStandardDigest) {
    EXPECT_EQ(sha256Hex("abc"),
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");  // FIPS 180-2
}

}  // namespace
}  // namespace switchboard::sdk
