// A config schema that is a JSON object but not a schema: a property spec is a bare string
// where the ABI requires an object ({"type": ..., ...}).
// Written against the plain C structs rather than the SDK, which can only produce a
// correct descriptor.
#include "switchboard/plugin_abi.h"

#include <cstddef>

namespace {

sb_status create(sb_str, sb_instance** instance, sb_output*) {
    *instance = nullptr;
    return SB_OK;
}
void destroy(sb_instance*) {}
sb_status notMine(sb_instance*, const sb_http_request*, sb_output*) { return SB_NOT_MINE; }
sb_status ok(sb_instance*, const sb_http_request*, sb_output*) { return SB_OK; }
sb_status buildSend(sb_instance*, sb_str, sb_output*) { return SB_BAD_INPUT; }
sb_status parseSendResponse(sb_instance*, const sb_http_response*, sb_output*) { return SB_ERROR; }
sb_status webhookResponse(sb_instance*, sb_str, sb_output*) { return SB_ERROR; }

const sb_plugin_hooks kHooks = {
    .struct_size = sizeof(sb_plugin_hooks),
    .create_instance = &create,
    .destroy_instance = &destroy,
    .detect = &notMine,
    .verify = &ok,
    .parse = &ok,
    .build_send = &buildSend,
    .parse_send_response = &parseSendResponse,
    .webhook_response = &webhookResponse,
};

const sb_plugin_descriptor kDescriptor = {
    .struct_size = sizeof(sb_plugin_descriptor),
    .abi_version = SB_ABI_VERSION,
    .name = "bad_schema_shape",
    .plugin_version = "0.0.1",
    .build_signature = "hand-made test plugin",
    .capabilities = SB_CAP_MESSAGING,
    .config_schema_json = R"({"properties":{"api_key":"string"}})",
    .default_status_table_json = "{}",
    .hooks = &kHooks,
};

}  // namespace

extern "C" __attribute__((visibility("default"))) const sb_plugin_descriptor* sb_plugin_entry(
    uint32_t, const sb_host_api*) {
    return &kDescriptor;
}
