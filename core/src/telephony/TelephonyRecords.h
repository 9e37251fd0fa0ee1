#pragma once

#include "store/Records.h"

#include <cstdint>
#include <optional>
#include <string>

namespace switchboard::telephony {

using store::TimeMs;

namespace verification_status {
inline constexpr const char* kPending = "pending";
inline constexpr const char* kVerified = "verified";
inline constexpr const char* kFailed = "failed";
inline constexpr const char* kExpired = "expired";
}  // namespace verification_status

namespace forwarding_status {
inline constexpr const char* kPendingSetup = "pending_setup";
inline constexpr const char* kActive = "active";
inline constexpr const char* kDisabled = "disabled";
}  // namespace forwarding_status

/// One caller_id_verifications row (migration 006).
struct Verification {
    std::int64_t id = 0;
    std::string tenantId;
    std::string phoneNumber;  ///< E.164
    std::string friendlyName;
    std::string status;                   ///< verification_status::*
    std::optional<std::string> codeSalt;  ///< only while pending
    std::optional<std::string> codeHash;  ///< HMAC-SHA256 hex; only while pending
    TimeMs codeExpiresAt = 0;
    int attempts = 0;  ///< wrong codes entered
    std::optional<TimeMs> lockedUntil;
    std::string providerInstance;
    std::string callStatus = "requested";  ///< requested | dry_run | placed | failed
    std::optional<std::string> providerCallRef;
    std::optional<TimeMs> verifiedAt;
    TimeMs createdAt = 0;
    TimeMs updatedAt = 0;
    /// Status of the number's forwarding configuration, when it has one (list views).
    std::optional<std::string> forwardingStatus;
};

/// One forwarding_configs row (migration 006).
struct ForwardingConfig {
    std::int64_t id = 0;
    std::string tenantId;
    std::int64_t verificationId = 0;
    std::string simPhoneNumber;  ///< the verified number whose calls are forwarded
    std::string carrier;
    std::string mode;
    std::string destinationNumber;  ///< the tenant's Switchboard number, E.164
    std::optional<int> ringTimeSeconds;
    std::string activationCode;
    std::string deactivationCode;
    std::optional<std::string> cancelAllCode;
    /// {"activation": [...], "deactivation": [...]}: the plugin's instructions.
    std::string instructionsJson = "{}";
    std::string status;  ///< forwarding_status::*
    std::optional<TimeMs> confirmedAt;
    std::optional<TimeMs> disabledAt;
    TimeMs createdAt = 0;
    TimeMs updatedAt = 0;
};

/// A verification call a dry-run instance did not place, as recorded (code masked).
struct DryRunCall {
    std::int64_t verificationId = 0;
    std::string tenantId;
    std::string providerInstance;
    std::string method;
    std::string url;
    std::string headersJson;
    std::string body;
    TimeMs createdAt = 0;
};

}  // namespace switchboard::telephony
