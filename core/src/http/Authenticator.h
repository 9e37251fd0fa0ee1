#pragma once

#include "http/Exchange.h"
#include "store/Database.h"
#include "store/Records.h"

#include <string>

namespace switchboard::http {

/// Bearer-key authentication for tenants (key looked up by SHA-256) and for the admin
/// (compared in constant time). Failures are ApiError 401 with WWW-Authenticate set.
class Authenticator {
  public:
    Authenticator(store::Database& db, std::string adminKey)
        : db_(db), adminKey_(std::move(adminKey)) {}

    /// The tenant owning the request's API key. 401 unauthorized when missing or unknown.
    store::Tenant tenant(Exchange& exchange) const;

    /// Passes only with the admin key. 401 unauthorized otherwise.
    void admin(Exchange& exchange) const;

  private:
    store::Database& db_;
    std::string adminKey_;
};

}  // namespace switchboard::http
