#include "util/SecretMasker.h"

#include <Poco/AutoPtr.h>
#include <Poco/Channel.h>
#include <Poco/Message.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace switchboard::util {
namespace {

TEST(SecretMasker, MasksEveryOccurrence) {
    SecretMasker masker;
    masker.add("s3cr3t-token");
    EXPECT_EQ(masker.mask("a s3cr3t-token b s3cr3t-token c"), "a **** b **** c");
    EXPECT_EQ(masker.mask("s3cr3t-tokens3cr3t-token"), "********");
    EXPECT_EQ(masker.mask("Authorization: Bearer s3cr3t-token\n"), "Authorization: Bearer ****\n");
    EXPECT_EQ(masker.mask("nothing to hide"), "nothing to hide");
    EXPECT_EQ(masker.mask(""), "");
}

TEST(SecretMasker, MasksSeveralSecrets) {
    SecretMasker masker;
    masker.add("alpha-secret");
    masker.add("beta-secret");
    EXPECT_EQ(masker.mask("{\"a\":\"alpha-secret\",\"b\":\"beta-secret\"}"),
              "{\"a\":\"****\",\"b\":\"****\"}");
}

TEST(SecretMasker, LongestSecretIsMaskedFirst) {
    SecretMasker masker;
    // The short one is registered first: masking it first would leave "****word-123" behind.
    masker.add("pass");
    masker.add("password-123");
    EXPECT_EQ(masker.mask("password-123 and pass"), "**** and ****");

    SecretMasker reversed;
    reversed.add("password-123");
    reversed.add("pass");
    EXPECT_EQ(reversed.mask("password-123 and pass"), "**** and ****");
}

TEST(SecretMasker, IgnoresSecretsShorterThanFourBytes) {
    SecretMasker masker;
    masker.add("");
    masker.add("a");
    masker.add("abc");
    EXPECT_EQ(masker.mask("abc a abcabc"), "abc a abcabc");
    masker.add("abcd");  // exactly four bytes counts
    EXPECT_EQ(masker.mask("abcd abc"), "**** abc");
    // Four bytes of UTF-8 (two characters) is enough too: the limit is in bytes.
    masker.add("\xC3\xA9\xC3\xA9");
    EXPECT_EQ(masker.mask("x\xC3\xA9\xC3\xA9y"), "x****y");
}

TEST(SecretMasker, DuplicatesAndClear) {
    SecretMasker masker;
    masker.add("duplicate-secret");
    masker.add("duplicate-secret");
    EXPECT_EQ(masker.mask("duplicate-secret"), "****");
    masker.clear();
    EXPECT_EQ(masker.mask("duplicate-secret"), "duplicate-secret");
}

TEST(SecretMasker, SecretLookingLikeTheMaskDoesNotLoop) {
    SecretMasker masker;
    masker.add("****");
    masker.add("**x**");
    EXPECT_EQ(masker.mask("a **x** b ******** c"), "a **** b ******** c");
}

/// A channel that keeps every message it is given.
class CapturingChannel : public Poco::Channel {
  public:
    void log(const Poco::Message& message) override { messages.push_back(message); }
    void open() override { ++opened; }
    void close() override { ++closed; }

    std::vector<Poco::Message> messages;
    int opened = 0;
    int closed = 0;
};

class MaskingChannelTest : public ::testing::Test {
  protected:
    void SetUp() override { SecretMasker::instance().clear(); }
    void TearDown() override { SecretMasker::instance().clear(); }
};

TEST_F(MaskingChannelTest, MasksMessageTextBeforePassingItOn) {
    SecretMasker::instance().add("provider-api-key-12345");
    Poco::AutoPtr<CapturingChannel> capture(new CapturingChannel);
    Poco::AutoPtr<MaskingChannel> channel(new MaskingChannel(capture));

    Poco::Message original(
        "dispatch", "POST with Bearer provider-api-key-12345 and again provider-api-key-12345",
        Poco::Message::PRIO_WARNING);
    channel->log(original);

    ASSERT_EQ(capture->messages.size(), 1u);
    const Poco::Message& passed = capture->messages.front();
    EXPECT_EQ(passed.getText(), "POST with Bearer **** and again ****");
    EXPECT_EQ(passed.getSource(), "dispatch");
    EXPECT_EQ(passed.getPriority(), Poco::Message::PRIO_WARNING);
    // The caller's message is not modified.
    EXPECT_EQ(original.getText(),
              "POST with Bearer provider-api-key-12345 and again provider-api-key-12345");
}

TEST_F(MaskingChannelTest, PassesCleanMessagesUnchangedAndForwardsOpenClose) {
    SecretMasker::instance().add("provider-api-key-12345");
    Poco::AutoPtr<CapturingChannel> capture(new CapturingChannel);
    Poco::AutoPtr<MaskingChannel> channel(new MaskingChannel(capture));
    channel->open();
    channel->log(Poco::Message("http", "GET /healthz 200", Poco::Message::PRIO_INFORMATION));
    channel->close();
    ASSERT_EQ(capture->messages.size(), 1u);
    EXPECT_EQ(capture->messages.front().getText(), "GET /healthz 200");
    EXPECT_EQ(capture->opened, 1);
    EXPECT_EQ(capture->closed, 1);
}

TEST_F(MaskingChannelTest, UsesSecretsAddedAfterConstruction) {
    Poco::AutoPtr<CapturingChannel> capture(new CapturingChannel);
    Poco::AutoPtr<MaskingChannel> channel(new MaskingChannel(capture));
    channel->log(Poco::Message("x", "late-secret-value", Poco::Message::PRIO_ERROR));
    SecretMasker::instance().add("late-secret-value");
    channel->log(Poco::Message("x", "late-secret-value", Poco::Message::PRIO_ERROR));
    ASSERT_EQ(capture->messages.size(), 2u);
    EXPECT_EQ(capture->messages[0].getText(), "late-secret-value");
    EXPECT_EQ(capture->messages[1].getText(), "****");
}

}  // namespace
}  // namespace switchboard::util
