#pragma once

namespace switchboard::messaging::reason {

// The stable cause of every webhook that was not simply accepted, stored in
// webhook_events.reason_code and counted by GET /api/admin/webhook/last ("refusals"). The
// free-text reason beside it says the particulars; these words never change meaning.

// Refused by the route before any plugin (outcome "rejected", or "rate_limited").
inline constexpr const char* kIpNotAllowed = "ip_not_allowed";  ///< source not in allow_ips
inline constexpr const char* kSharedSecret = "shared_secret";   ///< header missing or wrong
inline constexpr const char* kBodyTooLarge = "body_too_large";  ///< over max_body_bytes
inline constexpr const char* kRateLimited = "rate_limited";     ///< per-source bucket empty

// Refused by the provider's plugin or by the core's checks of what it parsed ("rejected").
inline constexpr const char* kSignature = "signature";  ///< verify hook: not authentic
/// Not a well-formed callback: parse refused it (bad JSON, no declared form/JSON
/// Content-Type, a status callback without a status), or an inbound event named an outbound
/// message's provider reference.
inline constexpr const char* kMalformed = "malformed";
/// Signed with a tenant's own credentials but about another tenant's number or message.
inline constexpr const char* kForeignTenant = "foreign_tenant";

// Authentic but not processed ("ignored"), already processed ("duplicate"), or failed
// inside Switchboard ("error").
inline constexpr const char* kUnrecognised = "unrecognised";  ///< no instance's detect took it
inline constexpr const char* kNoEvents = "no_events";         ///< nothing to store in it
inline constexpr const char* kUnknownReference = "unknown_reference";  ///< DLR for no message
inline constexpr const char* kDuplicate = "duplicate";       ///< the same MO or DLR stored already
inline constexpr const char* kPluginError = "plugin_error";  ///< a hook failed or answered junk
inline constexpr const char* kCredentials = "credentials_unavailable";  ///< BYOC row unusable

}  // namespace switchboard::messaging::reason
