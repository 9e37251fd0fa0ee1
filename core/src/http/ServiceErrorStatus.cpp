#include "http/ServiceErrorStatus.h"

namespace switchboard::http {

int statusFor(domain::ErrorKind kind) {
    using domain::ErrorKind;
    switch (kind) {
        case ErrorKind::InvalidInput:
            return 400;
        case ErrorKind::NotFound:
            return 404;
        case ErrorKind::Conflict:
            return 409;
        case ErrorKind::Gone:
            return 410;
        case ErrorKind::PolicyRefused:
            return 422;
        case ErrorKind::Locked:
            return 423;
        case ErrorKind::RateLimited:
            return 429;
        case ErrorKind::NotEnabled:
            return 501;
        case ErrorKind::UpstreamFailed:
            return 502;
        case ErrorKind::Unavailable:
            return 503;
    }
    return 500;  // unreachable while the switch names every kind (-Wswitch makes it an error)
}

ApiError toApiError(const domain::ServiceError& error) {
    return ApiError(statusFor(error.kind()), error.code(), error.what());
}

}  // namespace switchboard::http
