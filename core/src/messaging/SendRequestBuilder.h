#pragma once

#include "credentials/TenantProviderCache.h"
#include "messaging/ProviderHttpClient.h"
#include "plugin/ProviderSet.h"
#include "store/Records.h"

#include <memory>
#include <stdexcept>
#include <string>

namespace switchboard::messaging {

/// Why a queued MT has no provider request. `code()` is what the message's error_code
/// becomes: "provider_unavailable" (its provider instance is not configured),
/// "credentials_unavailable" (the tenant stored credentials that cannot be used now; the
/// dispatcher retries, it never falls back to the operator's account) or
/// "invalid_provider_request" (the plugin refused or built no valid request). what() is an
/// operator-facing detail with every secret masked.
class SendRequestError : public std::runtime_error {
  public:
    SendRequestError(std::string code, const std::string& detail)
        : std::runtime_error(detail), code_(std::move(code)) {}
    const std::string& code() const { return code_; }

  private:
    std::string code_;
};

/// A provider request for one MT, and which instance built it.
struct BuiltSendRequest {
    const plugin::Provider* provider = nullptr;  ///< the configured instance (never null)
    /// Set when the tenant's own credentials (bring-your-own-carrier) built the request;
    /// keeps that instance alive for as long as this object.
    std::shared_ptr<const credentials::TenantProvider> tenantProvider;
    OutgoingRequest request;

    /// The instance that built the request, and so must classify the provider's answer.
    const plugin::ProviderInstance& instance() const {
        return tenantProvider ? *tenantProvider->instance : *provider->instance;
    }
    /// `text` with the tenant's secret values replaced by "****" (the operator's are masked
    /// by util::SecretMasker wherever text is logged or stored).
    std::string mask(std::string text) const {
        return tenantProvider ? tenantProvider->mask(std::move(text)) : text;
    }
};

/// Turns a stored outbound message into the provider's HTTP request exactly as the outbox
/// dispatcher will send it: the tenant's own instance when it stored credentials for the
/// message's provider, else the operator's; the instance's status-callback URL, with
/// "?tenant=<tenant id>" (URL-encoded) appended for a tenant instance so its callbacks are
/// verified with the tenant's credentials. Used by the dispatcher to send and by the admin
/// reply-readiness check to show, so the check shows what would really go out.
/// Thread-safe (the cache is). Does no provider I/O; reads tenant_credentials.
class SendRequestBuilder {
  public:
    /// `tenantProviders` may be null: every message then uses the operator's instance.
    SendRequestBuilder(const plugin::ProviderSet& providers,
                       credentials::TenantProviderCache* tenantProviders)
        : providers_(providers), tenantProviders_(tenantProviders) {}

    /// Throws SendRequestError (see there); StoreUnavailable when tenant_credentials cannot
    /// be read.
    BuiltSendRequest build(const store::Message& message) const;

  private:
    const plugin::ProviderSet& providers_;
    credentials::TenantProviderCache* tenantProviders_;
};

}  // namespace switchboard::messaging
