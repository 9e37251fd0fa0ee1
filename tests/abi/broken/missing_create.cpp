// No create_instance: no provider instance could ever be configured.
#include "HandMadePlugin.h"

namespace {

constexpr sb_plugin_hooks kHooks = [] {
    sb_plugin_hooks h = kValidHooks;
    h.create_instance = nullptr;
    return h;
}();

constexpr sb_plugin_descriptor kDescriptor = validDescriptor("missing_create", &kHooks);

}  // namespace

SB_HAND_MADE_PLUGIN_ENTRY(&kDescriptor)
