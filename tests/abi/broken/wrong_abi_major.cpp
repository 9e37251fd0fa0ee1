// Claims plugin ABI 2.0: a different major may lay its structs out differently, so the host must
// refuse it.
#include "HandMadePlugin.h"

namespace {

constexpr sb_plugin_descriptor kDescriptor = [] {
    sb_plugin_descriptor d = validDescriptor("wrong_abi_major");
    d.abi_version = (2u << 16) | 0u;
    return d;
}();

}  // namespace

SB_HAND_MADE_PLUGIN_ENTRY(&kDescriptor)
