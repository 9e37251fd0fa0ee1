// The base class a messaging plugin implements. One object of the derived class is one
// configured provider instance (`providers: [{id, plugin, config}]` in YAML).
//
// A derived class must also provide:
//   static switchboard::sdk::PluginInfo info();          // name, version, schema, statuses
//   explicit Derived(const switchboard::sdk::InstanceConfig& config);  // may throw BadInput
// and be registered with SWITCHBOARD_PLUGIN(Derived) from Plugin.h in exactly one .cpp.
//
// Threading: the host calls the const methods concurrently from several threads, so an
// instance must not mutate itself after construction.
// Errors: throw BadInput for malformed input; any other exception is reported as an internal
// plugin error. Nothing thrown ever crosses into the host.
#pragma once

#include "switchboard/sdk/Types.h"

namespace switchboard::sdk {

class ProviderPlugin {
  public:
    virtual ~ProviderPlugin() = default;

    /// True when the webhook looks like this provider's (payload shape only; no auth).
    virtual bool detect(const HttpRequest& request) const = 0;

    /// Authenticity check with the instance's secrets, in constant time.
    virtual VerifyResult verify(const HttpRequest& request) const = 0;

    /// Canonical events in the webhook; throws BadInput for a malformed payload.
    virtual std::vector<WebhookEvent> parse(const HttpRequest& request) const = 0;

    /// The provider request that sends `message`; throws BadInput if it cannot be expressed.
    virtual ProviderRequest buildSend(const OutboundMessage& message) const = 0;

    /// Classifies the provider's answer to a buildSend request.
    virtual SendResult parseSendResponse(const HttpResponse& response) const = 0;

    /// The answer the provider expects to a webhook. Default: 200 {"success":true}.
    virtual WebhookReply webhookResponse(WebhookResult /*result*/) const { return {}; }
};

}  // namespace switchboard::sdk
