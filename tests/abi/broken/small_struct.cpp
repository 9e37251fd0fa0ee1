// A descriptor whose struct_size ends before the hooks field: reading it would run past what the
// plugin promised.
#include "HandMadePlugin.h"

namespace {

constexpr sb_plugin_descriptor kDescriptor = [] {
    sb_plugin_descriptor d = validDescriptor("small_struct");
    d.struct_size = offsetof(sb_plugin_descriptor, hooks);
    return d;
}();

}  // namespace

SB_HAND_MADE_PLUGIN_ENTRY(&kDescriptor)
