// The limits of caller-ID verification (SPEC.md item 10, seed 003 §17.2 rule 3). Fixed, not
// configurable: they are the security properties the API promises.
#pragma once

#include <cstdint>

namespace switchboard::telephony::policy {

inline constexpr std::int64_t kCodeTtlMs = 10 * 60 * 1000;  ///< a code expires after 10 min
inline constexpr int kMaxWrongCodes = 3;  ///< the 3rd wrong code fails the verification…
inline constexpr std::int64_t kLockoutMs = 60 * 60 * 1000;  ///< …and locks the number 1 h
inline constexpr int kMaxCallsPerPhone = 3;  ///< verification calls per number (any tenant)…
inline constexpr std::int64_t kCallWindowMs = 60 * 60 * 1000;  ///< …per sliding hour
/// Failed and expired verifications are deleted this long after their last change.
inline constexpr std::int64_t kRetentionMs = 24 * 60 * 60 * 1000;
inline constexpr std::int64_t kCleanupIntervalMs = 60 * 1000;
inline constexpr std::size_t kMaxFriendlyName = 64;  ///< Twilio's FriendlyName limit

}  // namespace switchboard::telephony::policy
