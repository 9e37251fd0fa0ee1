// libFuzzer target: the 23 Telecom plugin's detect/verify/parse, parse_send_response and
// build_send through the host's loader and ABI (see support/PluginHookFuzzer.h for the input
// layout and what counts as a finding). Seeds: tests/plugins/telecom23/fixtures.
#include "support/PluginHookFuzzer.h"

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
    switchboard::fuzz::initPluginFuzzer(
        {"sb_telecom23.so",
         {// Token and the fixtures' signing secret (config 0) ...
          R"({"api_key":"t23-test-key-0123456789abcdef","sender_id":"MyApp",)"
          R"("webhook_token":"tok_8f3a2b1c9d7e6f50",)"
          R"("webhook_secret":"whsec_23t_5f2c9a7e1b3d4c6a8e0f"})",
          // ... and neither: every callback is taken as authentic (config 1).
          R"({"api_key":"t23-test-key-0123456789abcdef","sender_id":"MyApp"})"},
         "https://sb.example.com",
         "/api/webhooks/telecom23"});
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    switchboard::fuzz::fuzzPluginHooks(data, size);
    return 0;
}
