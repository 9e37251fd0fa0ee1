#include "telephony/VerificationCallPlacer.h"

#include "messaging/ProviderCall.h"
#include "messaging/ProviderRequestCodec.h"
#include "telephony/TelephonyRepository.h"
#include "util/SecretMasker.h"

#include "switchboard/sdk/AbiCodec.h"

#include <Poco/Logger.h>

namespace switchboard::telephony {
namespace {

Poco::Logger& logger() { return Poco::Logger::get("telephony"); }

std::string inputOf(const Verification& v, const std::string& code) {
    sdk::VerificationCall call;
    call.verificationId = std::to_string(v.id);
    call.phoneNumber = v.phoneNumber;
    call.friendlyName = v.friendlyName;
    call.code = code;
    return sdk::abi::encodeVerificationCall(call);
}

}  // namespace

CallOutcome VerificationCallPlacer::place(const Verification& v, const std::string& code) const {
    CallOutcome outcome;
    outcome.callStatus = "failed";
    // The code, and every form of it the plugin declares, is a secret of this call.
    std::vector<std::string> redact{code};
    auto masked = [&redact](std::string text) {
        return util::maskValues(util::SecretMasker::instance().mask(std::move(text)), redact);
    };
    const auto built = provider_.instance->buildVerificationCall(inputOf(v, code));
    messaging::OutgoingRequest request;
    if (!built.ok()) {
        outcome.detail = "build_verification_call refused: " + masked(built.output);
        return recorded(v, std::move(outcome));
    }
    try {
        auto decoded = sdk::abi::decodeVerificationCallRequest(built.output);
        redact.insert(redact.end(), decoded.redact.begin(), decoded.redact.end());
        request = messaging::outgoingRequestOf(decoded.request);
    } catch (const std::exception& e) {
        outcome.detail =
            masked(std::string("unreadable build_verification_call output: ") + e.what());
        return recorded(v, std::move(outcome));
    }
    const messaging::ProviderCall call(request, masked);
    if (provider_.dryRun()) return dryRun(v, call);
    const auto answer =
        call.send(http_, [this](int status, const auto& headers, const std::string& body) {
            return provider_.instance->parseVerificationCallResponse(status, headers, body);
        });
    if (answer.kind == messaging::ProviderAnswer::Kind::Accepted) {
        outcome.callStatus = "placed";
        outcome.providerRef = answer.providerRef;
    } else {
        outcome.detail = std::string(messaging::kindName(answer.kind)) + " " + answer.detail;
    }
    return recorded(v, std::move(outcome));
}

CallOutcome VerificationCallPlacer::dryRun(const Verification& v,
                                           const messaging::ProviderCall& call) const {
    const auto shown = call.shown();
    const DryRunCall record{v.id,      v.tenantId,        provider_.config.id, shown.method,
                            shown.url, shown.headersJson, shown.body,          clock_.nowMs()};
    CallOutcome outcome;
    outcome.callStatus = "dry_run";
    db_.write([&](Poco::Data::Session& s) {
        TelephonyRepository::recordDryRunCall(s, record);
        TelephonyRepository::setCallOutcome(s, v.id, outcome.callStatus, std::nullopt,
                                            record.createdAt);
    });
    logger().information("verification=%s provider=%s outcome=DRY_RUN %s %s", std::to_string(v.id),
                         provider_.config.id, record.method, record.url);
    return outcome;
}

CallOutcome VerificationCallPlacer::recorded(const Verification& v, CallOutcome outcome) const {
    const auto at = clock_.nowMs();
    db_.write([&](Poco::Data::Session& s) {
        TelephonyRepository::setCallOutcome(s, v.id, outcome.callStatus, outcome.providerRef, at);
    });
    if (outcome.callStatus == "placed")
        logger().information("verification=%s provider=%s outcome=PLACED ref=%s",
                             std::to_string(v.id), provider_.config.id,
                             outcome.providerRef.value_or(""));
    else
        logger().error("verification=%s provider=%s outcome=CALL_FAILED detail=%s",
                       std::to_string(v.id), provider_.config.id, outcome.detail);
    return outcome;
}

}  // namespace switchboard::telephony
