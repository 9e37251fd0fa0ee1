#pragma once

#include "plugin/PluginLibrary.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace switchboard::plugin {

/// What a hook call returned: the sb_status and the text it wrote (its JSON result on
/// SB_OK, its reason otherwise). Exceptions never escape a hook; a plugin that returns an
/// unknown status is reported as SB_ERROR.
struct HookResult {
    sb_status status = SB_ERROR;
    std::string output;
    bool ok() const { return status == SB_OK; }
};

/// A webhook request as the host received it; header names must be lowercase.
struct WebhookRequest {
    std::string method;
    std::string path;
    std::string query;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    std::string remoteAddr;
    std::string publicUrl;
    std::int64_t receivedAtMs = 0;  ///< ms since the Unix epoch
};

/// One configured provider instance (`providers:` entry in YAML) backed by a loaded plugin.
/// Thread-safe: hooks may be called concurrently (the ABI requires instances to allow it).
class ProviderInstance {
  public:
    /// Calls the plugin's create_instance with `configJson` (a JSON object, already
    /// validated against the plugin's schema). Throws std::runtime_error naming the instance
    /// id and the plugin's reason when the plugin refuses or throws.
    ProviderInstance(const PluginLibrary& library, std::string id, const std::string& configJson);
    ~ProviderInstance();
    ProviderInstance(const ProviderInstance&) = delete;
    ProviderInstance& operator=(const ProviderInstance&) = delete;

    const std::string& id() const { return id_; }
    std::string pluginName() const { return library_.name(); }
    const PluginLibrary& library() const { return library_; }

    /// detect → SB_OK (mine) | SB_NOT_MINE | SB_ERROR.
    HookResult detect(const WebhookRequest& request) const;
    /// verify → SB_OK | SB_REJECTED (reason) | SB_ERROR.
    HookResult verify(const WebhookRequest& request) const;
    /// parse → SB_OK with {"events": [...]} | SB_BAD_INPUT | SB_ERROR.
    HookResult parse(const WebhookRequest& request) const;
    /// build_send(message JSON) → SB_OK with {"method","url","headers","body"} | errors.
    HookResult buildSend(const std::string& messageJson) const;
    /// parse_send_response → SB_OK with {"outcome", "provider_ref", ...} | errors.
    HookResult parseSendResponse(int status,
                                 const std::vector<std::pair<std::string, std::string>>& headers,
                                 const std::string& body) const;
    /// webhook_response({"result": ...}) → SB_OK with {"status","content_type","body"}.
    HookResult webhookResponse(const std::string& outcomeJson) const;
    // A messaging hook the plugin lacks (a telephony-only plugin) answers SB_ERROR naming it
    // instead of being called.

    /// True when the plugin declares SB_CAP_TELEPHONY (the four hooks below exist).
    bool telephony() const { return library_.has(SB_CAP_TELEPHONY); }
    /// telephony_carriers → SB_OK with {"carriers": [...]} (plugin_abi.h, ABI 1.2).
    HookResult telephonyCarriers() const;
    /// forwarding_codes(request JSON) → SB_OK with the codes and instructions |
    /// SB_BAD_INPUT with a reason written for the end user | SB_ERROR.
    HookResult forwardingCodes(const std::string& requestJson) const;
    /// build_verification_call(request JSON) → SB_OK with {"request": {...}, "redact": [...]}.
    HookResult buildVerificationCall(const std::string& requestJson) const;
    /// parse_verification_call_response → SB_OK with {"outcome", "provider_ref", ...}.
    HookResult parseVerificationCallResponse(
        int status, const std::vector<std::pair<std::string, std::string>>& headers,
        const std::string& body) const;
    // Without SB_CAP_TELEPHONY each of the four answers SB_ERROR naming the missing hook.

  private:
    HookResult missing(const char* hook) const;

    const PluginLibrary& library_;
    std::string id_;
    sb_instance* instance_ = nullptr;
};

}  // namespace switchboard::plugin
