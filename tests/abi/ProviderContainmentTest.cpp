// Containment at the hook boundary: whatever a plugin throws or returns, the host sees a
// HookResult (or, for create, a std::runtime_error naming the instance), never a crash
// and never an exception of the plugin's own type.
#include "plugin/PluginLibrary.h"
#include "plugin/ProviderInstance.h"
#include "support/TestPlugins.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace switchboard::plugin {
namespace {

using switchboard::testing::testPlugin;
using ::testing::HasSubstr;

constexpr const char* kUnknownException = "unknown exception in plugin";

WebhookRequest sampleWebhook() {
    WebhookRequest r;
    r.method = "POST";
    r.path = "/api/webhook/thrower";
    r.headers = {{"content-type", "application/json"}};
    r.body = R"({"sender":"+15557000001","message":"hi"})";
    r.remoteAddr = "127.0.0.1";
    r.publicUrl = "http://127.0.0.1/api/webhook/thrower";
    return r;
}

const std::string kMessage =
    R"({"message_id":"1","to":"+15557000001","from":null,"text":"hi","kind":"initial",)"
    R"("reply_context":null,"status_callback_url":null})";

class ThrowingPlugin : public ::testing::Test {
  protected:
    void SetUp() override {
        library_ = PluginLibrary::load(testPlugin("throwing"));
        instance_ = std::make_unique<ProviderInstance>(*library_, "thrower-1", "{}");
    }

    std::unique_ptr<PluginLibrary> library_;
    std::unique_ptr<ProviderInstance> instance_;
};

TEST_F(ThrowingPlugin, CreateSucceedsSoTheInstanceExists) {
    EXPECT_EQ(instance_->id(), "thrower-1");
    EXPECT_EQ(instance_->pluginName(), "throwing");
}

TEST_F(ThrowingPlugin, DetectRuntimeErrorBecomesSbError) {
    HookResult r = instance_->detect(sampleWebhook());
    EXPECT_EQ(r.status, SB_ERROR);
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(r.output, "detect exploded");
}

TEST_F(ThrowingPlugin, VerifyThrowingAnIntBecomesSbError) {
    HookResult r = instance_->verify(sampleWebhook());
    EXPECT_EQ(r.status, SB_ERROR);
    EXPECT_EQ(r.output, kUnknownException);
}

TEST_F(ThrowingPlugin, ParseLogicErrorBecomesSbError) {
    HookResult r = instance_->parse(sampleWebhook());
    EXPECT_EQ(r.status, SB_ERROR);
    EXPECT_EQ(r.output, "parse exploded");
}

TEST_F(ThrowingPlugin, BuildSendThrowingAnIntBecomesSbError) {
    HookResult r = instance_->buildSend(kMessage);
    EXPECT_EQ(r.status, SB_ERROR);
    EXPECT_EQ(r.output, kUnknownException);
}

TEST_F(ThrowingPlugin, ParseSendResponseRuntimeErrorBecomesSbError) {
    HookResult r = instance_->parseSendResponse(200, {{"content-type", "application/json"}}, "{}");
    EXPECT_EQ(r.status, SB_ERROR);
    EXPECT_EQ(r.output, "parse_send_response exploded");
}

TEST_F(ThrowingPlugin, WebhookResponseThrowingAPlainStructBecomesSbError) {
    HookResult r = instance_->webhookResponse(R"({"result":"accepted"})");
    EXPECT_EQ(r.status, SB_ERROR);
    EXPECT_EQ(r.output, kUnknownException);
}

TEST_F(ThrowingPlugin, SurvivesRepeatedAndMalformedCalls) {
    // A plugin that threw once must stay usable: nothing in the SDK may be left half-done.
    for (int i = 0; i < 50; ++i) {
        EXPECT_EQ(instance_->buildSend("not json").status, SB_ERROR);
        EXPECT_EQ(instance_->verify(WebhookRequest{}).status, SB_ERROR);
        EXPECT_EQ(instance_->parseSendResponse(500, {}, "").status, SB_ERROR);
    }
    EXPECT_EQ(instance_->detect(sampleWebhook()).output, "detect exploded");
}

TEST_F(ThrowingPlugin, TwoInstancesOfOnePluginAreIndependent) {
    ProviderInstance other(*library_, "thrower-2", R"({"ignored":true})");
    EXPECT_EQ(other.id(), "thrower-2");
    EXPECT_EQ(other.webhookResponse("{}").status, SB_ERROR);
    EXPECT_EQ(instance_->webhookResponse("{}").status, SB_ERROR);
}

TEST(ThrowingCreate, ConstructorThrowsRuntimeErrorNamingTheInstance) {
    auto library = PluginLibrary::load(testPlugin("throwing_create"));
    try {
        ProviderInstance instance(*library, "boom-1", "{}");
        FAIL() << "instance created although the plugin's constructor threw";
    } catch (const std::runtime_error& e) {
        EXPECT_THAT(e.what(), HasSubstr("'boom-1'"));
        EXPECT_THAT(e.what(), HasSubstr("throwing_create"));
        EXPECT_THAT(e.what(), HasSubstr("constructor exploded"));
    }
}

TEST(GoodMinimal, NonObjectConfigIsRefusedNotCrashed) {
    // The SDK parses the config itself; JSON that is not an object must come back as a
    // reason, not as a Poco exception escaping the plugin.
    auto library = PluginLibrary::load(testPlugin("good_minimal"));
    EXPECT_THROW(ProviderInstance(*library, "bad-config", "[1,2]"), std::runtime_error);
    EXPECT_THROW(ProviderInstance(*library, "bad-config", "{"), std::runtime_error);
}

TEST(GoodMinimal, BadInputFromTheConstructorIsTheReason) {
    auto library = PluginLibrary::load(testPlugin("good_minimal"));
    try {
        ProviderInstance instance(*library, "gm-1", R"({"token":""})");
        FAIL() << "instance created with an empty token";
    } catch (const std::runtime_error& e) {
        EXPECT_THAT(e.what(), HasSubstr("'gm-1'"));
        EXPECT_THAT(e.what(), HasSubstr("token is required"));
    }
}

TEST(GoodMinimal, EveryHookAnswersThroughTheAbi) {
    auto library = PluginLibrary::load(testPlugin("good_minimal"));
    ProviderInstance instance(*library, "gm-1",
                              R"({"endpoint":"http://127.0.0.1:9/send","token":"tok-123"})");

    WebhookRequest webhook = sampleWebhook();
    EXPECT_EQ(instance.detect(webhook).status, SB_NOT_MINE);
    webhook.headers.emplace_back("x-good-minimal", "tok-123");
    EXPECT_EQ(instance.detect(webhook).status, SB_OK);
    EXPECT_EQ(instance.verify(webhook).status, SB_OK);
    webhook.headers.back().second = "tok-999";
    HookResult rejected = instance.verify(webhook);
    EXPECT_EQ(rejected.status, SB_REJECTED);
    EXPECT_EQ(rejected.output, "bad token");

    HookResult parsed = instance.parse(webhook);
    ASSERT_EQ(parsed.status, SB_OK) << parsed.output;
    EXPECT_THAT(parsed.output, HasSubstr(R"("type":"inbound")"));
    webhook.body.clear();
    HookResult empty = instance.parse(webhook);
    EXPECT_EQ(empty.status, SB_BAD_INPUT);
    EXPECT_EQ(empty.output, "empty body");

    HookResult built = instance.buildSend(kMessage);
    ASSERT_EQ(built.status, SB_OK) << built.output;
    EXPECT_THAT(built.output, HasSubstr(R"("url":"http://127.0.0.1:9/send")"));
    EXPECT_THAT(built.output, HasSubstr(R"("body":"+15557000001:hi")"));

    HookResult sent = instance.parseSendResponse(200, {}, "ref-1");
    ASSERT_EQ(sent.status, SB_OK);
    EXPECT_THAT(sent.output, HasSubstr(R"("outcome":"ACCEPTED")"));
    EXPECT_THAT(sent.output, HasSubstr(R"("provider_ref":"ref-1")"));

    HookResult reply = instance.webhookResponse(R"({"result":"accepted"})");
    ASSERT_EQ(reply.status, SB_OK);
    EXPECT_THAT(reply.output, HasSubstr(R"("status":200)"));
}

TEST(OddStatus, AStatusOutsideTheAbiIsReportedAsAnError) {
    auto library = PluginLibrary::load(testPlugin("odd_status"));
    ProviderInstance instance(*library, "odd-1", "{}");
    const HookResult results[] = {
        instance.detect(sampleWebhook()),
        instance.verify(sampleWebhook()),
        instance.parse(sampleWebhook()),
        instance.buildSend(kMessage),
        instance.parseSendResponse(200, {}, "{}"),
        instance.webhookResponse(R"({"result":"accepted"})"),
    };
    for (const HookResult& r : results) {
        EXPECT_EQ(r.status, SB_ERROR);
        EXPECT_THAT(r.output, HasSubstr("unknown status 7"));
    }
}

}  // namespace
}  // namespace switchboard::plugin
