// A messaging plugin built against ABI 1.1, before the telephony hooks existed: its hook table
// ends after webhook_response. Whatever lies past that end must never be read, so the words
// after it here are deliberately not NULL; a 1.2 host must load the plugin and see no
// telephony hooks.
#include "HandMadePlugin.h"

namespace {

sb_status neverCalled(sb_instance*, sb_output*) { return SB_ERROR; }

constexpr sb_plugin_hooks kHooks = [] {
    sb_plugin_hooks h = kValidHooks;
    h.struct_size = offsetof(sb_plugin_hooks, telephony_carriers);
    h.telephony_carriers = &neverCalled;  // beyond struct_size: not part of this table
    return h;
}();

constexpr sb_plugin_descriptor kDescriptor = [] {
    sb_plugin_descriptor d = validDescriptor("abi_1_1_messaging", &kHooks);
    d.abi_version = (1u << 16) | 1u;
    return d;
}();

}  // namespace

SB_HAND_MADE_PLUGIN_ENTRY(&kDescriptor)
