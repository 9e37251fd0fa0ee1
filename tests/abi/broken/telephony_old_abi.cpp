// Claims the telephony capability while built for ABI 1.1, where that bit meant nothing.
#include "TelephonyHandMade.h"

namespace {

constexpr sb_plugin_descriptor kDescriptor = [] {
    sb_plugin_descriptor d = telephonyDescriptor("telephony_old_abi");
    d.abi_version = (1u << 16) | 1u;
    return d;
}();

}  // namespace

SB_HAND_MADE_PLUGIN_ENTRY(&kDescriptor)
