#pragma once

#include <string>

namespace switchboard::testing {

/// The library tests/abi/broken/<name>.cpp builds to: test-plugins/<name>/<name>.so.
std::string testPlugin(const std::string& name);

/// The shipped Extreme plugin library, as built into the plugin directory.
std::string extremePlugin();

}  // namespace switchboard::testing
