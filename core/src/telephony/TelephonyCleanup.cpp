#include "telephony/TelephonyCleanup.h"

#include "telephony/TelephonyPolicy.h"
#include "telephony/TelephonyRepository.h"

#include <Poco/Logger.h>

namespace switchboard::telephony {

void cleanUpVerifications(store::Database& db, std::int64_t nowMs) {
    int expired = 0, deleted = 0, calls = 0;
    db.write([&](Poco::Data::Session& s) {
        expired = TelephonyRepository::expireOverdue(s, nowMs);
        deleted = TelephonyRepository::deleteStale(s, nowMs - policy::kRetentionMs);
        calls = TelephonyRepository::dropCallsBefore(s, nowMs - policy::kRetentionMs);
    });
    if (expired || deleted || calls)
        Poco::Logger::get("jobs").information(
            "telephony cleanup: %d verification(s) expired, %d old failed/expired deleted, %d "
            "call record(s) dropped",
            expired, deleted, calls);
}

}  // namespace switchboard::telephony
