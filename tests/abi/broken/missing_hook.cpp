// A messaging plugin without build_send: the host would call NULL on the first send.
#include "HandMadePlugin.h"

namespace {

constexpr sb_plugin_hooks kHooks = [] {
    sb_plugin_hooks h = kValidHooks;
    h.build_send = nullptr;
    return h;
}();

constexpr sb_plugin_descriptor kDescriptor = validDescriptor("missing_hook", &kHooks);

}  // namespace

SB_HAND_MADE_PLUGIN_ENTRY(&kDescriptor)
