// The base class a telephony plugin implements (ABI 1.2, SB_CAP_TELEPHONY): call-forwarding
// codes from a carrier table, and the provider request that places a caller-ID verification
// call. One object of the derived class is one configured instance (`providers:` entry).
//
// A derived class must also provide, exactly as for ProviderPlugin:
//   static switchboard::sdk::PluginInfo info();
//   explicit Derived(const switchboard::sdk::InstanceConfig& config);  // may throw BadInput
// and be registered with SWITCHBOARD_PLUGIN(Derived) from Plugin.h. A class may derive from
// both ProviderPlugin and TelephonyPlugin; the macro then declares both capabilities.
//
// Threading: the host calls the const methods concurrently from several threads, so an
// instance must not mutate itself after construction.
// Errors: throw BadInput for input the plugin cannot serve (for forwardingCodes its text is
// shown to the end user, so write it for them); any other exception is an internal error.
#pragma once

#include "switchboard/sdk/Types.h"

#include <optional>
#include <string>
#include <vector>

namespace switchboard::sdk {

/// The ring time (seconds before a conditional forward) a carrier's mode accepts.
struct RingTimeRange {
    int min = 5;   ///< inclusive, seconds
    int max = 30;  ///< inclusive, seconds
    int step = 1;  ///< a valid value is min + k·step (3GPP no-reply timer: steps of 5 s)
    std::optional<int> defaultSeconds;  ///< used when none is asked for; nullopt: optional
};

/// One forwarding mode of a carrier, e.g. "total_ai" (all calls) or "safety_net".
struct ForwardingMode {
    std::string id;
    std::string label;                      ///< one line for a UI
    std::optional<RingTimeRange> ringTime;  ///< nullopt: the mode takes no ring time
};

/// A carrier the plugin can generate codes for.
struct Carrier {
    std::string id;                            ///< e.g. "tmobile"
    std::string name;                          ///< e.g. "T-Mobile"
    std::string technology;                    ///< "gsm" or "cdma"
    std::optional<std::string> cancelAllCode;  ///< e.g. "##002#" (3GPP TS 22.030 all CF)
    std::vector<ForwardingMode> modes;
};

/// What the host asks forwardingCodes for.
struct ForwardingRequest {
    std::string carrier;
    std::string mode;
    std::string destination;  ///< E.164 with '+'; the plugin must check it
    std::optional<int> ringTimeSeconds;
};

/// Codes and instructions for one (carrier, mode, destination, ring time).
struct ForwardingCodes {
    std::string carrier;
    std::string carrierName;
    std::string mode;
    std::string modeLabel;
    std::string destination;
    std::optional<int> ringTimeSeconds;  ///< the value encoded in the activation code
    std::string activationCode;
    std::string deactivationCode;
    std::optional<std::string> cancelAllCode;
    std::vector<std::string> activationInstructions;
    std::vector<std::string> deactivationInstructions;
};

/// A verification call to place: the provider calls phoneNumber and reads out code.
struct VerificationCall {
    std::string verificationId;
    std::string phoneNumber;  ///< E.164 with '+', checked by the host
    std::string friendlyName;
    std::string code;  ///< 6 digits; a secret: never log it or put it in an error text
    std::optional<std::string> statusCallbackUrl;
};

/// The provider request for a verification call, and every form in which the code appears
/// in it (the host masks them wherever it records the request).
struct VerificationCallRequest {
    ProviderRequest request;
    std::vector<std::string> redact;
};

class TelephonyPlugin {
  public:
    virtual ~TelephonyPlugin() = default;

    /// Every carrier and mode, in display order.
    virtual std::vector<Carrier> carriers() const = 0;

    /// The codes for `request`; throws BadInput (user-facing text) for an unknown carrier
    /// or mode, a destination that is not E.164, or a ring time the mode refuses.
    virtual ForwardingCodes forwardingCodes(const ForwardingRequest& request) const = 0;

    /// The provider request that places `call`; throws BadInput if it cannot be expressed.
    virtual VerificationCallRequest buildVerificationCall(const VerificationCall& call) const = 0;

    /// Classifies the provider's answer to a buildVerificationCall request.
    virtual SendResult parseVerificationCallResponse(const HttpResponse& response) const = 0;
};

}  // namespace switchboard::sdk
