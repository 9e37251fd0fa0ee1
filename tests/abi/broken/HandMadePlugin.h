// What the hand-made broken plugins in this folder share: stub hooks, a correct hook table,
// a correct descriptor and the entry point, so that each plugin's .cpp states only what is
// broken about it. They are written against the plain C structs rather than the SDK, which
// can only produce a correct descriptor.
//
// Only these plugins include this header, and each is a library of its own: everything here
// has internal linkage, so the one symbol a plugin exports is the sb_plugin_entry that
// SB_HAND_MADE_PLUGIN_ENTRY defines.
#pragma once

#include "switchboard/plugin_abi.h"

#include <cstddef>
#include <cstdint>

namespace {

sb_status stubCreate(sb_str, sb_instance** instance, sb_output*) {
    *instance = nullptr;
    return SB_OK;
}
void stubDestroy(sb_instance*) {}
sb_status stubNotMine(sb_instance*, const sb_http_request*, sb_output*) { return SB_NOT_MINE; }
sb_status stubOk(sb_instance*, const sb_http_request*, sb_output*) { return SB_OK; }
sb_status stubBuildSend(sb_instance*, sb_str, sb_output*) { return SB_BAD_INPUT; }
sb_status stubParseSendResponse(sb_instance*, const sb_http_response*, sb_output*) {
    return SB_ERROR;
}
sb_status stubWebhookResponse(sb_instance*, sb_str, sb_output*) { return SB_ERROR; }

// A complete hook table for a messaging plugin.
constexpr sb_plugin_hooks kValidHooks = {
    .struct_size = sizeof(sb_plugin_hooks),
    .create_instance = &stubCreate,
    .destroy_instance = &stubDestroy,
    .detect = &stubNotMine,
    .verify = &stubOk,
    .parse = &stubOk,
    .build_send = &stubBuildSend,
    .parse_send_response = &stubParseSendResponse,
    .webhook_response = &stubWebhookResponse,
    // ABI 1.2 telephony hooks: a messaging-only plugin has none.
    .telephony_carriers = nullptr,
    .forwarding_codes = nullptr,
    .build_verification_call = nullptr,
    .parse_verification_call_response = nullptr,
};

// A descriptor the host accepts for a messaging plugin called `name` with `hooks`.
constexpr sb_plugin_descriptor validDescriptor(const char* name,
                                               const sb_plugin_hooks* hooks = &kValidHooks) {
    return {
        .struct_size = sizeof(sb_plugin_descriptor),
        .abi_version = SB_ABI_VERSION,
        .name = name,
        .plugin_version = "0.0.1",
        .build_signature = "hand-made test plugin",
        .capabilities = SB_CAP_MESSAGING,
        .config_schema_json = R"({"properties":{}})",
        .default_status_table_json = "{}",
        .hooks = hooks,
    };
}

}  // namespace

// Defines the exported entry point, answering every host with `descriptor` (a pointer to
// static storage, or nullptr).
#define SB_HAND_MADE_PLUGIN_ENTRY(descriptor)                                                      \
    extern "C" __attribute__((visibility("default"))) const sb_plugin_descriptor* sb_plugin_entry( \
        uint32_t, const sb_host_api*) {                                                            \
        return (descriptor);                                                                       \
    }
