// The caller-ID verification call through Twilio's Programmable Voice: a call to the
// subscriber's phone that reads out the 6-digit code the host generated.
//
// Why a Calls request and not Twilio's OutgoingCallerIds validation request
// (POST /2010-04-01/Accounts/{AccountSid}/OutgoingCallerIds.json, PhoneNumber, FriendlyName,
// CallDelay, Extension, StatusCallback; https://www.twilio.com/docs/voice/api/outgoing-caller-ids):
// that request takes no code. Twilio makes up its own `validation_code`, returns it in the
// response and its call asks the person to *type* it on the keypad, so the code travels from
// our screen to the phone and the ownership proof stays at Twilio. Switchboard's proof runs
// the other way (seed 003 §17: "Check your phone for 6-digit code", then confirm it in the
// app, with attempts and expiry enforced by Switchboard): the code must come *from* the
// phone call, which only a call whose script we write can do.
// Source: https://www.twilio.com/docs/voice/api/call-resource (POST .../Calls.json with To,
// From, Twiml, StatusCallback; HTTP basic auth AccountSid:AuthToken; 201 with the Call's
// "sid"; errors as {"code", "message"}) and https://www.twilio.com/docs/voice/twiml/say.
#pragma once

#include "switchboard/sdk/TelephonyPlugin.h"

#include <string>

namespace switchboard::plugins::telephony {

struct VoiceCallSettings {
    std::string baseUrl;       ///< "https://api.twilio.com", no trailing '/'
    std::string accountSid;    ///< "AC…", in the URL path and the basic-auth user
    std::string authToken;     ///< basic-auth password (a secret)
    std::string callerNumber;  ///< E.164 Twilio number the call comes from
    std::string language;      ///< <Say language="…">, e.g. "en-US"
};

class VerificationCallBuilder {
  public:
    explicit VerificationCallBuilder(VoiceCallSettings settings);

    /// Input: the call (E.164 phone number, 6-digit code, optional status-callback URL).
    /// Output: POST {baseUrl}/2010-04-01/Accounts/{AccountSid}/Calls.json, form-encoded
    /// To, From, Twiml (a <Say> reading the code digit by digit, twice) and, when given,
    /// StatusCallback with StatusCallbackEvent=completed; headers Authorization (basic),
    /// Content-Type application/x-www-form-urlencoded, Accept application/json. `redact`
    /// lists the code as spoken and as form-encoded in the body, and the bare code.
    /// Throws sdk::BadInput when the code is not 6 digits or the number is not E.164.
    sdk::VerificationCallRequest build(const sdk::VerificationCall& call) const;

    /// Input: Twilio's answer to build()'s request. Output: 2xx with a "sid" → ACCEPTED
    /// (provider_ref = the Call sid); 2xx without one → REJECTED (no call to point to);
    /// otherwise Twilio's {"code", "message"} classified by HTTP status (429 THROTTLED,
    /// 408/5xx RETRY, other 4xx REJECTED). Never throws.
    sdk::SendResult classify(const sdk::HttpResponse& response) const;

  private:
    VoiceCallSettings settings_;
    std::string basicAuth_;
};

}  // namespace switchboard::plugins::telephony
