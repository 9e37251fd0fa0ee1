// A descriptor without a hook table.
#include "HandMadePlugin.h"

namespace {

constexpr sb_plugin_descriptor kDescriptor = validDescriptor("null_hooks", nullptr);

}  // namespace

SB_HAND_MADE_PLUGIN_ENTRY(&kDescriptor)
