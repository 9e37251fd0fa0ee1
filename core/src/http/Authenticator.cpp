#include "http/Authenticator.h"

#include "util/Digest.h"

namespace switchboard::http {
namespace {

[[noreturn]] void unauthorized(Exchange& exchange, const std::string& message) {
    exchange.response().set("WWW-Authenticate", "Bearer");
    throw ApiError(401, "unauthorized", message);
}

}  // namespace

store::Tenant Authenticator::tenant(Exchange& exchange) const {
    auto token = exchange.bearerToken();
    if (!token || token->empty())
        unauthorized(exchange, "missing API key: send 'Authorization: Bearer <key>'");
    auto found = keys_.tenantFor(*token);
    if (!found) unauthorized(exchange, "invalid API key");
    if (found->disabled) throw ApiError(403, "tenant_disabled", "this account is disabled");
    if (rateLimit_) rateLimit_->check(found->id, exchange);
    return *found;
}

void Authenticator::admin(Exchange& exchange) const {
    auto token = exchange.bearerToken();
    if (!token || token->empty())
        unauthorized(exchange, "missing admin key: send 'Authorization: Bearer <key>'");
    if (!util::constantTimeEquals(*token, adminKey_)) unauthorized(exchange, "invalid admin key");
}

}  // namespace switchboard::http
