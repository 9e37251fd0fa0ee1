// Forwarding codes and the instructions a subscriber follows to dial them, from the carrier
// table. Pure: no state, no I/O.
#pragma once

#include "CarrierTable.h"

#include "switchboard/sdk/TelephonyPlugin.h"

namespace switchboard::plugins::telephony {

/// Input: the table and a request (carrier id, mode id, E.164 destination, optional ring
/// time in seconds). Output: activation and deactivation codes with {number} and {ring}
/// filled in, the carrier's cancel-all code, and step-by-step instructions for both.
/// The ring time is never clamped: when the request's value does not fit the mode, the
/// request is refused so the subscriber never dials something other than what they chose.
/// No ring time asked for: the mode's default is used, or (no default) the code without one.
/// Throws sdk::BadInput, in words meant for the end user, for: an unknown carrier or mode
/// (listing the known ones), a destination that is not E.164 (^\+[1-9]\d{6,14}$), a ring
/// time given for a mode that takes none, outside [min, max], or off the mode's step.
sdk::ForwardingCodes generateForwardingCodes(const CarrierTable& table,
                                             const sdk::ForwardingRequest& request);

}  // namespace switchboard::plugins::telephony
