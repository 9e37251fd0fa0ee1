#include "support/TestPlugins.h"

#include <string>

namespace switchboard::testing {

std::string testPlugin(const std::string& name) {
    return std::string(SWITCHBOARD_TEST_PLUGIN_DIR) + "/" + name + "/" + name + ".so";
}

std::string extremePlugin() { return std::string(SWITCHBOARD_PLUGIN_DIR) + "/sb_extreme.so"; }

}  // namespace switchboard::testing
