// Regression for a finding of the plugin fuzzers (fuzz/corpus/plugin_*/crash-reason-non-utf8-*):
// a webhook's Content-Type value and Poco's JSON error (which quotes the offending byte) were
// copied byte for byte into the SB_BAD_INPUT reason. Poco passes header bytes through as
// received, so a Latin-1 byte made the reason invalid UTF-8 — and the reason is logged and
// stored with the webhook event (PostgreSQL refuses invalid UTF-8 in text). Each plugin is
// driven through its built library, as the service does.
#include "plugin/PluginLibrary.h"
#include "plugin/ProviderInstance.h"

#include <gtest/gtest.h>

#include <memory>
#include <ostream>
#include <string>

namespace {

using switchboard::plugin::HookResult;
using switchboard::plugin::PluginLibrary;
using switchboard::plugin::ProviderInstance;
using switchboard::plugin::WebhookRequest;

struct Case {
    const char* pluginFile;
    const char* config;
    const char* query;  // Twilio reads a JSON body only when the URL carries bodySHA256
    const char* contentTypeReason;
};

const Case kCases[] = {
    {"sb_extreme.so", R"({"api_key":"ext-test-key-0123456789"})", "",
     "expected a JSON body (Content-Type application/json), got 'text/h?ml'"},
    {"sb_smsretail.so", R"({})", "",
     "expected a JSON body (Content-Type application/json), got 'text/h?ml'"},
    {"sb_telecom23.so", R"({"api_key":"t23-test-key-0123456789abcdef","sender_id":"MyApp"})", "",
     "expected a JSON body (Content-Type application/json), got 'text/h?ml'"},
    {"sb_twilio.so",
     R"({"account_sid":"AC0123456789abcdef0123456789abcdef","auth_token":"token-0123456789"})",
     "bodySHA256=00",
     "expected a form body (Content-Type application/x-www-form-urlencoded), got 'text/h?ml'"},
};

// Names the plugin in test output instead of dumping the struct's bytes.
void PrintTo(const Case& c, std::ostream* out) { *out << c.pluginFile; }

WebhookRequest webhook(const Case& c, const std::string& contentType, const std::string& body) {
    WebhookRequest request;
    request.method = "POST";
    request.path = "/hook";
    request.query = c.query;
    request.headers.emplace_back("content-type", contentType);
    request.body = body;
    request.remoteAddr = "203.0.113.7";
    request.publicUrl = std::string("https://sb.example.com/hook?") + c.query;
    return request;
}

class WebhookReasonText : public ::testing::TestWithParam<Case> {};

TEST_P(WebhookReasonText, ALatin1ContentTypeIsReportedAsValidUtf8) {
    const Case& c = GetParam();
    auto library = PluginLibrary::load(std::string(SWITCHBOARD_PLUGIN_DIR) + "/" + c.pluginFile);
    ProviderInstance instance(*library, "reason-test", c.config);
    // The query is irrelevant for a form body; Twilio must not take the JSON path here.
    WebhookRequest request = webhook(c, "text/h\xE9ml", "{}");
    request.query.clear();
    const HookResult result = instance.parse(request);
    EXPECT_EQ(result.status, SB_BAD_INPUT);
    EXPECT_EQ(result.output, c.contentTypeReason);
}

TEST_P(WebhookReasonText, PocosQuotedByteIsReportedAsValidUtf8) {
    const Case& c = GetParam();
    auto library = PluginLibrary::load(std::string(SWITCHBOARD_PLUGIN_DIR) + "/" + c.pluginFile);
    ProviderInstance instance(*library, "reason-test", c.config);
    const HookResult result = instance.parse(webhook(c, "application/json", "{\"id\":\xA2}"));
    EXPECT_EQ(result.status, SB_BAD_INPUT);
    EXPECT_EQ(result.output, "webhook body is not valid JSON: unexpected byte '?' in value");
}

INSTANTIATE_TEST_SUITE_P(EveryPlugin, WebhookReasonText, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<Case>& param) {
                             std::string name = param.param.pluginFile;
                             return name.substr(3, name.size() - 6);  // sb_<name>.so
                         });

}  // namespace
