// A name outside [a-z0-9_-]: names appear in YAML and log lines, so they must stay plain.
#include "HandMadePlugin.h"

namespace {

constexpr sb_plugin_descriptor kDescriptor = [] {
    sb_plugin_descriptor d = validDescriptor("bad_name");
    d.name = "Bad Name!";
    return d;
}();

}  // namespace

SB_HAND_MADE_PLUGIN_ENTRY(&kDescriptor)
