// Pins plugin_abi.h to SB_ABI_VERSION: any edit to the header (a field, a hook, a documented
// contract) must come with a version bump and a new row below, so plugins built against one
// text of the ABI are never loaded by a host that means another under the same number.
#include "switchboard/plugin_abi.h"
#include "switchboard/sdk/Crypto.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>

namespace switchboard {
namespace {

/// SHA-256 (hex) of plugin_abi.h's bytes with CR removed, per ABI version. Add a row when
/// you bump SB_ABI_VERSION; never edit an existing one.
const std::map<std::uint32_t, std::string> kHeaderHashes = {
    {(1u << 16) | 2u, "9a137c12a79a882cca41fff52eb8e55c94aa94ee19d4f7b94e1e8256fffd0342"},
};

std::string headerText() {
    std::ifstream in(std::string(SWITCHBOARD_SOURCE_DIR) + "/core/include/switchboard/plugin_abi.h",
                     std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    std::string bytes = text.str();
    std::erase(bytes, '\r');  // a Windows checkout must not count as an ABI change
    return bytes;
}

TEST(AbiHeaderGuard, TheHeaderIsTheOneItsVersionWasPublishedWith) {
    const std::string text = headerText();
    ASSERT_FALSE(text.empty()) << "plugin_abi.h could not be read";
    auto pinned = kHeaderHashes.find(SB_ABI_VERSION);
    ASSERT_NE(pinned, kHeaderHashes.end())
        << "SB_ABI_VERSION " << SB_ABI_MAJOR(SB_ABI_VERSION) << "." << SB_ABI_MINOR(SB_ABI_VERSION)
        << " has no pinned hash: add {version, \"" << sdk::sha256Hex(text)
        << "\"} to kHeaderHashes in " << __FILE__;
    EXPECT_EQ(sdk::sha256Hex(text), pinned->second)
        << "plugin_abi.h changed but SB_ABI_VERSION did not: bump SB_ABI_VERSION_MINOR (or the "
           "major, for a change old plugins cannot survive), then pin the new hash here";
}

TEST(AbiHeaderGuard, EveryPinnedVersionIsNoNewerThanTheHost) {
    for (const auto& [version, hash] : kHeaderHashes) {
        EXPECT_LE(version, SB_ABI_VERSION);
        EXPECT_EQ(hash.size(), 64u);
    }
}

}  // namespace
}  // namespace switchboard
