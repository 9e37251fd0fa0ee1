// Looks like a plugin but exports its entry point under a near-miss name, as a library
// built against some other convention (or a stray .so in the plugin directory) would.
#include "switchboard/plugin_abi.h"

extern "C" __attribute__((visibility("default"))) const sb_plugin_descriptor*
switchboard_plugin_entry(uint32_t, const sb_host_api*) {
    return nullptr;
}
