// A plugin_version with a line break would forge lines in the host's log.
#include "HandMadePlugin.h"

namespace {

constexpr sb_plugin_descriptor kDescriptor = [] {
    sb_plugin_descriptor d = validDescriptor("control_in_version");
    d.plugin_version = "1.0\nERROR forged";
    return d;
}();

}  // namespace

SB_HAND_MADE_PLUGIN_ENTRY(&kDescriptor)
