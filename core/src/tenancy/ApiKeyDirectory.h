#pragma once

#include "store/Database.h"
#include "store/Records.h"
#include "util/Clock.h"

#include <optional>
#include <string>

namespace switchboard::tenancy {

/// Finds the tenant an API key belongs to. Keys are stored only as their SHA-256, so a
/// lookup hashes the presented key and never compares secrets. Thread-safe.
class ApiKeyDirectory {
  public:
    ApiKeyDirectory(store::Database& db, const util::Clock& clock) : db_(db), clock_(clock) {}

    /// The tenant owning `presentedKey` (the bearer token as sent) with Tenant::apiKeyId
    /// set, if the key exists and is not revoked now (a rotated key stays valid through its
    /// grace period). Disabled tenants are returned too: refusing them is the caller's
    /// choice. nullopt for an unknown or revoked key; store::StoreUnavailable.
    std::optional<store::Tenant> tenantFor(const std::string& presentedKey) const;

  private:
    store::Database& db_;
    const util::Clock& clock_;
};

}  // namespace switchboard::tenancy
