// The carrier table a telephony instance generates forwarding codes from: parsed and checked
// once, from the JSON the host made of config/carriers.yaml (the plugin reads no files).
#pragma once

#include "switchboard/sdk/TelephonyPlugin.h"

#include <optional>
#include <string>
#include <vector>

namespace switchboard::plugins::telephony {

/// One mode with its code templates. Placeholders: {number} (the E.164 destination with
/// '+') and {ring} (seconds).
struct ModeSpec {
    sdk::ForwardingMode mode;
    std::string activate;  ///< template; holds {ring} exactly when the mode has a ring time
    /// Template used when the mode's ring time is optional (no default) and none is asked for.
    std::optional<std::string> activateWithoutRing;
    std::string deactivate;  ///< literal code, no placeholders
    std::string effect;      ///< what the activation does, same placeholders
    std::optional<std::string> effectWithoutRing;
};

struct CarrierSpec {
    sdk::Carrier carrier;  ///< id, name, technology, cancel-all code and the public mode facts
    std::vector<ModeSpec> modes;
    const ModeSpec* findMode(const std::string& id) const;
};

/// The validated table, immutable after construction.
class CarrierTable {
  public:
    /// Input: JSON text of the table (schema in config/carriers.yaml's header):
    ///   {"version": 1, "carriers": [{"id", "name", "technology": "gsm"|"cdma",
    ///     "cancel_all": "..." (optional), "modes": [{"id", "label", "activate",
    ///     "activate_without_ring" (optional), "deactivate", "effect",
    ///     "effect_without_ring" (optional),
    ///     "ring_time": {"min", "max", "step" (default 1), "default" (optional)} (optional)}]}]}
    /// Throws sdk::BadInput naming the path of the first offending entry
    /// ("carriers[2].modes[0].ring_time.min must be ..."): an unknown key, a missing or
    /// mistyped field, a duplicate id, a template whose {ring} does not match the presence
    /// of ring_time, a ring range outside 1..600 s or a default outside it.
    explicit CarrierTable(const std::string& json);

    const std::vector<CarrierSpec>& carriers() const { return carriers_; }
    /// The carrier with `id`, or nullptr.
    const CarrierSpec* find(const std::string& id) const;
    /// "tmobile, att, ..." for error messages.
    std::string ids() const;

  private:
    std::vector<CarrierSpec> carriers_;
};

}  // namespace switchboard::plugins::telephony
