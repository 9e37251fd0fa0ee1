// Every hook answers a status the ABI does not define. 7 still lies within sb_status's range
// of values (its enumerators need three bits), so the value is well-defined C++ and reaches
// the host intact: the host must report it as an error, never act on it.
#include "switchboard/plugin_abi.h"

namespace {

constexpr sb_status kUndefined = static_cast<sb_status>(7);

sb_status create(sb_str, sb_instance** instance, sb_output*) {
    *instance = nullptr;
    return SB_OK;
}
void destroy(sb_instance*) {}
sb_status request(sb_instance*, const sb_http_request*, sb_output*) { return kUndefined; }
sb_status buildSend(sb_instance*, sb_str, sb_output*) { return kUndefined; }
sb_status parseSendResponse(sb_instance*, const sb_http_response*, sb_output*) {
    return kUndefined;
}
sb_status webhookResponse(sb_instance*, sb_str, sb_output*) { return kUndefined; }

const sb_plugin_hooks kHooks = {
    .struct_size = sizeof(sb_plugin_hooks),
    .create_instance = &create,
    .destroy_instance = &destroy,
    .detect = &request,
    .verify = &request,
    .parse = &request,
    .build_send = &buildSend,
    .parse_send_response = &parseSendResponse,
    .webhook_response = &webhookResponse,
};

const sb_plugin_descriptor kDescriptor = {
    .struct_size = sizeof(sb_plugin_descriptor),
    .abi_version = SB_ABI_VERSION,
    .name = "odd_status",
    .plugin_version = "0.0.1",
    .build_signature = "hand-made test plugin",
    .capabilities = SB_CAP_MESSAGING,
    .config_schema_json = R"({"properties":{}})",
    .default_status_table_json = "{}",
    .hooks = &kHooks,
};

}  // namespace

extern "C" __attribute__((visibility("default"))) const sb_plugin_descriptor* sb_plugin_entry(
    uint32_t, const sb_host_api*) {
    return &kDescriptor;
}
