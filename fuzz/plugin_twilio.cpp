// libFuzzer target: the Twilio plugin's detect/verify/parse, parse_send_response and
// build_send through the host's loader and ABI (see support/PluginHookFuzzer.h for the input
// layout and what counts as a finding). Seeds: tests/plugins/twilio/fixtures, whose
// signatures were made for https://sms.example.com/api/webhooks/twilio.
#include "support/PluginHookFuzzer.h"

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
    switchboard::fuzz::initPluginFuzzer(
        {"sb_twilio.so",
         {// The fixtures' auth token (config 0) ...
          R"({"account_sid":"AC0123456789abcdef0123456789abcdef",)"
          R"("auth_token":"twilio-test-auth-token-0123456789"})",
          // ... and a default sender (config 1).
          R"({"account_sid":"AC0123456789abcdef0123456789abcdef",)"
          R"("auth_token":"twilio-test-auth-token-0123456789","from":"+15550100001"})"},
         "https://sms.example.com",
         "/api/webhooks/twilio"});
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    switchboard::fuzz::fuzzPluginHooks(data, size);
    return 0;
}
