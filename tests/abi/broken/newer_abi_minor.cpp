// Claims a minor one newer than the host's: it may rely on hooks this host never calls.
#include "HandMadePlugin.h"

namespace {

constexpr sb_plugin_descriptor kDescriptor = [] {
    sb_plugin_descriptor d = validDescriptor("newer_abi_minor");
    d.abi_version = (SB_ABI_VERSION_MAJOR << 16) | (SB_ABI_VERSION_MINOR + 1u);
    return d;
}();

}  // namespace

SB_HAND_MADE_PLUGIN_ENTRY(&kDescriptor)
