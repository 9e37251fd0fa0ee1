// Stub telephony hooks for the hand-made ABI 1.2 test plugins (see HandMadePlugin.h).
#pragma once

#include "HandMadePlugin.h"

namespace {

sb_status stubCarriers(sb_instance*, sb_output*) { return SB_ERROR; }
sb_status stubForwardingCodes(sb_instance*, sb_str, sb_output*) { return SB_BAD_INPUT; }
sb_status stubBuildCall(sb_instance*, sb_str, sb_output*) { return SB_BAD_INPUT; }
sb_status stubParseCall(sb_instance*, const sb_http_response*, sb_output*) { return SB_ERROR; }

// A complete hook table for a telephony-only plugin.
constexpr sb_plugin_hooks kTelephonyHooks = {
    .struct_size = sizeof(sb_plugin_hooks),
    .create_instance = &stubCreate,
    .destroy_instance = &stubDestroy,
    .detect = nullptr,
    .verify = nullptr,
    .parse = nullptr,
    .build_send = nullptr,
    .parse_send_response = nullptr,
    .webhook_response = nullptr,
    .telephony_carriers = &stubCarriers,
    .forwarding_codes = &stubForwardingCodes,
    .build_verification_call = &stubBuildCall,
    .parse_verification_call_response = &stubParseCall,
};

constexpr sb_plugin_descriptor telephonyDescriptor(
    const char* name, const sb_plugin_hooks* hooks = &kTelephonyHooks) {
    sb_plugin_descriptor d = validDescriptor(name, hooks);
    d.capabilities = SB_CAP_TELEPHONY;
    return d;
}

}  // namespace
