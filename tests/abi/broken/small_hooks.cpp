// A messaging plugin whose hook table struct_size covers only create/destroy: the messaging hooks
// lie beyond what it declares.
#include "HandMadePlugin.h"

namespace {

constexpr sb_plugin_hooks kHooks = [] {
    sb_plugin_hooks h = kValidHooks;
    h.struct_size = offsetof(sb_plugin_hooks, detect);
    return h;
}();

constexpr sb_plugin_descriptor kDescriptor = validDescriptor("small_hooks", &kHooks);

}  // namespace

SB_HAND_MADE_PLUGIN_ENTRY(&kDescriptor)
