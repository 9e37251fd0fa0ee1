#pragma once

#include "http/Exchange.h"
#include "http/TenantRateLimit.h"
#include "store/Records.h"
#include "tenancy/ApiKeyDirectory.h"

#include <memory>
#include <string>

namespace switchboard::http {

/// Bearer-key authentication for tenants (key looked up by SHA-256) and for the admin
/// (compared in constant time). The admin credential is separate: a tenant key never
/// passes admin(), and the admin key is not a tenant key.
class Authenticator {
  public:
    Authenticator(const tenancy::ApiKeyDirectory& keys, std::string adminKey)
        : keys_(keys), adminKey_(std::move(adminKey)) {}

    /// The tenant owning the request's API key, with Tenant::apiKeyId set. Throws ApiError
    /// 401 unauthorized (WWW-Authenticate: Bearer) when the key is missing, unknown or
    /// revoked, and 403 tenant_disabled when its tenant is disabled.
    store::Tenant tenant(Exchange& exchange) const;

    /// Passes only with the admin key; ApiError 401 unauthorized otherwise.
    void admin(Exchange& exchange) const;

    /// Per-tenant request limit, counted by tenant() once the key resolves to an enabled
    /// tenant (so every tenant endpoint is limited); tenant() then also throws its 429.
    /// Null (the default) = no limit.
    void setRateLimit(std::shared_ptr<TenantRateLimit> limit) { rateLimit_ = std::move(limit); }

  private:
    const tenancy::ApiKeyDirectory& keys_;
    std::string adminKey_;
    std::shared_ptr<TenantRateLimit> rateLimit_;
};

}  // namespace switchboard::http
