// A C++ plugin whose entry point lets an exception escape, breaking the ABI's rule that
// nothing crosses the boundary: the host must still refuse it as a load error rather than
// die of an exception it cannot know the type of.
#include "switchboard/plugin_abi.h"

namespace {

// Deliberately unrelated to std::exception.
struct EntryFailure {
    int code;
};

}  // namespace

extern "C" __attribute__((visibility("default"))) const sb_plugin_descriptor* sb_plugin_entry(
    uint32_t, const sb_host_api*) {
    throw EntryFailure{1};
}
