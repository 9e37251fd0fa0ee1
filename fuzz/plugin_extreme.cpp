// libFuzzer target: the ExtremeSMS plugin's detect/verify/parse, parse_send_response and
// build_send through the host's loader and ABI (see support/PluginHookFuzzer.h for the input
// layout and what counts as a finding). Seeds: tests/plugins/extreme/fixtures.
#include "support/PluginHookFuzzer.h"

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
    switchboard::fuzz::initPluginFuzzer(
        {"sb_extreme.so",
         {// The shared-secret instance of the plugin tests (config 0) ...
          R"({"api_key":"ext-test-key-0123456789","webhook_secret":"wh-secret-abcdef"})",
          // ... and the renamed inbound fields of ParsesCustomFieldNames (config 1).
          R"({"api_key":"ext-test-key-0123456789","inbound_fields":{"sender":"from",)"
          R"("receiver":"to","message":"text","id":"msg_id","modem":"modem_no","port":"slot"}})"},
         "https://sb.example.com",
         "/api/webhooks/extreme"});
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    switchboard::fuzz::fuzzPluginHooks(data, size);
    return 0;
}
