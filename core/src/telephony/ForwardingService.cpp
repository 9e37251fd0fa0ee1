#include "telephony/ForwardingService.h"

#include "store/AuditRepository.h"
#include "store/TenantRepository.h"
#include "telephony/TelephonyRepository.h"
#include "util/E164.h"
#include "util/JsonText.h"

#include "switchboard/sdk/AbiCodec.h"

#include <Poco/JSON/Array.h>

#include <algorithm>
#include <stdexcept>

namespace switchboard::telephony {
namespace {

using domain::ErrorKind;
using domain::ServiceError;
namespace fs = forwarding_status;

std::string target(std::int64_t id) { return "forwarding_config:" + std::to_string(id); }

std::string auditDetail(const ForwardingConfig& c) {
    Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
    o.set("verificationId", c.verificationId);
    o.set("simPhoneNumber", c.simPhoneNumber);
    o.set("carrier", c.carrier);
    o.set("mode", c.mode);
    o.set("status", c.status);
    return util::toJson(o);
}

// The plugin's instructions, kept as {"activation": [...], "deactivation": [...]}.
std::string instructionsOf(const sdk::ForwardingCodes& codes) {
    Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
    o.set("activation", sdk::abi::detail::stringArray(codes.activationInstructions));
    o.set("deactivation", sdk::abi::detail::stringArray(codes.deactivationInstructions));
    return util::toJson(o);
}

ForwardingConfig requireConfig(Poco::Data::Session& s, const std::string& tenantId,
                               std::int64_t id) {
    auto found = TelephonyRepository::findConfig(s, tenantId, id);
    if (!found)
        throw ServiceError(ErrorKind::NotFound, "not_found", "no such forwarding configuration");
    return *found;
}

/// Where calls forward to: `requested` when it is one of the tenant's `numbers` (E.164),
/// else the tenant's first number. InvalidInput invalid_destination, Conflict
/// no_forwarding_number when the tenant has none.
std::string destinationOf(const std::vector<std::string>& numbers,
                          const std::optional<std::string>& requested) {
    if (requested) {
        if (!util::isE164(*requested) ||
            std::find(numbers.begin(), numbers.end(), *requested) == numbers.end())
            throw ServiceError(
                ErrorKind::InvalidInput, "invalid_destination",
                "'destinationNumber' must be one of your Switchboard numbers, in E.164");
        return *requested;
    }
    if (numbers.empty())
        throw ServiceError(ErrorKind::Conflict, "no_forwarding_number",
                           "Your account has no Switchboard number to forward calls to");
    return numbers.front();
}

/// A pending-setup configuration from the plugin's forwarding_codes answer (plugin_abi.h).
ForwardingConfig pendingConfigOf(const sdk::ForwardingCodes& codes) {
    ForwardingConfig c;
    c.carrier = codes.carrier;
    c.mode = codes.mode;
    c.ringTimeSeconds = codes.ringTimeSeconds;
    c.activationCode = codes.activationCode;
    c.deactivationCode = codes.deactivationCode;
    c.cancelAllCode = codes.cancelAllCode;
    c.instructionsJson = instructionsOf(codes);
    c.status = fs::kPendingSetup;
    return c;
}

}  // namespace

Poco::JSON::Object::Ptr ForwardingService::carriers() const {
    auto result = provider_.instance->telephonyCarriers();
    if (!result.ok())
        throw std::runtime_error("telephony_carriers of " + provider_.config.id +
                                 " failed: " + result.output);
    return util::parseObject(result.output);
}

ForwardingConfig ForwardingService::create(const store::Tenant& tenant,
                                           const ForwardingRequestInput& input) {
    // Read the verification and the tenant's numbers first: code generation is a plugin call
    // and has no business inside the write transaction.
    std::optional<Verification> verification;
    db_.read([&](Poco::Data::Session& s) {
        verification =
            TelephonyRepository::find(s, db_.dialect(), tenant.id, input.verificationId, false);
    });
    if (!verification)
        throw ServiceError(ErrorKind::NotFound, "not_found", "no such verified number");
    if (verification->status != verification_status::kVerified)
        throw ServiceError(ErrorKind::Conflict, "number_not_verified",
                           "Forwarding can only be set up for a verified number (this one is " +
                               verification->status + ")");

    const std::string destination =
        destinationOf(store::TenantRepository(db_).numbersOf(tenant.id), input.destination);

    const sdk::ForwardingRequest request{input.carrier, input.mode, destination,
                                         input.ringTimeSeconds};
    auto generated =
        provider_.instance->forwardingCodes(sdk::abi::encodeForwardingRequest(request));
    if (generated.status == SB_BAD_INPUT)
        throw ServiceError(ErrorKind::InvalidInput, "invalid_forwarding_request", generated.output);
    if (!generated.ok())
        throw std::runtime_error("forwarding_codes of " + provider_.config.id +
                                 " failed: " + generated.output);
    ForwardingConfig c = pendingConfigOf(sdk::abi::decodeForwardingCodes(generated.output));
    c.tenantId = tenant.id;
    c.verificationId = verification->id;
    c.simPhoneNumber = verification->phoneNumber;
    c.destinationNumber = destination;

    db_.write([&](Poco::Data::Session& s) {
        const TimeMs at = clock_.nowMs();
        // The number may have been deleted or replaced since it was read above.
        auto current =
            TelephonyRepository::find(s, db_.dialect(), tenant.id, verification->id, true);
        if (!current || current->status != verification_status::kVerified)
            throw ServiceError(ErrorKind::Conflict, "number_not_verified",
                               "Forwarding can only be set up for a verified number");
        if (auto existing = TelephonyRepository::configOf(s, tenant.id, verification->id)) {
            if (existing->status == fs::kActive)
                throw ServiceError(
                    ErrorKind::Conflict, "forwarding_active",
                    "Forwarding is active for this number; disable it first and dial "
                    "its deactivation code");
            TelephonyRepository::deleteConfig(s, existing->id);
        }
        c.createdAt = c.updatedAt = at;
        c.id = TelephonyRepository::insertConfig(s, c);
        store::AuditRepository::append(s, tenant.id, tenant.auditActor(),
                                       "telephony.forwarding.created", target(c.id), auditDetail(c),
                                       at);
    });
    return c;
}

ForwardingConfig ForwardingService::ofVerification(const store::Tenant& tenant,
                                                   std::int64_t verificationId) {
    std::optional<ForwardingConfig> found;
    db_.read([&](Poco::Data::Session& s) {
        found = TelephonyRepository::configOf(s, tenant.id, verificationId);
    });
    if (!found)
        throw ServiceError(ErrorKind::NotFound, "not_found",
                           "no forwarding configuration for this number");
    return *found;
}

ForwardingConfig ForwardingService::confirm(const store::Tenant& tenant, std::int64_t configId) {
    ForwardingConfig c;
    db_.write([&](Poco::Data::Session& s) {
        const TimeMs at = clock_.nowMs();
        c = requireConfig(s, tenant.id, configId);
        if (c.status == fs::kActive) return;
        if (c.status == fs::kDisabled)
            throw ServiceError(ErrorKind::Conflict, "forwarding_disabled",
                               "This configuration is disabled; create a new one to forward again");
        TelephonyRepository::setConfigStatus(s, c.id, fs::kActive, at);
        c.status = fs::kActive;
        c.confirmedAt = at;
        c.updatedAt = at;
        store::AuditRepository::append(s, tenant.id, tenant.auditActor(),
                                       "telephony.forwarding.confirmed", target(c.id),
                                       auditDetail(c), at);
    });
    return c;
}

ForwardingConfig ForwardingService::disable(const store::Tenant& tenant, std::int64_t configId) {
    ForwardingConfig c;
    db_.write([&](Poco::Data::Session& s) {
        const TimeMs at = clock_.nowMs();
        c = requireConfig(s, tenant.id, configId);
        if (c.status == fs::kDisabled) return;
        TelephonyRepository::setConfigStatus(s, c.id, fs::kDisabled, at);
        c.status = fs::kDisabled;
        c.disabledAt = at;
        c.updatedAt = at;
        store::AuditRepository::append(s, tenant.id, tenant.auditActor(),
                                       "telephony.forwarding.disabled", target(c.id),
                                       auditDetail(c), at);
    });
    return c;
}

}  // namespace switchboard::telephony
