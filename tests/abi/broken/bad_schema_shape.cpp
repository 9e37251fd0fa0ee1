// A config schema that is a JSON object but not a schema: a property spec is a bare string
// where the ABI requires an object ({"type": ..., ...}).
#include "HandMadePlugin.h"

namespace {

constexpr sb_plugin_descriptor kDescriptor = [] {
    sb_plugin_descriptor d = validDescriptor("bad_schema_shape");
    d.config_schema_json = R"({"properties":{"api_key":"string"}})";
    return d;
}();

}  // namespace

SB_HAND_MADE_PLUGIN_ENTRY(&kDescriptor)
