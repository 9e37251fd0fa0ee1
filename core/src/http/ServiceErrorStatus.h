#pragma once

#include "domain/ServiceError.h"
#include "http/ApiError.h"

namespace switchboard::http {

/// The HTTP status a client gets for a service refusal of `kind`: InvalidInput 400, NotFound
/// 404, Conflict 409, Gone 410, PolicyRefused 422, Locked 423, RateLimited 429, NotEnabled
/// 501, UpstreamFailed 502, Unavailable 503. The only place a domain kind becomes a status.
int statusFor(domain::ErrorKind kind);

/// `error` as the ApiError the client sees: statusFor(error.kind()), the same code and
/// message. Retry-After is the caller's to add from error.retryAfterSeconds().
ApiError toApiError(const domain::ServiceError& error);

}  // namespace switchboard::http
