#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

namespace switchboard::store {

/// Times are milliseconds since the Unix epoch, UTC.
using TimeMs = std::int64_t;

struct Tenant {
    Tenant() = default;
    Tenant(std::string id_, std::string name_, std::string businessName_,
           std::string defaultProvider_, bool disabled_ = false)
        : id(std::move(id_)),
          name(std::move(name_)),
          businessName(std::move(businessName_)),
          defaultProvider(std::move(defaultProvider_)),
          disabled(disabled_) {}

    std::string id;
    std::string name;
    std::string businessName;
    std::string defaultProvider;  ///< provider instance id for initial sends
    bool disabled = false;
    std::string source = "config";  ///< "config" (YAML) or "api" (admin API)
    std::string disabledBy;         ///< "", "config" (dropped from YAML) or "admin"
    TimeMs createdAt = 0;
    /// The API key that authenticated the current request (0 when none); set by the
    /// Authenticator so audit entries name the key, never stored on the tenant row.
    std::int64_t apiKeyId = 0;

    /// Who acts in audit entries: "tenant:<id>/key:<apiKeyId>" ("tenant:<id>" without a key).
    std::string auditActor() const {
        return "tenant:" + id + (apiKeyId ? "/key:" + std::to_string(apiKeyId) : "");
    }
};

/// One tenant API key as the admin sees it: never the key or its hash.
struct ApiKeyInfo {
    std::int64_t id = 0;
    std::string tenantId;
    std::string prefix;  ///< first characters of the key, e.g. "sbk_3f9a1c"
    std::string label;
    std::string source;  ///< "config" or "api"
    TimeMs createdAt = 0;
    std::optional<TimeMs> revokedAt;  ///< may be in the future (rotation grace period)
};

struct Contact {
    std::int64_t id = 0;
    std::string tenantId;
    std::string phone;  ///< E.164
    std::string name;
    std::string businessName;
    bool optedOut = false;
    TimeMs createdAt = 0;
};

/// Canonical message statuses (DESIGN.md status model).
namespace status {
inline constexpr const char* kQueued = "QUEUED";
inline constexpr const char* kPending = "PENDING";
inline constexpr const char* kSent = "SENT";
inline constexpr const char* kDelivered = "DELIVERED";
inline constexpr const char* kUndelivered = "UNDELIVERED";
inline constexpr const char* kFailed = "FAILED";
inline constexpr const char* kReceived = "RECEIVED";  ///< inbound messages
}  // namespace status

/// One SMS in either direction (MT outbound, MO inbound).
struct Message {
    std::int64_t id = 0;
    std::optional<std::string> tenantId;  ///< nullopt: inbound stored unlinked
    std::optional<std::int64_t> contactId;
    std::string direction;  ///< "outbound" | "inbound"
    std::string kind;       ///< "initial" | "reply" for outbound; empty for inbound
    std::string fromNumber;
    std::string toNumber;
    std::string body;
    std::string status;
    std::string providerInstance;
    std::string providerRef;  ///< provider's id of the message (both directions)
    std::optional<std::int64_t> replyToMessageId;
    std::string replyContextJson = "{}";  ///< inbound: context a reply must carry back
    std::string routingModem;
    std::string routingPort;
    std::string warning;
    std::string errorCode;    ///< Switchboard's code, safe for tenants
    std::string errorDetail;  ///< provider's reason, internal only
    std::string encoding;     ///< "GSM-7" | "UCS-2" (empty for rows stored before it was kept)
    int segments = 0;         ///< SMS parts the body costs
    int attempts = 0;
    std::optional<TimeMs> nextAttemptAt;
    TimeMs createdAt = 0;
    TimeMs updatedAt = 0;
    std::optional<TimeMs> sentAt;
    std::optional<TimeMs> deliveredAt;
    std::optional<TimeMs> failedAt;
};

/// One webhook request as the admin sees it.
struct WebhookEventRecord {
    std::int64_t id = 0;
    TimeMs receivedAt = 0;
    std::string routePath;
    std::string providerInstance;
    std::string remoteAddr;
    /// accepted | rejected | ignored | error | duplicate | rate_limited | parked (a delivery
    /// receipt waiting for its message's provider reference,
    /// messaging/DeliveryReceiptRecorder.h)
    std::string outcome;
    std::string reason;
    std::string tenantId;
    std::optional<std::int64_t> messageId;
    std::string routingJson = "{}";
    std::string payload;
    /// The cause as a stable word for counting (messaging/WebhookReasonCodes.h); empty for
    /// accepted events.
    std::string reasonCode;
};

/// A request a dry-run provider instance would have sent (secrets masked).
struct DryRunRecord {
    std::int64_t id = 0;
    std::int64_t messageId = 0;
    std::string tenantId;
    std::string providerInstance;
    std::string method;
    std::string url;
    std::string headersJson;
    std::string body;
    TimeMs createdAt = 0;
};

struct ModemRoute {
    std::string providerInstance;
    std::string modem;
    std::string port;
    std::string tenantId;
    std::string source;  ///< traffic | manual
    TimeMs updatedAt = 0;
};

/// Page request (1-based page) and the total for the pagination block.
struct PageRequest {
    int page = 1;
    int limit = 50;
    std::int64_t offset() const { return static_cast<std::int64_t>(page - 1) * limit; }
};

}  // namespace switchboard::store
