// libFuzzer target: the sms-retail plugin's detect/verify/parse, parse_send_response and
// build_send through the host's loader and ABI (see support/PluginHookFuzzer.h for the input
// layout and what counts as a finding). Seeds: tests/plugins/smsretail/fixtures.
#include "support/PluginHookFuzzer.h"

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
    switchboard::fuzz::initPluginFuzzer(
        {"sb_smsretail.so",
         {// The fixtures' signing secret with a send endpoint (config 0) ...
          R"({"webhook_secret":"sr-test-secret-7f3a",)"
          R"("send_url":"https://api.sms-retail.example/v1/messages",)"
          R"("api_key":"sr-api-key-0123456789"})",
          // ... and renamed send fields with a nested response id path (config 1).
          R"({"send_url":"https://api.sms-retail.example/v1/messages",)"
          R"("api_key":"sr-api-key-0123456789","signature_header":"X-Sig",)"
          R"("auth_header":"X-Api-Key","auth_scheme":"","send_fields":{"to":"recipient"},)"
          R"("response_id_field":"data.messages.0.id"})"},
         "https://sb.example.com",
         "/api/webhooks/smsretail"});
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    switchboard::fuzz::fuzzPluginHooks(data, size);
    return 0;
}
