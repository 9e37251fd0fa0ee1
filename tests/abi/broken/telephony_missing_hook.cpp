// A telephony plugin without forwarding_codes.
#include "TelephonyHandMade.h"

namespace {

constexpr sb_plugin_hooks kHooks = [] {
    sb_plugin_hooks h = kTelephonyHooks;
    h.forwarding_codes = nullptr;
    return h;
}();

constexpr sb_plugin_descriptor kDescriptor = telephonyDescriptor("telephony_missing_hook", &kHooks);

}  // namespace

SB_HAND_MADE_PLUGIN_ENTRY(&kDescriptor)
