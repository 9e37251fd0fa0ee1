// A default status table that is JSON but an array, not the object the host maps statuses with.
#include "HandMadePlugin.h"

namespace {

constexpr sb_plugin_descriptor kDescriptor = [] {
    sb_plugin_descriptor d = validDescriptor("bad_status_table");
    d.default_status_table_json = "[\"DELIVERED\"]";
    return d;
}();

}  // namespace

SB_HAND_MADE_PLUGIN_ENTRY(&kDescriptor)
