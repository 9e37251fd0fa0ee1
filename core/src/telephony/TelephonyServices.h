// The telephony part of the running service, built from `telephony:` and the provider
// instance it names. Disabled (no services) when the section is absent.
#pragma once

#include "config/AppConfig.h"
#include "messaging/ProviderHttpClient.h"
#include "plugin/ProviderSet.h"
#include "store/Database.h"
#include "telephony/ForwardingService.h"
#include "telephony/VerificationCallPlacer.h"
#include "telephony/VerificationService.h"
#include "util/Clock.h"

#include <memory>

namespace switchboard::telephony {

class TelephonyServices {
  public:
    /// Throws config::ConfigError naming telephony.provider when the instance is missing
    /// (ProviderSet has already checked its capability).
    TelephonyServices(const config::AppConfig& config, store::Database& db,
                      const plugin::ProviderSet& providers, const util::Clock& clock);

    bool enabled() const { return verifications_ != nullptr; }
    /// Only when enabled().
    VerificationService& verifications() { return *verifications_; }
    ForwardingService& forwarding() { return *forwarding_; }

  private:
    messaging::ProviderHttpClient http_;
    std::unique_ptr<VerificationCallPlacer> placer_;
    std::unique_ptr<VerificationService> verifications_;
    std::unique_ptr<ForwardingService> forwarding_;
};

}  // namespace switchboard::telephony
