// Places (or, for a dry-run instance, records) the verification call the telephony plugin
// builds. The code is a secret from here on: it is masked in every record and never logged.
#pragma once

#include "messaging/ProviderCall.h"
#include "plugin/ProviderSet.h"
#include "store/Database.h"
#include "telephony/TelephonyRecords.h"
#include "util/Clock.h"

#include <optional>
#include <string>

namespace switchboard::telephony {

/// What became of one verification call.
struct CallOutcome {
    std::string callStatus;                  ///< "dry_run" | "placed" | "failed"
    std::optional<std::string> providerRef;  ///< the provider's call id when placed
    std::string detail;  ///< why it failed (internal: logs only, never shown to a tenant)
};

class VerificationCallPlacer {
  public:
    VerificationCallPlacer(store::Database& db, const plugin::Provider& provider,
                           const messaging::ProviderHttpClient& http, const util::Clock& clock)
        : db_(db), provider_(provider), http_(http), clock_(clock) {}

    /// Input: the stored verification (id, tenant, phone, friendly name) and its plaintext
    /// `code`. Asks the plugin's build_verification_call for the request; a dry-run instance
    /// stores it in caller_id_dry_run_calls with the code (every form the plugin lists in
    /// `redact`) and configured secrets replaced by "****"; otherwise it is sent once (no
    /// retry: a second call would ring the subscriber twice) and the answer classified by
    /// parse_verification_call_response. Records the outcome on the verification row.
    /// Never throws for a plugin or provider failure (callStatus "failed" with `detail`);
    /// throws store::StoreUnavailable when the outcome cannot be stored.
    CallOutcome place(const Verification& verification, const std::string& code) const;

    /// The provider instance that places the calls.
    const std::string& providerId() const { return provider_.config.id; }

  private:
    // Records a dry run's masked request; stores (and logs) a call's final outcome.
    CallOutcome dryRun(const Verification& verification, const messaging::ProviderCall& call) const;
    CallOutcome recorded(const Verification& verification, CallOutcome outcome) const;

    store::Database& db_;
    const plugin::Provider& provider_;
    const messaging::ProviderHttpClient& http_;
    const util::Clock& clock_;
};

}  // namespace switchboard::telephony
