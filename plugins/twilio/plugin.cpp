// The library's only exported symbol, sb_plugin_entry. The descriptor and every hook come
// from the SDK (SWITCHBOARD_PLUGIN's machinery) except parse: the SDK's InboundMessage has no
// media field, so the parse hook writes TwilioPlugin::parseDocument(), which adds the
// "media" array (MediaUrl0..N-1) to inbound events. When the SDK grows a media field this
// file shrinks to SWITCHBOARD_PLUGIN(switchboard::plugins::twilio::TwilioPlugin).
#include "TwilioPlugin.h"

#include "switchboard/sdk/Plugin.h"

namespace {

using switchboard::plugins::twilio::TwilioPlugin;
namespace detail = switchboard::sdk::detail;

// Same contract as the SDK's parse hook (plugin_abi.h): SB_OK with {"events": [...]}, or
// SB_BAD_INPUT/SB_ERROR with the reason; no exception crosses the boundary.
sb_status parseWithMedia(sb_instance* instance, const sb_http_request* request,
                         sb_output* out) noexcept {
    return detail::guarded(out, [&] {
        // The instance was created by the SDK's create hook as a TwilioPlugin.
        const auto& plugin = static_cast<const TwilioPlugin&>(detail::self<TwilioPlugin>(instance));
        detail::write(out, plugin.parseDocument(detail::requestOf(request)));
        return SB_OK;
    });
}

}  // namespace

/// Returns the SDK-built descriptor with the parse hook replaced (see above), or NULL when the
/// SDK refuses the host (ABI major mismatch, too small an sb_host_api).
extern "C" __attribute__((visibility("default"))) const sb_plugin_descriptor* sb_plugin_entry(
    uint32_t host_abi_version, const sb_host_api* host) {
    const sb_plugin_descriptor* base = detail::entry<TwilioPlugin>(host_abi_version, host);
    if (base == nullptr) return nullptr;
    static const sb_plugin_hooks hooks = [base] {
        sb_plugin_hooks h = *base->hooks;
        h.parse = &parseWithMedia;
        return h;
    }();
    static const sb_plugin_descriptor descriptor = [base] {
        sb_plugin_descriptor d = *base;
        d.hooks = &hooks;
        return d;
    }();
    return &descriptor;
}
