// sms-retail provider plugin ("smsretail"): a pure codec for sms-retail's delivery-receipt
// webhook and for a configurable JSON send endpoint.
//
// Source: sms-retail publishes no API documentation (searched). Everything here comes from
// seed 001 (shared/seeds/001_*.txt) and SPEC.md (provider table, items 5 and 7):
//   - the delivery callback is JSON {"id": <number>, "status": "delivered", ...} with status
//     values delivered, sent, failed, undelivered;
//   - on a route shared with 23 Telecom, a numeric "id" tells sms-retail apart from 23
//     Telecom's string "messageId" / "message_id";
//   - authenticity: header X-Signature = hex HMAC-SHA256 of the raw body under a shared
//     secret.
// Nothing describes sms-retail's send API, so buildSend() targets an operator-configured
// JSON endpoint (URL, auth header, field names) and parseSendResponse() reads the message id
// from a configurable path. See README.md for the configuration and the open questions.
#pragma once

#include "switchboard/sdk/ProviderPlugin.h"

#include <optional>
#include <string>
#include <vector>

namespace switchboard::plugins::smsretail {

/// Wire names of the send request's JSON fields (config `send_fields`).
struct SendFieldNames {
    std::string to = "to";
    std::string text = "message";
    std::string from = "from";
    std::string reference = "reference";
};

/// One configured sms-retail account. Immutable after construction, so every hook may run
/// concurrently on the same instance.
class SmsRetailPlugin : public sdk::ProviderPlugin {
  public:
    /// Name "smsretail", version, config schema (JSON, format in plugin_abi.h) and the
    /// default status table {"delivered": "DELIVERED", "DELIVRD": "DELIVERED", "sent":
    /// "SENT", "failed": "FAILED", "undelivered": "FAILED", "UNDELIV": "FAILED", "pending":
    /// "PENDING", "queued": "PENDING"} (seed 001's normalisation map; the host looks a raw
    /// status up exactly, then lower-cased, and maps anything else to UNKNOWN).
    /// Config keys: webhook_secret (string, optional, secret), signature_header (string,
    /// default "X-Signature"), send_url (string, optional; needed to send), api_key (string,
    /// optional, secret; needed to send), auth_header (string, default "Authorization"),
    /// auth_scheme (string, default "Bearer"; "" sends the bare key), send_fields
    /// (string_map; keys to, text, from, reference), response_id_field (string, default
    /// "id", dotted path). Source: seed 001 and SPEC.md; sms-retail's API is not public.
    static sdk::PluginInfo info();

    /// Reads the instance config. Absent keys fall back to the schema's defaults; a partial
    /// send_fields map overrides only the keys it names.
    /// Throws sdk::BadInput when webhook_secret, send_url or api_key is present but empty (an
    /// unset environment variable must not silently disable a check or sending), send_url
    /// is not an absolute http(s) URL, api_key or auth_scheme holds control characters,
    /// signature_header or auth_header is not a header token (or auth_header names
    /// Content-Type/Accept, which the request sets itself), send_fields names an unknown key,
    /// maps a key to an empty name or gives two keys the same name, or response_id_field is
    /// empty or has an empty path segment.
    explicit SmsRetailPlugin(const sdk::InstanceConfig& config);

    /// Shape check only, no authentication. Input: the raw webhook request; only the body is
    /// read. Returns true when the body is a JSON object whose "id" is a JSON number, which
    /// has a "status" member (of any type) and no string "messageId"/"message_id" (those
    /// mark 23 Telecom's callbacks). Whether the values are usable is parse()'s question, so
    /// that a malformed sms-retail callback is reported as such rather than as an unknown
    /// payload. Requiring "status" keeps an ExtremeSMS inbound with an integer id, on a
    /// shared route, from being claimed. Not JSON, not an object, a string id, no id or no
    /// status → false; never throws.
    /// Source: seed 001 ("Provider Detection").
    bool detect(const sdk::HttpRequest& request) const override;

    /// HMAC check. With webhook_secret configured, the header named by signature_header
    /// (case-insensitive name) must hold the hex HMAC-SHA256 of the raw body bytes under the
    /// secret: 64 hex digits, either case, surrounding whitespace ignored, compared in
    /// constant time. Absent → reject("missing <signature_header>"); anything else that
    /// differs (wrong, truncated, a signature of a re-serialised body) → reject("signature
    /// mismatch"). Without webhook_secret every request is authentic here. Never throws
    /// (except if OpenSSL itself fails). Source: seed 001 ("HMAC/Token Verification").
    sdk::VerifyResult verify(const sdk::HttpRequest& request) const override;

    /// Parses one delivery callback. Input: the body, a JSON object
    /// {"id": <integer>, "status": "<text>", "error_code"?, "error"?, "reason"?, ...}.
    /// Output: exactly one sdk::DeliveryReceipt with
    ///   providerRef: id as a decimal string, exact for every integer up to 2^64-1 (read as
    ///                Int64/UInt64, never through a double); an integral float such as
    ///                12345.0 below 2^53 gives "12345";
    ///   rawStatus: status exactly as received (no case change, no trimming): the host
    ///              normalises it through the status table;
    ///   errorCode: "error_code" (string or integer) when present, else "";
    ///   errorMessage: "error", else "reason" (strings), one line, valid UTF-8, at most 200
    ///                 bytes; "" when neither is present.
    /// Optional fields of another type are ignored rather than failing the callback.
    /// Throws sdk::BadInput when the body is not JSON or not an object, id is missing, a
    /// string or another non-number, negative, fractional or beyond 2^64-1, or status is
    /// missing, not a string or empty. Source: seed 001 (payload shape, status values).
    std::vector<sdk::WebhookEvent> parse(const sdk::HttpRequest& request) const override;

    /// Builds the send request. Input: the canonical message (to in E.164, text UTF-8, from
    /// optional, message_id = Switchboard's id). Output:
    ///   POST <send_url>
    ///   <auth_header>: "<auth_scheme> <api_key>" (bare key when auth_scheme is ""),
    ///   Content-Type: application/json, Accept: application/json
    ///   body (keys in this order, names from send_fields): {to: to, text: text,
    ///   from: from (only when given and non-empty), reference: message_id}.
    /// Replies are sent like initial messages: seed 001 has no reply routing.
    /// Throws sdk::BadInput when send_url or api_key is not configured (a DLR-only instance
    /// cannot send) or the recipient is empty. Source: none — sms-retail's send API is not
    /// public; the shape is the configurable guess documented in README.md.
    sdk::ProviderRequest buildSend(const sdk::OutboundMessage& message) const override;

    /// Classifies the answer to buildSend. Input: HTTP status, headers and body (JSON or not;
    /// never throws on a non-JSON body). Output:
    ///   2xx → ACCEPTED, providerRef = the value at response_id_field (dotted path through
    ///       objects; an all-digit segment indexes an array), a string trimmed or an integer
    ///       rendered exactly as parse() renders callback ids, so the two match; "" (and a
    ///       warning in the log) when absent or of another type;
    ///   429 → THROTTLED; 408 and 5xx → RETRY; both with retryAfterSeconds from a Retry-After
    ///       header in delta-seconds (an HTTP-date is ignored);
    ///   any other status (other 4xx, 1xx, 3xx the host does not follow) → REJECTED;
    ///   non-2xx error_code = "http_<status>", error_message = the body's "message" or
    ///   "error" (string, or error.message), else the body itself; one line, valid UTF-8, at
    ///   most 200 bytes.
    /// Source: none — sms-retail's API is not public.
    sdk::SendResult parseSendResponse(const sdk::HttpResponse& response) const override;

    // webhookResponse() is the SDK default, 200 application/json {"success":true} for every
    // result. Source: seed 001 ("Always return 200 { success: true }"), SPEC item 5 (the
    // sender learns nothing).

  private:
    std::optional<std::string> webhookSecret_;
    std::string signatureHeader_;
    std::optional<std::string> sendUrl_;
    std::optional<std::string> apiKey_;
    std::string authHeader_;
    std::string authScheme_;
    SendFieldNames send_;
    std::vector<std::string> responseIdPath_;
};

}  // namespace switchboard::plugins::smsretail
