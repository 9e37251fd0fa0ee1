#pragma once

#include "switchboard/sdk/Crypto.h"

namespace switchboard::util {

// The core uses the SDK's helpers (switchboard/sdk/Crypto.h) so that core and plugins
// compare secrets and hash the same way. sha256Hex hashes API keys: keys are long random
// strings, so a fast unsalted hash is enough to make a leaked table useless.
using sdk::constantTimeEquals;
using sdk::sha256Hex;

}  // namespace switchboard::util
