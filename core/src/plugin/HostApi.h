#pragma once

#include "switchboard/plugin_abi.h"

#include <string>

// The host side of sb_output: a growable buffer a hook appends its result to.
struct sb_output {
    std::string text;
};

namespace switchboard::plugin {

/// The sb_host_api every plugin receives: logging through Poco's "plugin" logger (whose
/// channel masks secrets) and output buffers. Static storage, valid for the process.
const sb_host_api* hostApi();

}  // namespace switchboard::plugin
