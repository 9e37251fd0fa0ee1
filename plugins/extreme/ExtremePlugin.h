// ExtremeSMS provider plugin ("extreme"): a pure codec between Switchboard's canonical
// messages and ExtremeSMS's HTTP API and inbound webhook.
//
// Source: ExtremeSMS publishes no API documentation (searched). Everything here comes from
// seed 000 (shared/seeds/000_*.txt): one curl example of the send call
//     POST https://extremesms.net/api/v2/sms/sendsingle
//     Authorization: Bearer {KEY}, Content-Type: application/json
//     {"recipient":"+123...","message":"...","usemodem":"<ext_used_modem>","port":"<ext_port>"}
// and the inbound webhook's field names (sender, receiver, message, id, usedmodem, port).
// Nothing in the seed describes the send response, error bodies, rate limiting or webhook
// authentication, so parseSendResponse() accepts several common response shapes, verify()
// implements the operator-configured shared-secret header the seed suggests, and every
// field name on the wire can be overridden in config (inbound_fields, send_fields) should
// the real API differ from the seed.
#pragma once

#include "switchboard/sdk/ProviderPlugin.h"

#include <optional>
#include <string>
#include <vector>

namespace switchboard::plugins::extreme {

/// Wire names of the inbound webhook's JSON fields (config `inbound_fields`).
struct InboundFieldNames {
    std::string sender = "sender";
    std::string receiver = "receiver";
    std::string message = "message";
    std::string id = "id";
    std::string modem = "usedmodem";
    std::string port = "port";
};

/// Wire names of the send request's JSON fields (config `send_fields`).
struct SendFieldNames {
    std::string recipient = "recipient";
    std::string message = "message";
    std::string modem = "usemodem";
    std::string port = "port";
};

/// One configured ExtremeSMS account. Immutable after construction, so every hook may run
/// concurrently on the same instance.
class ExtremePlugin : public sdk::ProviderPlugin {
  public:
    /// Reply-context keys emitted by parse() and read back by buildSend(). They are fixed,
    /// independent of `inbound_fields`, so stored contexts survive a change of field names.
    static constexpr const char* kContextModem = "usedmodem";
    static constexpr const char* kContextPort = "port";

    /// Name "extreme", version, config schema (JSON, format in plugin_abi.h) and an empty
    /// status table (the seed describes no delivery receipts).
    /// Config keys: base_url (string, default "https://extremesms.net"), api_key (string,
    /// required, secret), webhook_secret (string, optional, secret), webhook_secret_header
    /// (string, default "X-Webhook-Secret"), send_path (string, default
    /// "/api/v2/sms/sendsingle"), inbound_fields (string_map; keys sender, receiver,
    /// message, id, modem, port), send_fields (string_map; keys recipient, message, modem,
    /// port). Source: seed 000; no public docs.
    static sdk::PluginInfo info();

    /// Reads the instance config. Absent keys fall back to the same defaults as the
    /// schema, per key for the two field maps (a partial map overrides only what it names).
    /// Throws sdk::BadInput when api_key is missing/empty or holds control characters,
    /// base_url is not an absolute http(s) URL, webhook_secret is present but empty,
    /// webhook_secret_header is empty or not a header token, or a field map names an
    /// unknown key, maps a key to an empty name, or gives two keys the same name.
    explicit ExtremePlugin(const sdk::InstanceConfig& config);

    /// Shape check only, no authentication. Input: the raw webhook request; only the body
    /// is read. Returns true when the body is a JSON object that has the configured sender
    /// field and either the modem field or the message field. A body that is not JSON, or
    /// not an object, returns false; never throws. Source: seed 000 (webhook field names).
    bool detect(const sdk::HttpRequest& request) const override;

    /// Shared-secret check. With webhook_secret configured, the header named by
    /// webhook_secret_header (case-insensitive) must equal it, compared in constant time;
    /// absent → reject("missing <header>"), different → reject("shared secret mismatch").
    /// Without webhook_secret every request is authentic here: the host's IP allow-list
    /// and rate limit are then the only gate. Never throws. Source: seed 000 ("shared secret
    /// header if Extreme provides it, else IP allow-list"); ExtremeSMS documents no scheme.
    sdk::VerifyResult verify(const sdk::HttpRequest& request) const override;

    /// Parses one inbound SMS. Input: the body, a JSON object with (default names) sender,
    /// receiver, message, id, usedmodem, port; each may be a JSON string or number
    /// (integers are rendered without ".0" or exponent). Output: exactly one
    /// sdk::InboundMessage with
    ///   from/to: sender/receiver normalised to E.164 (spaces, dashes and parentheses
    ///            removed, "00" prefix → "+", bare digits → "+" prepended); a value that
    ///            still is not E.164 (short code, alphanumeric id) is kept as received;
    ///            `to` is "" when the receiver is absent;
    ///   text: message, UTF-8, unchanged;
    ///   providerMessageId: id, or "" when absent;
    ///   replyContext: {"usedmodem": v, "port": v} with only the keys present and non-empty,
    ///                 values exactly as received (strings);
    ///   routingModem/routingPort: the same values, when present.
    /// Throws sdk::BadInput when the body is not JSON, not an object, lacks a non-empty
    /// sender or lacks the message field, or when a field holds a boolean, array or object.
    /// Source: seed 000 (webhook fields; ext_used_modem/ext_port stored for replies).
    std::vector<sdk::WebhookEvent> parse(const sdk::HttpRequest& request) const override;

    /// Builds the send request. Input: the canonical message (to in E.164, text UTF-8;
    /// `from` is ignored because the seed shows no sender field). Output:
    ///   POST {base_url without trailing '/'}{send_path}
    ///   Authorization: Bearer <api_key>, Content-Type: application/json,
    ///   Accept: application/json
    ///   body (Poco::JSON, keys in this order): {"recipient": to, "message": text} and,
    ///   only when kind == "reply", "usemodem" = replyContext["usedmodem"] and "port" =
    ///   replyContext["port"] for each of the two that is present and non-empty, as strings.
    /// An initial send never carries modem/port, even if a context is passed.
    /// Throws sdk::BadInput for an empty recipient. Source: seed 000 (curl example).
    sdk::ProviderRequest buildSend(const sdk::OutboundMessage& message) const override;

    /// Classifies ExtremeSMS's answer to buildSend. Input: HTTP status, headers and body
    /// (JSON or not; never throws on a non-JSON body). Output:
    ///   2xx with a JSON body {"success": false} or {"status": "error"|"failed"|"failure"} →
    ///       REJECTED, error_code = body "code"/"error_code" or "provider_rejected";
    ///   other 2xx → ACCEPTED, providerRef = first present of id, message_id, messageId,
    ///       data.id (string or number), else "";
    ///   429 → THROTTLED; 408 and 5xx → RETRY; both with retryAfterSeconds from a
    ///       Retry-After header given in delta-seconds (an HTTP-date is ignored);
    ///   any other status (other 4xx, 1xx, 3xx the host does not follow) → REJECTED;
    ///   non-2xx error_code = "http_<status>".
    /// error_message: the body's "message" or "error" (string, or error.message), else the
    /// body itself; one line, valid UTF-8, at most 200 bytes.
    /// Source: none — the seed shows no response; the shapes accepted are guesses covering
    /// common SMS APIs, and unknown 2xx shapes are treated as accepted.
    sdk::SendResult parseSendResponse(const sdk::HttpResponse& response) const override;

    // webhookResponse() is the SDK default, 200 application/json {"success":true} for every
    // result, so a sender probing the webhook learns nothing from the answer. Source: seed
    // 000 says nothing; chosen here.

  private:
    std::string sendUrl_;
    std::string apiKey_;
    std::optional<std::string> webhookSecret_;
    std::string webhookSecretHeader_;
    InboundFieldNames inbound_;
    SendFieldNames send_;
};

}  // namespace switchboard::plugins::extreme
