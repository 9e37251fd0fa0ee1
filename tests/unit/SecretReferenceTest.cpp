// resolveReferences (${ENV} and file: secrets) on the inputs fuzz/config_loader showed to be
// dangerous — a long reference overflowed the stack inside std::regex — and the edge cases
// the hand-written scan that replaced the regex must keep answering as the regex did.
#include "config/ConfigError.h"
#include "config/ConfigLoader.h"
#include "config/SecretReference.h"
#include "support/TempDir.h"
#include "support/ThrownErrors.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>

namespace {

using switchboard::config::ConfigError;
using switchboard::config::kMaxSecretFileBytes;
using switchboard::config::resolveReferences;
using switchboard::testing::TempDir;
using switchboard::testing::thrownMessage;

std::string resolve(const std::string& value, const std::string& baseDir = ".") {
    return resolveReferences(value, "admin.api_key", baseDir);
}

class SecretReference : public ::testing::Test {
  protected:
    void SetUp() override {
        ::setenv("SB_REF_A", "alpha", 1);
        ::setenv("SB_REF_B", "beta", 1);
        ::unsetenv("SB_REF_UNSET");
    }
    void TearDown() override {
        ::unsetenv("SB_REF_A");
        ::unsetenv("SB_REF_B");
    }
};

TEST_F(SecretReference, ReplacesEveryReferenceAndKeepsTheRest) {
    EXPECT_EQ(resolve("x${SB_REF_A}-${SB_REF_B}y"), "xalpha-betay");
    EXPECT_EQ(resolve("${SB_REF_A}${SB_REF_A}"), "alphaalpha");
    EXPECT_EQ(resolve("no references"), "no references");
    EXPECT_EQ(resolve(""), "");
}

TEST_F(SecretReference, WhatIsNotAReferenceStaysLiteral) {
    for (const char* literal : {"$SB_REF_A", "${SB_REF_A", "${}", "${1A}", "${SB-REF}",
                                "${ SB_REF_A}", "$", "${", "}${", "{SB_REF_A}"})
        EXPECT_EQ(resolve(literal), literal) << literal;
}

TEST_F(SecretReference, AReferenceMayStartInsideAFailedOne) {
    EXPECT_EQ(resolve("${${SB_REF_A}}"), "${alpha}");
    EXPECT_EQ(resolve("$${SB_REF_B}"), "$beta");
    // The value of a variable is not scanned again.
    ::setenv("SB_REF_A", "${SB_REF_B}", 1);
    EXPECT_EQ(resolve("${SB_REF_A}"), "${SB_REF_B}");
}

TEST_F(SecretReference, UnsetVariableIsNamed) {
    EXPECT_EQ(thrownMessage<ConfigError>([] { resolve("a ${SB_REF_UNSET} b"); }, "ConfigError"),
              "admin.api_key: environment variable SB_REF_UNSET is not set");
}

// fuzz/corpus/config_loader/crash-long-env-reference: a 50,000-character name overflowed the
// stack in std::regex_search (one recursion per character) and killed the process.
TEST_F(SecretReference, AVeryLongReferenceIsAnErrorNotACrash) {
    const std::string name(200'000, 'A');
    EXPECT_EQ(thrownMessage<ConfigError>([&] { resolve("${" + name + "}"); }, "ConfigError"),
              "admin.api_key: environment variable " + name + " is not set");
    // Unterminated, and a long literal run after "${": both stay as they are.
    EXPECT_EQ(resolve("${" + name), "${" + name);
    const std::string longLiteral = "${" + std::string(200'000, '9') + "}";
    EXPECT_EQ(resolve(longLiteral), longLiteral);
}

TEST_F(SecretReference, TheCrashingConfigIsRefusedWithTheVariableNamed) {
    std::ifstream in(
        std::string(SWITCHBOARD_SOURCE_DIR) + "/fuzz/corpus/config_loader/crash-long-env-reference",
        std::ios::binary);
    ASSERT_TRUE(in) << "the crashing input must stay in the fuzz corpus";
    const std::string yaml{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    const std::string message = thrownMessage<ConfigError>(
        [&] { switchboard::config::loadConfigText(yaml, "."); }, "ConfigError");
    EXPECT_EQ(message.rfind("admin.api_key: environment variable AAAA", 0), 0u)
        << message.substr(0, 80);
}

TEST_F(SecretReference, SecretFilesAreReadUpToTheirBound) {
    TempDir dir;
    dir.write("exact.key", std::string(kMaxSecretFileBytes, 'k'));
    EXPECT_EQ(resolve("file:exact.key", dir.path()), std::string(kMaxSecretFileBytes, 'k'));
    dir.write("newline.key", "secret\r\n");
    EXPECT_EQ(resolve("file:newline.key", dir.path()), "secret");
    dir.write("big.key", std::string(kMaxSecretFileBytes + 1, 'k'));
    EXPECT_EQ(
        thrownMessage<ConfigError>([&] { resolve("file:big.key", dir.path()); }, "ConfigError"),
        "admin.api_key: secret file " + dir.file("big.key") + " is larger than 65536 bytes");
}

TEST_F(SecretReference, AnEndlessFileIsAnErrorNotAnOutOfMemory) {
    EXPECT_EQ(thrownMessage<ConfigError>([] { resolve("file:/dev/zero"); }, "ConfigError"),
              "admin.api_key: secret file /dev/zero is larger than 65536 bytes");
}

}  // namespace
