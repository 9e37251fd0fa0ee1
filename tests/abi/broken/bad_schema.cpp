// A config schema that is not JSON: the host could not validate any instance config.
#include "HandMadePlugin.h"

namespace {

constexpr sb_plugin_descriptor kDescriptor = [] {
    sb_plugin_descriptor d = validDescriptor("bad_schema");
    d.config_schema_json = "properties: {api_key: string}";
    return d;
}();

}  // namespace

SB_HAND_MADE_PLUGIN_ENTRY(&kDescriptor)
