// C++ types a plugin author works with instead of the plain-C ABI (plugin_abi.h).
// Header-only: a plugin links Poco::Foundation and Poco::JSON, nothing of the core.
#pragma once

#include "switchboard/sdk/ProviderText.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/String.h>
#include <Poco/URI.h>

#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace switchboard::sdk {

using Headers = std::vector<std::pair<std::string, std::string>>;
using StringMap = std::map<std::string, std::string>;

/// Thrown by a plugin hook when its input is malformed for the provider; the SDK turns it
/// into SB_BAD_INPUT with what() as the reason. Any other exception becomes SB_ERROR.
class BadInput : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// Case-insensitive header lookup. Returns the first value, or nullopt when absent.
inline std::optional<std::string> findHeader(const Headers& headers, std::string_view name) {
    for (const auto& [key, value] : headers) {
        if (Poco::icompare(key, std::string(name)) == 0) return value;
    }
    return std::nullopt;
}

/// A webhook request the host received. `body` holds the raw bytes exactly as received.
struct HttpRequest {
    std::string method;
    std::string path;   ///< path without query, percent-encoding preserved
    std::string query;  ///< raw query string without '?'
    Headers headers;    ///< names lowercased by the host
    std::string body;
    std::string remoteAddr;
    std::string publicUrl;          ///< URL the provider called, per the operator's public base URL
    std::int64_t receivedAtMs = 0;  ///< host's receive time, ms since the Unix epoch (UTC)

    /// Header value by case-insensitive name, or nullopt.
    std::optional<std::string> header(std::string_view name) const {
        return findHeader(headers, name);
    }
    /// First value of a query parameter, percent-decoded by Poco::URI; nullopt when absent.
    std::optional<std::string> queryParam(std::string_view name) const {
        Poco::URI uri("/?" + query);
        for (const auto& [key, value] : uri.getQueryParameters()) {
            if (key == name) return value;
        }
        return std::nullopt;
    }
};

/// For JSON webhooks: throws BadInput when the request declares no Content-Type, or one
/// that is not JSON (application/json or any +json / json type). A body whose sender did
/// not say it is JSON is not read as JSON: it is a malformed callback, not a guess.
inline void requireJsonContentType(const HttpRequest& request) {
    auto type = request.header("content-type");
    if (!type)
        throw BadInput("no Content-Type: expected a JSON body (Content-Type application/json)");
    if (Poco::toLower(*type).find("json") == std::string::npos)
        // excerpt(): the header's bytes are the sender's, and the reason is logged and stored.
        throw BadInput("expected a JSON body (Content-Type application/json), got '" +
                       excerpt(*type) + "'");
}

/// A provider's HTTP answer to a request built by buildSend.
struct HttpResponse {
    int status = 0;
    Headers headers;  ///< names lowercased by the host
    std::string body;

    std::optional<std::string> header(std::string_view name) const {
        return findHeader(headers, name);
    }
};

/// An inbound message (MO) parsed from a webhook.
struct InboundMessage {
    std::string from;  ///< sender, E.164 with '+' when the provider's value allows it
    std::string to;    ///< receiving number (E.164) or the provider's receiver text
    std::string text;  ///< UTF-8 body
    std::string providerMessageId;
    StringMap replyContext;                   ///< opaque; handed back to buildSend when replying
    std::optional<std::string> routingModem;  ///< modem/port route table keys, when known
    std::optional<std::string> routingPort;
};

/// A delivery receipt (DLR) parsed from a webhook.
struct DeliveryReceipt {
    std::string providerRef;
    std::string rawStatus;
    std::string errorCode;
    std::string errorMessage;
    /// The provider's id of this callback, the same on every retry of it (e.g. Twilio's
    /// I-Twilio-Idempotency-Token header); empty when the provider has none. The host stores
    /// each numbered callback once.
    std::string callbackId;
};

using WebhookEvent = std::variant<InboundMessage, DeliveryReceipt>;

/// One outbound message (MT) to express as a provider request.
struct OutboundMessage {
    std::string messageId;
    std::string to;                   ///< E.164 with '+'
    std::optional<std::string> from;  ///< E.164 or provider sender id; nullopt = provider default
    std::string text;                 ///< UTF-8
    std::string kind;                 ///< "initial" or "reply"
    std::optional<StringMap> replyContext;  ///< from the inbound being answered, if any
    std::optional<std::string> statusCallbackUrl;
};

/// The HTTP request the host should send to the provider.
struct ProviderRequest {
    std::string method = "POST";
    std::string url;
    Headers headers;
    std::string body;
    /// The sender the body names (E.164 or alphanumeric sender id), so the host can store
    /// what went on the wire; nullopt when the provider chooses (e.g. a pool of numbers).
    std::optional<std::string> sender;
};

enum class SendOutcome { Accepted, Retry, Throttled, Rejected };

inline const char* toString(SendOutcome outcome) {
    switch (outcome) {
        case SendOutcome::Accepted:
            return "ACCEPTED";
        case SendOutcome::Retry:
            return "RETRY";
        case SendOutcome::Throttled:
            return "THROTTLED";
        case SendOutcome::Rejected:
            return "REJECTED";
    }
    return "RETRY";
}

/// Classification of a provider's answer to a send.
struct SendResult {
    SendOutcome outcome = SendOutcome::Retry;
    std::string providerRef;   ///< provider's message id when Accepted
    std::string errorCode;     ///< provider error code, kept internally
    std::string errorMessage;  ///< provider error text, kept internally, never shown to tenants
    std::optional<int> retryAfterSeconds;
};

/// Result of authenticity checking.
struct VerifyResult {
    bool authentic = false;
    std::string reason;  ///< why it was rejected; empty when authentic

    static VerifyResult ok() { return {true, {}}; }
    static VerifyResult reject(std::string why) { return {false, std::move(why)}; }
};

enum class WebhookResult { Accepted, Rejected, Ignored, Error };

/// What the provider gets back from a webhook.
struct WebhookReply {
    int status = 200;
    std::string contentType = "application/json";
    std::string body = R"({"success":true})";
};

/// An instance's validated `config:` mapping (secrets already resolved by the host).
class InstanceConfig {
  public:
    explicit InstanceConfig(Poco::JSON::Object::Ptr object) : object_(std::move(object)) {}

    bool has(const std::string& key) const { return object_->has(key) && !object_->isNull(key); }
    std::string getString(const std::string& key, const std::string& fallback = {}) const {
        return has(key) ? object_->getValue<std::string>(key) : fallback;
    }
    long long getInt(const std::string& key, long long fallback = 0) const {
        return has(key) ? object_->getValue<long long>(key) : fallback;
    }
    bool getBool(const std::string& key, bool fallback = false) const {
        return has(key) ? object_->getValue<bool>(key) : fallback;
    }
    StringMap getStringMap(const std::string& key) const {
        StringMap result;
        if (!has(key)) return result;
        auto map = object_->getObject(key);
        for (const auto& [name, value] : *map) result[name] = value.convert<std::string>();
        return result;
    }

  private:
    Poco::JSON::Object::Ptr object_;
};

/// Static facts about a plugin, exported through its descriptor.
struct PluginInfo {
    std::string name;     ///< unique, [a-z0-9_-]+
    std::string version;  ///< free text
    std::string configSchemaJson = R"({"properties":{}})";
    std::string defaultStatusTableJson = "{}";
};

}  // namespace switchboard::sdk
