#include "telephony/TelephonyServices.h"

#include "config/ConfigError.h"

namespace switchboard::telephony {

TelephonyServices::TelephonyServices(const config::AppConfig& config, store::Database& db,
                                     const plugin::ProviderSet& providers, const util::Clock& clock)
    : http_(config.dispatch.connectTimeoutMs, config.dispatch.readTimeoutMs) {
    if (!config.telephony.enabled) return;
    const plugin::Provider* provider = providers.find(config.telephony.provider);
    if (provider == nullptr)
        throw config::ConfigError("telephony.provider",
                                  "unknown provider id '" + config.telephony.provider + "'");
    placer_ = std::make_unique<VerificationCallPlacer>(db, *provider, http_, clock);
    verifications_ =
        std::make_unique<VerificationService>(db, *placer_, config.telephony.codeHashKey, clock);
    forwarding_ = std::make_unique<ForwardingService>(db, *provider, clock);
}

}  // namespace switchboard::telephony
