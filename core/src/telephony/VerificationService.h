// Caller-ID verification, tenant-scoped: a tenant proves that one of its people holds a phone
// number by typing back the 6-digit code a verification call reads out on that phone.
// Limits (TelephonyPolicy.h): code valid 10 min; the 3rd wrong code fails the verification
// and locks the number for that tenant for 1 h; at most 3 calls per number per hour.
// Status lifecycle: pending → verified | failed (3 wrong codes) | expired (code too old, or
// replaced by a newer verification of the same number).
#pragma once

#include "domain/ServiceError.h"
#include "store/Database.h"
#include "store/Records.h"
#include "telephony/TelephonyRecords.h"
#include "telephony/VerificationCallPlacer.h"
#include "util/Clock.h"

#include <optional>
#include <string>
#include <vector>

namespace switchboard::telephony {

struct InitiatedVerification {
    Verification verification;
    CallOutcome call;
};

struct RemovedVerification {
    Verification verification;
    std::optional<ForwardingConfig> forwarding;  ///< what was deleted with it, if any
};

class VerificationService {
  public:
    /// `codeHashKey`: telephony.code_hash_key. The placer must outlive the service.
    VerificationService(store::Database& db, const VerificationCallPlacer& placer,
                        std::string codeHashKey, const util::Clock& clock)
        : db_(db), placer_(placer), codeHashKey_(std::move(codeHashKey)), clock_(clock) {}

    /// Starts a verification of `phone` for `tenant` and places its call. Supersedes the
    /// tenant's pending verification of the same number. Audited
    /// ("telephony.verification.initiated"; never the code).
    /// Throws domain::ServiceError InvalidInput invalid_phone_number (not ^\+[1-9]\d{6,14}$),
    /// InvalidInput invalid_field (friendly name over 64 characters), Conflict already_verified;
    /// ServiceError (with retryAfterSeconds): Locked verification_locked (3 wrong codes within the
    /// last hour), RateLimited rate_limited (3 calls to this number in the last hour, by any
    /// tenant); UpstreamFailed verification_call_failed when the provider did not take the call
    /// (the verification is then expired and the call still counts toward the limit).
    InitiatedVerification initiate(const store::Tenant& tenant, const std::string& phone,
                                   const std::string& friendlyName);

    /// Checks `code` against the tenant's verification `id`. Returns it verified.
    /// Throws domain::ServiceError NotFound not_found (no such verification for this tenant),
    /// InvalidInput invalid_code_format (not 6 digits; not counted as an attempt), InvalidInput
    /// invalid_code
    /// ("… N attempt(s) remaining"), Conflict already_verified, Gone verification_expired,
    /// Gone verification_failed (failed and no longer locked: start a new one);
    /// ServiceError (with retryAfterSeconds) Locked verification_locked (the 3rd wrong code, or a
    /// confirmation of a failed verification while its lock lasts). Every attempt is audited, never
    /// the code.
    Verification confirm(const store::Tenant& tenant, std::int64_t id, const std::string& code);

    /// The tenant's verifications, newest first; `status` ("" = all) must be a status name,
    /// else ServiceError InvalidInput invalid_parameter.
    std::vector<Verification> list(const store::Tenant& tenant, const std::string& status);

    /// Deletes the tenant's verification `id` with its forwarding configuration (audited).
    /// Throws ServiceError NotFound not_found.
    RemovedVerification remove(const store::Tenant& tenant, std::int64_t id);

  private:
    store::Database& db_;
    const VerificationCallPlacer& placer_;
    std::string codeHashKey_;
    const util::Clock& clock_;
};

}  // namespace switchboard::telephony
