// The "telephony" plugin: call-forwarding codes from the carrier table and the caller-ID
// verification call (Twilio Programmable Voice). A pure codec: the host reads
// config/carriers.yaml and hands the table over as JSON in the instance config (`carriers`),
// and sends — or, in dry-run, records — the request built here.
#pragma once

#include "CarrierTable.h"
#include "VerificationCallBuilder.h"

#include "switchboard/sdk/TelephonyPlugin.h"

namespace switchboard::plugins::telephony {

class TelephonyCodec : public sdk::TelephonyPlugin {
  public:
    /// Name "telephony"; config schema: carriers (filled by the host), account_sid,
    /// auth_token (secret), caller_number, base_url, language. No status table.
    static sdk::PluginInfo info();

    /// Throws sdk::BadInput naming the key (or the table path) for a missing credential, a
    /// caller_number that is not E.164, a bad base_url or an invalid carrier table.
    explicit TelephonyCodec(const sdk::InstanceConfig& config);

    std::vector<sdk::Carrier> carriers() const override;
    sdk::ForwardingCodes forwardingCodes(const sdk::ForwardingRequest& request) const override;
    sdk::VerificationCallRequest buildVerificationCall(
        const sdk::VerificationCall& call) const override;
    sdk::SendResult parseVerificationCallResponse(const sdk::HttpResponse& response) const override;

  private:
    CarrierTable table_;
    VerificationCallBuilder calls_;
};

}  // namespace switchboard::plugins::telephony
