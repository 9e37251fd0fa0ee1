// A hook table whose struct_size does not even cover create/destroy.
#include "HandMadePlugin.h"

namespace {

constexpr sb_plugin_hooks kHooks = [] {
    sb_plugin_hooks h = kValidHooks;
    h.struct_size = sizeof(uint32_t);
    return h;
}();

constexpr sb_plugin_descriptor kDescriptor = [] {
    sb_plugin_descriptor d = validDescriptor("tiny_hooks", &kHooks);
    d.capabilities = 0u;  // not even messaging: only the required hooks are at stake
    return d;
}();

}  // namespace

SB_HAND_MADE_PLUGIN_ENTRY(&kDescriptor)
