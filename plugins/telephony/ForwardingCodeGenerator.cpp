#include "ForwardingCodeGenerator.h"

#include "switchboard/sdk/ProviderText.h"

#include <algorithm>
#include <regex>

namespace switchboard::plugins::telephony {
namespace {

using sdk::BadInput;

std::string fill(std::string text, const std::string& number, const std::optional<int>& ring) {
    auto replaceAll = [&text](const std::string& from, const std::string& to) {
        for (std::size_t at = text.find(from); at != std::string::npos;
             at = text.find(from, at + to.size()))
            text.replace(at, from.size(), to);
    };
    replaceAll("{number}", number);
    if (ring) replaceAll("{ring}", std::to_string(*ring));
    return text;
}

// Input text echoed in an error is cut short: it comes from the tenant. The reason is shown
// to the tenant and may be logged, so it must stay one line of valid UTF-8: control
// characters go (sdk::excerpt) and the cut falls between characters, never inside one.
std::string shown(const std::string& text) {
    const std::string safe = sdk::excerpt(text);
    std::size_t end = std::min<std::size_t>(safe.size(), 40);
    while (end > 0 && end < safe.size() && (static_cast<unsigned char>(safe[end]) & 0xC0) == 0x80)
        --end;
    return "'" + safe.substr(0, end) + (end < safe.size() ? "…" : "") + "'";
}

std::string modeIds(const CarrierSpec& carrier) {
    std::string text;
    for (const auto& m : carrier.modes) text += (text.empty() ? "" : ", ") + m.mode.id;
    return text;
}

// The ring time the code will carry, or nullopt for a code without one.
std::optional<int> ringTimeFor(const CarrierSpec& carrier, const ModeSpec& mode,
                               const std::optional<int>& asked) {
    const auto& range = mode.mode.ringTime;
    const std::string what = carrier.carrier.name + "'s " + mode.mode.id + " mode";
    if (!range) {
        if (asked)
            throw BadInput(what +
                           " takes no ring time (the carrier decides how long the phone rings "
                           "first); leave the ring time out.");
        return std::nullopt;
    }
    if (!asked) return range->defaultSeconds;
    if (*asked < range->min || *asked > range->max)
        throw BadInput(what + " accepts a ring time of " + std::to_string(range->min) + " to " +
                       std::to_string(range->max) + " seconds; " + std::to_string(*asked) +
                       " seconds is outside that range.");
    if ((*asked - range->min) % range->step != 0)
        throw BadInput(what + " accepts ring times in steps of " + std::to_string(range->step) +
                       " seconds from " + std::to_string(range->min) + " to " +
                       std::to_string(range->max) + "; " + std::to_string(*asked) +
                       " seconds is not one of them.");
    return asked;
}

std::string confirmationStep(const std::string& technology) {
    return technology == "gsm"
               ? "Wait for the message on screen confirming the change, then close it."
               : "Wait for the confirmation tone or announcement, then hang up.";
}

}  // namespace

sdk::ForwardingCodes generateForwardingCodes(const CarrierTable& table,
                                             const sdk::ForwardingRequest& request) {
    const CarrierSpec* carrier = table.find(request.carrier);
    if (carrier == nullptr)
        throw BadInput("Unknown carrier " + shown(request.carrier) +
                       ". Known carriers: " + table.ids() + ".");
    const ModeSpec* mode = carrier->findMode(request.mode);
    if (mode == nullptr)
        throw BadInput(carrier->carrier.name + " has no forwarding mode " + shown(request.mode) +
                       ". Its modes: " + modeIds(*carrier) + ".");
    static const std::regex kE164(R"(\+[1-9][0-9]{6,14})");
    if (!std::regex_match(request.destination, kE164))
        throw BadInput(
            "The forwarding destination must be an E.164 number such as "
            "+15550109999 ('+', country code and number, 7 to 15 digits); got " +
            shown(request.destination) + ".");
    const std::optional<int> ring = ringTimeFor(*carrier, *mode, request.ringTimeSeconds);
    const bool withoutRing = mode->mode.ringTime && !ring;

    sdk::ForwardingCodes codes;
    codes.carrier = carrier->carrier.id;
    codes.carrierName = carrier->carrier.name;
    codes.mode = mode->mode.id;
    codes.modeLabel = mode->mode.label;
    codes.destination = request.destination;
    codes.ringTimeSeconds = ring;
    codes.activationCode =
        fill(withoutRing ? *mode->activateWithoutRing : mode->activate, request.destination, ring);
    codes.deactivationCode = mode->deactivate;
    codes.cancelAllCode = carrier->carrier.cancelAllCode;
    const std::string effect =
        fill(withoutRing ? *mode->effectWithoutRing : mode->effect, request.destination, ring);

    const std::string technology = carrier->carrier.technology;
    codes.activationInstructions = {
        "On the phone whose calls you want to forward (your " + carrier->carrier.name +
            " line), open the Phone app's keypad.",
        "Dial " + codes.activationCode + " exactly as shown, then press Call.",
        confirmationStep(technology),
        effect,
        "Come back here and confirm the setup.",
    };
    codes.deactivationInstructions = {
        "On the same phone, open the Phone app's keypad.",
        "Dial " + codes.deactivationCode + " exactly as shown, then press Call.",
        confirmationStep(technology),
        "Calls ring only on your phone again.",
    };
    if (codes.cancelAllCode)
        codes.deactivationInstructions.push_back("If calls still forward, dial " +
                                                 *codes.cancelAllCode +
                                                 " to cancel every call forwarding on the line.");
    return codes;
}

}  // namespace switchboard::plugins::telephony
