// 23 Telecom provider plugin ("telecom23"): a pure codec between Switchboard's canonical
// messages and 23 Telecom's REST API and delivery-report (DLR) webhook.
//
// Sources (23 Telecom's public developer documentation, read through the search tool's
// stored copies; the live pages were not fetched):
//   [send]     https://docs.23telecom.co.uk/sms/send/ (and /sms/send.md)
//                POST https://restlink23telecom.com/api/v1/sms/send, header X-API-Key,
//                JSON {"to": [E.164...], "message": "...", "sender_id": "..."}; 200 answer
//                {"status": true, "messages": [...], "results": [{"dnis", "message_id",
//                "segments", "status": "accepted"}], "summary": {...}}
//   [overview] https://docs.23telecom.co.uk/sms/overview/ (batches are atomic; 500 DB_ERROR
//                is safe to retry; 402 INSUFFICIENT_BALANCE; sender id 3-11 characters)
//   [auth]     https://docs.23telecom.co.uk/authentication/ (X-API-Key; optional request
//                HMAC with X-Timestamp/X-Signature, not implemented — see README)
//   [errors]   https://docs.23telecom.co.uk/reference/errors/ (every error is
//                {"status": false, "error_code": "...", "description": "..."})
//   [limits]   https://docs.23telecom.co.uk/reference/rate-limits/ (429 may have no JSON
//                or an HTML body; Retry-After only from the login limiter)
//   [dlr]      https://docs.23telecom.co.uk/webhooks/delivery/ (payload message_id,
//                recipient, sender_id, status, status_code, num_parts, cost, timestamp;
//                answer 2xx within 5 s or it is retried)
//   [security] https://docs.23telecom.co.uk/webhooks/security/ (X-Webhook-Timestamp = Unix
//                seconds; X-Webhook-Signature = "sha256=" + hex HMAC-SHA256(secret,
//                "{timestamp}.{raw_body}"); constant-time compare; reject stale timestamps,
//                e.g. older than 5 minutes)
//   [statuses] https://docs.23telecom.co.uk/reference/delivery-statuses/ (pending, sent,
//                DELIVRD, UNDELIV, REJECTD, EXPIRED, UNKNOWN, failed; "sent/ENROUTE" are
//                reconciled to UNDELIV after 3+ days)
//   SMPP 3.4 (Appendix B, delivery receipt "stat" values; §5.2.28 message_state) for the
//   statuses 23 Telecom does not document (ACCEPTD, DELETED).
// Beyond the docs: seed 001 (shared/seeds/001_*.txt) shows the camel-case key "messageId"
// and the `token` query parameter; both are supported next to the documented forms.
#pragma once

#include "switchboard/sdk/ProviderPlugin.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace switchboard::plugins::telecom23 {

/// One configured 23 Telecom account. Immutable after construction, so every hook may run
/// concurrently on the same instance.
class Telecom23Plugin : public sdk::ProviderPlugin {
  public:
    /// Name "telecom23", version, config schema (JSON, format in plugin_abi.h) and the
    /// default raw → canonical status table (see README for the reasoning per entry).
    /// Config keys:
    ///   api_key (string, required, secret)      sent only as the X-API-Key header [auth];
    ///   base_url (string, default "https://restlink23telecom.com") [send];
    ///   send_path (string, default "/api/v1/sms/send") [send];
    ///   sender_id (string, optional)            sender when a message has no `from`;
    ///   webhook_token (string, optional, secret) required `token` query parameter (seed 001);
    ///   webhook_secret (string, optional, secret) signing secret [security];
    ///   signature_tolerance_s (integer, default 300, seconds, 1..86400) [security].
    static sdk::PluginInfo info();

    /// Reads the instance config; absent keys take the schema defaults.
    /// Throws sdk::BadInput when api_key is missing/empty or holds control characters,
    /// base_url is not an absolute http(s) URL, send_path holds spaces/control characters,
    /// sender_id holds control characters, webhook_token or webhook_secret is present but
    /// empty (an unset environment variable must not switch a check off), or
    /// signature_tolerance_s is outside 1..86400 seconds.
    explicit Telecom23Plugin(const sdk::InstanceConfig& config);

    /// Shape check only, no authentication. Input: the webhook request; only the body is
    /// read. Returns true when the body is a JSON object holding a JSON *string* under
    /// "message_id" [dlr] or "messageId" (seed 001). A numeric id (SMSRetail's shape), a
    /// non-JSON body or a non-object returns false. Never throws.
    bool detect(const sdk::HttpRequest& request) const override;

    /// Authenticity check; every configured scheme must pass (token first, then signature).
    ///  - webhook_token set: the `token` query parameter (percent-decoded) must equal it,
    ///    compared in constant time; absent → reject("missing token"), different (including
    ///    a prefix of it or an empty value) → reject("token mismatch"). When webhook_token is
    ///    not set, a `token` parameter is ignored.
    ///  - webhook_secret set [security]: headers X-Webhook-Signature and X-Webhook-Timestamp
    ///    are required (reject "missing X-Webhook-Signature" / "missing X-Webhook-Timestamp").
    ///    The signature must be "sha256=" followed by 64 hex digits (either case, since both
    ///    spell the same MAC) else reject("malformed signature"); the timestamp must be
    ///    decimal Unix *seconds* else reject("malformed X-Webhook-Timestamp"). The MAC is
    ///    hex HMAC-SHA256(webhook_secret, timestamp + "." + raw body bytes), compared in
    ///    constant time → reject("signature mismatch"). Then the window: with
    ///    request.receivedAtMs (host receive time, *milliseconds*), reject("stale timestamp")
    ///    when |receivedAtMs - timestamp*1000| > signature_tolerance_s*1000, in either
    ///    direction; exactly the tolerance is accepted. The MAC is checked before the window
    ///    so that "stale timestamp" always means an authentic but replayed/late request.
    /// With neither configured every request passes (the host's IP allow-list and rate limit
    /// are then the only gate). Never throws.
    sdk::VerifyResult verify(const sdk::HttpRequest& request) const override;

    /// Parses one delivery report [dlr]. Output: exactly one sdk::DeliveryReceipt with
    ///   providerRef: "message_id" [dlr] or "messageId" (seed 001), a non-empty string; when
    ///                both are present they must be equal;
    ///   rawStatus:   "status" exactly as received (no trimming or case change; the host
    ///                maps it through the status table);
    ///   errorCode:   "error_code"/"errorCode" if present (string or integer), else the
    ///                carrier "status_code" [dlr] unless it is all zeros (SMPP's "no error");
    ///   errorMessage: "error_message"/"errorMessage"/"description" if a string, cut to one
    ///                line of at most 200 bytes.
    /// Throws sdk::BadInput when the body is not JSON or not an object, the id is missing,
    /// empty, not a string or conflicting, or "status" is missing, empty or not a string.
    std::vector<sdk::WebhookEvent> parse(const sdk::HttpRequest& request) const override;

    /// Builds the send request [send]:
    ///   POST {base_url without trailing '/'}{send_path}
    ///   X-API-Key: <api_key>, Content-Type: application/json, Accept: application/json
    ///   body {"to": [to], "message": text, "sender_id": from or config sender_id}
    /// The api_key appears in the X-API-Key header only. message_id is not sent: the send
    /// API documents no client-reference field, so correlation relies on the returned
    /// message_id. status_callback_url is ignored: DLR URLs are configured per workspace
    /// (PUT /user/webhooks), not per message. kind/reply_context change nothing.
    /// Throws sdk::BadInput for an empty recipient, or when neither the message's `from`
    /// nor config sender_id gives a sender (sender_id is required by the API).
    sdk::ProviderRequest buildSend(const sdk::OutboundMessage& message) const override;

    /// Classifies 23 Telecom's answer to buildSend. Never throws on a non-JSON body.
    ///   2xx, body "status": false → REJECTED with the body's error_code/description;
    ///   2xx, first of "results" has "status" "accepted" (or none) → ACCEPTED, providerRef =
    ///       its "message_id" (else messages[0].message_id, else a top-level message_id;
    ///       the same id the DLR webhook carries as message_id [dlr]); a 2xx without any id
    ///       is still ACCEPTED (resending could duplicate the SMS) with providerRef "" and
    ///       error_code "missing_message_id";
    ///   2xx, per-recipient "queue_error" → RETRY; any other per-recipient status
    ///       ("blocked", "config_error", ...) → REJECTED with error_code = that status
    ///       (inferred from the summary counters in [send]; not documented per recipient);
    ///   429 → THROTTLED; 408 and 5xx → RETRY (500 DB_ERROR is documented as safe to retry
    ///       [overview]); both with retryAfterSeconds from a delta-seconds Retry-After
    ///       header (an HTTP-date is ignored) [limits];
    ///   any other status (other 4xx, 1xx, 3xx) → REJECTED.
    /// Non-2xx error_code: the body's "error_code" [errors], else "http_<status>".
    /// error_message: "description" [errors], else "message"/"error", else the body; one
    /// line of valid UTF-8, at most 200 bytes.
    sdk::SendResult parseSendResponse(const sdk::HttpResponse& response) const override;

    // webhookResponse() is the SDK default, 200 application/json {"success":true} for every
    // result: [dlr] retries anything but 2xx, and SPEC item 5 requires the sender to learn
    // nothing from the answer.

  private:
    sdk::VerifyResult verifySignature(const sdk::HttpRequest& request) const;

    std::string sendUrl_;
    std::string apiKey_;
    std::optional<std::string> senderId_;
    std::optional<std::string> webhookToken_;
    std::optional<std::string> webhookSecret_;
    std::int64_t toleranceMs_ = 0;
};

}  // namespace switchboard::plugins::telecom23
