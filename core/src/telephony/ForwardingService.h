// Call-forwarding configurations of verified numbers, tenant-scoped. The codes and the
// instructions come from the telephony plugin's carrier table; this service stores them and
// tracks the lifecycle pending_setup (codes shown) → active (the subscriber confirmed
// dialling the activation code) → disabled (switched off; shows the deactivation code).
#pragma once

#include "domain/ServiceError.h"
#include "plugin/ProviderSet.h"
#include "store/Database.h"
#include "store/Records.h"
#include "telephony/TelephonyRecords.h"
#include "util/Clock.h"

#include <Poco/JSON/Object.h>

#include <optional>
#include <string>

namespace switchboard::telephony {

/// What a tenant asks for (seed 003 §17.4 endpoint 5).
struct ForwardingRequestInput {
    std::int64_t verificationId = 0;
    std::string mode;     ///< "forwardingType": total_ai | safety_net | the carrier's others
    std::string carrier;  ///< tmobile | att | verizon | sprint | other_gsm | other_cdma | ...
    std::optional<int> ringTimeSeconds;
    std::optional<std::string> destination;  ///< one of the tenant's numbers; default: first
};

class ForwardingService {
  public:
    ForwardingService(store::Database& db, const plugin::Provider& provider,
                      const util::Clock& clock)
        : db_(db), provider_(provider), clock_(clock) {}

    /// The plugin's carriers and modes ({"carriers": [...]}, plugin_abi.h). Throws
    /// std::runtime_error when the plugin fails (a 500 to the client, logged).
    Poco::JSON::Object::Ptr carriers() const;

    /// Generates codes for a verified number of the tenant and stores them as pending_setup,
    /// replacing a pending_setup or disabled configuration of that number. Audited.
    /// Throws domain::ServiceError NotFound not_found (no such verification for this tenant),
    /// Conflict number_not_verified, InvalidInput invalid_destination (not E.164 or not the
    /// tenant's number), Conflict no_forwarding_number (the tenant has no number to forward to),
    /// Conflict forwarding_active (disable the active configuration first), InvalidInput
    /// invalid_forwarding_request with the plugin's user-facing reason (unknown carrier or
    /// mode, ring time refused — never clamped).
    ForwardingConfig create(const store::Tenant& tenant, const ForwardingRequestInput& input);

    /// The configuration of the tenant's verification `verificationId`; NotFound not_found.
    ForwardingConfig ofVerification(const store::Tenant& tenant, std::int64_t verificationId);

    /// pending_setup → active (idempotent when already active); Conflict forwarding_disabled for
    /// a disabled one; NotFound not_found. Audited.
    ForwardingConfig confirm(const store::Tenant& tenant, std::int64_t configId);

    /// → disabled (idempotent); NotFound not_found. Audited. The result carries the
    /// deactivation code the subscriber must dial.
    ForwardingConfig disable(const store::Tenant& tenant, std::int64_t configId);

  private:
    store::Database& db_;
    const plugin::Provider& provider_;
    const util::Clock& clock_;
};

}  // namespace switchboard::telephony
