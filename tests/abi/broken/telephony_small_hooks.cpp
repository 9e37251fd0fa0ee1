// A telephony plugin whose hook table ends where ABI 1.1's did: the telephony hooks lie
// beyond what it declares.
#include "TelephonyHandMade.h"

namespace {

constexpr sb_plugin_hooks kHooks = [] {
    sb_plugin_hooks h = kTelephonyHooks;
    h.struct_size = offsetof(sb_plugin_hooks, telephony_carriers);
    return h;
}();

constexpr sb_plugin_descriptor kDescriptor = telephonyDescriptor("telephony_small_hooks", &kHooks);

}  // namespace

SB_HAND_MADE_PLUGIN_ENTRY(&kDescriptor)
