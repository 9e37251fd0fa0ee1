// Leaves build_signature NULL: the host shows it in its load log, so it must be there.
#include "HandMadePlugin.h"

namespace {

constexpr sb_plugin_descriptor kDescriptor = [] {
    sb_plugin_descriptor d = validDescriptor("no_build_signature");
    d.build_signature = nullptr;
    return d;
}();

}  // namespace

SB_HAND_MADE_PLUGIN_ENTRY(&kDescriptor)
