#include "messaging/ProviderCall.h"

#include "support/FakeProviderServer.h"
#include "util/JsonText.h"
#include "util/SecretMasker.h"

#include <Poco/Net/ServerSocket.h>
#include <gtest/gtest.h>

#include <string>

namespace switchboard::messaging {
namespace {

using Kind = ProviderAnswer::Kind;
using testing::FakeProviderServer;
using testing::respond;

const std::string kTenantSecret = "tenant-secret-9876";
const std::string kConfiguredSecret = "configured-secret-5432";

std::string maskTenant(std::string text) {
    return util::maskValues(std::move(text), {kTenantSecret});
}

// What a plugin's parse hook would answer: `document` as its SB_OK output.
AnswerParser answering(const std::string& document) {
    return [document](int, const auto&, const std::string&) {
        return plugin::HookResult{SB_OK, document};
    };
}

class ProviderCallTest : public ::testing::Test {
  protected:
    void SetUp() override { util::SecretMasker::instance().add(kConfiguredSecret); }
    void TearDown() override { util::SecretMasker::instance().clear(); }

    OutgoingRequest requestTo(const std::string& url) const {
        OutgoingRequest r;
        r.url = url + "/send?key=" + kConfiguredSecret;
        r.headers = {{"Authorization", "Bearer " + kTenantSecret}, {"X-Trace", kTenantSecret}};
        r.body = "to=%2B15550100001&password=" + kTenantSecret;
        return r;
    }

    FakeProviderServer server_;
    ProviderHttpClient http_{2000, 2000};
};

TEST_F(ProviderCallTest, ShowsTheRequestWithEverySecretMasked) {
    const auto request = requestTo(server_.baseUrl());
    const auto shown = ProviderCall(request, maskTenant).shown();
    EXPECT_EQ(shown.method, "POST");
    EXPECT_EQ(shown.url, server_.baseUrl() + "/send?key=****");
    EXPECT_EQ(shown.body, "to=%2B15550100001&password=****");
    auto headers = util::parseObject(shown.headersJson);
    EXPECT_EQ(headers->getValue<std::string>("Authorization"), "Bearer ****");
    EXPECT_EQ(headers->getValue<std::string>("X-Trace"), "****");
    EXPECT_EQ(server_.requestCount(), 0u);
}

TEST_F(ProviderCallTest, SendsOnceAndDecodesAnAcceptedAnswer) {
    server_.enqueue(respond(201, R"({"id":"ref-1"})"));
    const auto request = requestTo(server_.baseUrl());
    int seenStatus = 0;
    std::string seenBody;
    const auto answer = ProviderCall(request, maskTenant)
                            .send(http_, [&](int status, const auto&, const std::string& body) {
                                seenStatus = status;
                                seenBody = body;
                                return plugin::HookResult{
                                    SB_OK, R"({"outcome":"ACCEPTED","provider_ref":"ref-1"})"};
                            });
    EXPECT_EQ(answer.kind, Kind::Accepted);
    EXPECT_EQ(answer.httpStatus, 201);
    EXPECT_EQ(answer.providerRef, "ref-1");
    EXPECT_EQ(answer.detail, "HTTP 201");
    EXPECT_GE(answer.elapsedMs, 0);
    EXPECT_EQ(seenStatus, 201);
    EXPECT_EQ(seenBody, R"({"id":"ref-1"})");
    ASSERT_EQ(server_.requestCount(), 1u);
    // Sent as built: the secrets are masked only where the request is shown or logged.
    EXPECT_EQ(server_.requests().front().body, request.body);
}

TEST_F(ProviderCallTest, NamesEachOutcomeTheAbiDefinesAndRetriesAnUnknownOne) {
    server_.setDefault(respond(429, "slow down"));
    const auto request = requestTo(server_.baseUrl());
    const ProviderCall call(request, maskTenant);
    const auto throttled = call.send(
        http_, answering(R"({"outcome":"THROTTLED","error_code":"20429","retry_after_s":7})"));
    EXPECT_EQ(throttled.kind, Kind::Throttled);
    EXPECT_EQ(throttled.retryAfterMs, 7000);
    EXPECT_EQ(throttled.detail, "HTTP 429 20429");
    const auto rejected =
        call.send(http_, answering(R"({"outcome":"REJECTED","error_code":"21211",)"
                                   R"("error_message":"bad number, key )" +
                                   kTenantSecret + R"("})"));
    EXPECT_EQ(rejected.kind, Kind::Rejected);
    EXPECT_EQ(rejected.detail, "HTTP 429 21211: bad number, key ****");
    EXPECT_EQ(call.send(http_, answering(R"({"outcome":"RETRY"})")).kind, Kind::RetryLater);
    EXPECT_EQ(call.send(http_, answering(R"({"outcome":"LATER_MAYBE"})")).kind, Kind::RetryLater);
}

TEST_F(ProviderCallTest, AnAnswerThePluginCannotClassifyIsUnreadableWithItsReasonMasked) {
    const auto request = requestTo(server_.baseUrl());
    const ProviderCall call(request, maskTenant);
    const auto refused = call.send(http_, [](int, const auto&, const std::string&) {
        return plugin::HookResult{SB_BAD_INPUT, "no id in body for " + kTenantSecret};
    });
    EXPECT_EQ(refused.kind, Kind::Unreadable);
    EXPECT_EQ(refused.httpStatus, 200);
    EXPECT_EQ(refused.detail, "HTTP 200: no id in body for ****");
    EXPECT_EQ(call.send(http_, answering("not json")).kind, Kind::Unreadable);
    EXPECT_EQ(call.send(http_, answering("[1,2]")).kind, Kind::Unreadable);
}

TEST_F(ProviderCallTest, NoAnswerIsUnreachableAndNeverAsksThePlugin) {
    int port = 0;
    {
        Poco::Net::ServerSocket closed(Poco::Net::SocketAddress("127.0.0.1", 0));
        port = closed.address().port();
    }
    const auto request = requestTo("http://127.0.0.1:" + std::to_string(port));
    bool asked = false;
    const auto answer =
        ProviderCall(request, maskTenant).send(http_, [&](int, const auto&, const std::string&) {
            asked = true;
            return plugin::HookResult{SB_OK, R"({"outcome":"ACCEPTED"})"};
        });
    EXPECT_EQ(answer.kind, Kind::Unreachable);
    EXPECT_EQ(answer.httpStatus, 0);
    EXPECT_FALSE(answer.detail.empty());
    EXPECT_FALSE(asked);
}

}  // namespace
}  // namespace switchboard::messaging
