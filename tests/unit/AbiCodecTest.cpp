// sdk::abi is both sides of every plugin_abi.h document: what one direction writes, the other
// must read back unchanged, and each decoder must refuse what is not the document.
#include "switchboard/sdk/AbiCodec.h"

#include <gtest/gtest.h>

#include <Poco/JSON/JSONException.h>

namespace codec = switchboard::sdk::abi;
namespace sdk = switchboard::sdk;

TEST(AbiCodec, AnOutboundReplyRoundTripsWithItsContext) {
    sdk::OutboundMessage m;
    m.messageId = "42";
    m.to = "+15550100001";
    m.from = "+15550100002";
    m.text = "hello ✓";
    m.kind = "reply";
    m.replyContext = sdk::StringMap{{"modem", "3"}, {"port", "7"}};
    m.statusCallbackUrl = "https://gw.example/api/webhooks/sms";
    const auto back = codec::decodeOutbound(codec::encodeOutbound(m));
    EXPECT_EQ(back.messageId, "42");
    EXPECT_EQ(back.to, m.to);
    EXPECT_EQ(back.from, m.from);
    EXPECT_EQ(back.text, m.text);
    EXPECT_EQ(back.kind, "reply");
    EXPECT_EQ(back.replyContext, m.replyContext);
    EXPECT_EQ(back.statusCallbackUrl, m.statusCallbackUrl);
}

TEST(AbiCodec, AnInitialMessageWritesNullsForWhatItLacks) {
    sdk::OutboundMessage m;
    m.messageId = "1";
    m.to = "+15550100001";
    m.text = "x";
    const std::string json = codec::encodeOutbound(m);
    EXPECT_NE(json.find(R"("from":null)"), std::string::npos) << json;
    EXPECT_NE(json.find(R"("kind":"initial")"), std::string::npos) << json;
    EXPECT_NE(json.find(R"("reply_context":null)"), std::string::npos) << json;
    const auto back = codec::decodeOutbound(json);
    EXPECT_FALSE(back.from);
    EXPECT_FALSE(back.replyContext);
    EXPECT_FALSE(back.statusCallbackUrl);
}

TEST(AbiCodec, ARequestRoundTripsHeadersInOrderAndItsSender) {
    sdk::ProviderRequest r;
    r.method = "PUT";
    r.url = "https://api.example/send";
    r.headers = {{"Z-Last", "1"}, {"Authorization", "Bearer t"}};
    r.body = "a=b";
    r.sender = "ACME";
    const auto back = codec::decodeRequest(codec::encodeRequest(r));
    EXPECT_EQ(back.method, "PUT");
    EXPECT_EQ(back.url, r.url);
    // A JSON object is unordered: the host reads headers back sorted by name, as it always has.
    EXPECT_EQ(back.headers, (sdk::Headers{{"Authorization", "Bearer t"}, {"Z-Last", "1"}}));
    EXPECT_EQ(back.body, "a=b");
    EXPECT_EQ(back.sender, r.sender);
    EXPECT_FALSE(codec::decodeRequest(R"({"url":"http://x/"})").sender);
    EXPECT_EQ(codec::decodeRequest(R"({"url":"http://x/"})").method, "POST");
}

TEST(AbiCodec, ARequestWithoutAUrlIsRefused) {
    EXPECT_THROW(codec::decodeRequest(R"({"method":"POST"})"), Poco::Exception);
}

TEST(AbiCodec, EverySendOutcomeRoundTripsAndAnUnknownOneMeansRetry) {
    for (auto outcome : {sdk::SendOutcome::Accepted, sdk::SendOutcome::Retry,
                         sdk::SendOutcome::Throttled, sdk::SendOutcome::Rejected}) {
        sdk::SendResult r;
        r.outcome = outcome;
        r.providerRef = "SM1";
        r.errorCode = "21211";
        r.errorMessage = "bad number";
        r.retryAfterSeconds = 30;
        const auto back = codec::decodeSendResult(codec::encodeSendResult(r));
        EXPECT_EQ(back.outcome, outcome);
        EXPECT_EQ(back.providerRef, "SM1");
        EXPECT_EQ(back.errorCode, "21211");
        EXPECT_EQ(back.errorMessage, "bad number");
        EXPECT_EQ(back.retryAfterSeconds, 30);
    }
    EXPECT_EQ(codec::decodeSendResult(R"({"outcome":"QUEUED_ON_MARS"})").outcome,
              sdk::SendOutcome::Retry);
    EXPECT_FALSE(codec::decodeSendResult(R"({"outcome":"ACCEPTED"})").retryAfterSeconds);
}

TEST(AbiCodec, EventsRoundTripAndUnknownTypesAreKeptAsUnknown) {
    sdk::InboundMessage in;
    in.from = "+15550100001";
    in.to = "+15550100002";
    in.text = "hi";
    in.providerMessageId = "mo-1";
    in.replyContext = {{"k", "v"}};
    in.routingModem = "2";
    in.routingPort = "5";
    sdk::DeliveryReceipt dlr;
    dlr.providerRef = "SM1";
    dlr.rawStatus = "delivered";
    dlr.callbackId = "cb-1";
    const auto back = codec::decodeEvents(codec::encodeEvents({in, dlr}));
    ASSERT_EQ(back.size(), 2u);
    const auto& gotIn = std::get<sdk::InboundMessage>(back[0]);
    EXPECT_EQ(gotIn.from, in.from);
    EXPECT_EQ(gotIn.text, "hi");
    EXPECT_EQ(gotIn.replyContext, in.replyContext);
    EXPECT_EQ(gotIn.routingModem, "2");
    EXPECT_EQ(gotIn.routingPort, "5");
    const auto& gotDlr = std::get<sdk::DeliveryReceipt>(back[1]);
    EXPECT_EQ(gotDlr.providerRef, "SM1");
    EXPECT_EQ(gotDlr.rawStatus, "delivered");
    EXPECT_EQ(gotDlr.callbackId, "cb-1");

    const auto odd = codec::decodeEvents(R"({"events":[{"type":"mms"},7]})");
    ASSERT_EQ(odd.size(), 2u);
    EXPECT_EQ(std::get<codec::UnknownEvent>(odd[0]).type, "mms");
    EXPECT_EQ(std::get<codec::UnknownEvent>(odd[1]).type, "");
    EXPECT_TRUE(codec::decodeEvents(R"({"other":1})").empty());
}

TEST(AbiCodec, WebhookResultsAndRepliesRoundTrip) {
    for (auto result : {sdk::WebhookResult::Accepted, sdk::WebhookResult::Rejected,
                        sdk::WebhookResult::Ignored, sdk::WebhookResult::Error})
        EXPECT_EQ(codec::decodeWebhookResult(codec::encodeWebhookResult(result)), result);
    const sdk::WebhookReply reply{202, "text/xml", "<Response/>"};
    const auto back = codec::decodeWebhookReply(codec::encodeWebhookReply(reply), {});
    EXPECT_EQ(back.status, 202);
    EXPECT_EQ(back.contentType, "text/xml");
    EXPECT_EQ(back.body, "<Response/>");
    const auto partial = codec::decodeWebhookReply(R"({"status":204})", {});
    EXPECT_EQ(partial.status, 204);
    EXPECT_EQ(partial.contentType, sdk::WebhookReply{}.contentType);
}

TEST(AbiCodec, ForwardingDocumentsRoundTripAndIncompleteOnesAreRefused) {
    const sdk::ForwardingRequest request{"tmobile", "total_ai", "+15550100003", 20};
    const auto gotRequest = codec::decodeForwardingRequest(codec::encodeForwardingRequest(request));
    EXPECT_EQ(gotRequest.carrier, "tmobile");
    EXPECT_EQ(gotRequest.destination, "+15550100003");
    EXPECT_EQ(gotRequest.ringTimeSeconds, 20);
    EXPECT_THROW(codec::decodeForwardingRequest(R"({"carrier":"x","mode":"y"})"), sdk::BadInput);
    EXPECT_THROW(codec::decodeForwardingRequest(
                     R"({"carrier":"x","mode":"y","destination":"+1","ring_time_s":"20"})"),
                 sdk::BadInput);

    sdk::ForwardingCodes codes;
    codes.carrier = "tmobile";
    codes.mode = "total_ai";
    codes.activationCode = "**21*+15550100003#";
    codes.deactivationCode = "##21#";
    codes.cancelAllCode = "##002#";
    codes.activationInstructions = {"Dial it", "Wait"};
    const auto gotCodes = codec::decodeForwardingCodes(codec::encodeForwardingCodes(codes));
    EXPECT_EQ(gotCodes.activationCode, codes.activationCode);
    EXPECT_EQ(gotCodes.cancelAllCode, codes.cancelAllCode);
    EXPECT_EQ(gotCodes.activationInstructions, codes.activationInstructions);
    EXPECT_TRUE(gotCodes.deactivationInstructions.empty());
    EXPECT_FALSE(gotCodes.ringTimeSeconds);
    EXPECT_THROW(codec::decodeForwardingCodes(R"({"carrier":"x","mode":"y"})"), sdk::BadInput);
}

TEST(AbiCodec, VerificationCallDocumentsRoundTrip) {
    sdk::VerificationCall call;
    call.verificationId = "9";
    call.phoneNumber = "+15550100004";
    call.friendlyName = "desk";
    call.code = "123456";
    const auto gotCall = codec::decodeVerificationCall(codec::encodeVerificationCall(call));
    EXPECT_EQ(gotCall.verificationId, "9");
    EXPECT_EQ(gotCall.code, "123456");
    EXPECT_EQ(gotCall.friendlyName, "desk");
    EXPECT_FALSE(gotCall.statusCallbackUrl);
    EXPECT_THROW(codec::decodeVerificationCall(R"({"verification_id":"9"})"), sdk::BadInput);

    sdk::VerificationCallRequest built;
    built.request.url = "https://api.example/Calls.json";
    built.request.body = "Twiml=1 2 3";
    built.redact = {"1 2 3"};
    const auto gotBuilt =
        codec::decodeVerificationCallRequest(codec::encodeVerificationCallRequest(built));
    EXPECT_EQ(gotBuilt.request.url, built.request.url);
    EXPECT_EQ(gotBuilt.request.body, built.request.body);
    EXPECT_EQ(gotBuilt.redact, built.redact);
    EXPECT_THROW(codec::decodeVerificationCallRequest(R"({"redact":[]})"), sdk::BadInput);
}

TEST(AbiCodec, EveryDecoderRefusesTextThatIsNotAJsonObject) {
    // An array is JSON but not the document; Poco's parser itself refuses bare scalars.
    EXPECT_THROW(codec::decodeOutbound("[1,2]"), sdk::BadInput);
    EXPECT_THROW(codec::decodeRequest("[1,2]"), sdk::BadInput);
    EXPECT_THROW(codec::decodeSendResult("[1,2]"), sdk::BadInput);
    EXPECT_THROW(codec::decodeEvents("[1,2]"), sdk::BadInput);
    EXPECT_THROW(codec::decodeWebhookResult("[1,2]"), sdk::BadInput);
    EXPECT_THROW(codec::decodeWebhookReply("[1,2]", {}), sdk::BadInput);
    EXPECT_THROW(codec::decodeForwardingCodes("[1,2]"), sdk::BadInput);
    EXPECT_THROW(codec::decodeVerificationCallRequest("[1,2]"), sdk::BadInput);
    for (const char* text : {"\"s\"", "42", "null", "not json", "{\"events\":"}) {
        EXPECT_ANY_THROW(codec::decodeOutbound(text)) << text;
        EXPECT_ANY_THROW(codec::decodeSendResult(text)) << text;
        EXPECT_ANY_THROW(codec::decodeEvents(text)) << text;
    }
    EXPECT_THROW(codec::decodeRequest("not json"), Poco::JSON::JSONException);
    EXPECT_THROW(codec::decodeEvents("{\"events\":"), Poco::JSON::JSONException);
}
