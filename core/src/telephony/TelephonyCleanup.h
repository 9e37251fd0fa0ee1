#pragma once

#include "store/Database.h"

#include <cstdint>

namespace switchboard::telephony {

/// The periodic verification cleanup (PeriodicJobs runs it under its advisory lock, so one
/// process at a time): pending verifications whose code has expired become `expired`;
/// failed and expired ones untouched for 24 h are deleted — with their pending_setup or
/// disabled forwarding configuration and dry-run records — except those whose forwarding
/// configuration is active; verification-call records older than 24 h (the rate limit
/// looks back one hour) are dropped. Logs what it changed. Throws store::StoreUnavailable.
void cleanUpVerifications(store::Database& db, std::int64_t nowMs);

}  // namespace switchboard::telephony
