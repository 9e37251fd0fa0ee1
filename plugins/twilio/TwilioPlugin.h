// Twilio provider plugin ("twilio"): a pure codec between Switchboard's canonical messages
// and Twilio's Programmable Messaging REST API, incoming-message webhook and message status
// callbacks, including X-Twilio-Signature verification.
//
// Sources (Twilio's public documentation, read through the search tool's stored copies; the
// live pages were not fetched):
//   [create]    https://www.twilio.com/docs/messaging/api/message-resource
//                 POST /2010-04-01/Accounts/{AccountSid}/Messages.json, form-encoded To, From
//                 or MessagingServiceSid, Body, StatusCallback; 201 answer is the Message
//                 resource (sid, status, error_code, error_message); status values table.
//   [openapi]   ../shared/conformance/twilio_api_v2010.json (Twilio's own OpenAPI description:
//                 AccountSid pattern ^AC[0-9a-fA-F]{32}$, HTTP basic auth "accountSid_authToken",
//                 server https://api.twilio.com, the message_enum_status values).
//   [responses] https://www.twilio.com/docs/usage/twilios-response (error body
//                 {"code", "message", "more_info", "status"}).
//   [20429]     https://www.twilio.com/docs/api/errors/20429 (too many concurrent requests:
//                 "never processed and is always safe to retry").
//   [21211]     https://www.twilio.com/docs/errors/21211 (invalid 'To' phone number; the
//                 more_info URL Twilio's own 400 answer carries).
//   [inbound]   https://www.twilio.com/docs/messaging/guides/webhook-request (form-encoded
//                 MessageSid, SmsSid, AccountSid, From, To, Body, NumMedia, MediaUrl{N}, ...).
//   [callbacks]
//   https://www.twilio.com/docs/messaging/guides/outbound-message-status-in-status-callbacks
//                 and https://www.twilio.com/docs/messaging/guides/track-outbound-message-status
//                 (MessageSid, MessageStatus, ErrorCode; no callback for the initial status).
//   [twiml]     https://www.twilio.com/docs/messaging/twiml (an empty <Response/> sends no
//                 reply).
//   [security]  https://www.twilio.com/docs/usage/webhooks/webhooks-security (X-Twilio-Signature:
//                 base64 HMAC-SHA1 with the auth token over the URL + sorted POST parameters;
//                 bodySHA256 query parameter for JSON bodies; use the SDKs' validators).
//   [notes]     https://www.twilio.com/docs/usage/security#notes (as quoted in
//                 twilio/twilio-aspnet#18 and twilio/twilio-node#411: Twilio drops the username
//                 and password, and for HTTPS the port, before computing the signature).
//   [sdk]       twilio-node 6.2.0 lib/webhooks/webhooks.js (tests/node/node_modules/twilio):
//                 the reference validator this plugin mirrors, case for case.
// Beyond the docs: seed 002 (shared/seeds/002_*.txt) for the send/status flow an operator
// expects, seed 004 (shared/seeds/004_*.txt) for SmsSid as the inbound message id.
#pragma once

#include "switchboard/sdk/ProviderPlugin.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace switchboard::plugins::twilio {

/// One configured Twilio account. Immutable after construction, so every hook may run
/// concurrently on the same instance.
class TwilioPlugin : public sdk::ProviderPlugin {
  public:
    /// Name "twilio", version, config schema (JSON, format in plugin_abi.h) and the default
    /// raw → canonical status table (reasoning per entry in the .cpp and the README).
    /// Config keys:
    ///   account_sid (string, required)          "AC" + 32 hex digits [openapi];
    ///   auth_token (string, required, secret)   basic-auth password and signing key [security];
    ///   base_url (string, default "https://api.twilio.com") [openapi];
    ///   from (string, optional)                 default sender (E.164 or alphanumeric id);
    ///   messaging_service_sid (string, optional) "MG" + 32 hex, used when no sender is known;
    ///   validate_signatures (boolean, default true).
    static sdk::PluginInfo info();

    /// Reads the instance config; absent keys take the schema defaults.
    /// Throws sdk::BadInput when account_sid is missing or not "AC" + 32 hex digits,
    /// auth_token is missing/empty or holds control characters, base_url is not an absolute
    /// http(s) URL, `from` is present but empty or holds control characters, or
    /// messaging_service_sid is present but not "MG" + 32 hex digits.
    explicit TwilioPlugin(const sdk::InstanceConfig& config);

    /// Shape check only, no authentication. Input: the webhook request (body and query).
    /// True for (a) a form body holding MessageSid or SmsSid, and AccountSid [inbound]
    /// [callbacks], or (b) a JSON-object body with a `bodySHA256` query parameter
    /// [security]. Never throws.
    bool detect(const sdk::HttpRequest& request) const override;

    /// X-Twilio-Signature check, exactly as twilio-node 6.2.0's validateRequest /
    /// validateRequestWithBody [sdk] do it, over request.publicUrl (the URL Twilio called,
    /// per the operator's server.public_base_url):
    ///  - validate_signatures false → always ok (the host's IP allow-list and rate limit are
    ///    then the only gate).
    ///  - missing header → reject("missing X-Twilio-Signature"); empty publicUrl →
    ///    reject("no public URL to verify against").
    ///  - form body (no bodySHA256 query parameter): data = URL + for each key in UTF-16
    ///    code-unit order, for each distinct value of that key in the same order, key + value
    ///    (values decoded as Node's querystring decodes them). Candidate URLs, in [sdk]'s
    ///    order: the URL with its port removed and with the scheme's default port added;
    ///    then the WHATWG-normalised URL (`new URL(url).toString()`) likewise, each also with
    ///    its query re-encoded as Node's legacy querystring does; plus, per [notes], every
    ///    candidate with user:password@ dropped. Base64 HMAC-SHA1(auth_token, data) of any
    ///    candidate must equal the header (constant-time) → else reject("signature
    ///    mismatch"). A form of more than 1000 parameters → reject("too many form
    ///    parameters").
    ///  - bodySHA256 query parameter present: the same URL candidates with no parameters,
    ///    and then bodySHA256 must equal the lowercase hex SHA-256 of the raw body bytes →
    ///    else reject("bodySHA256 mismatch").
    /// Never throws.
    sdk::VerifyResult verify(const sdk::HttpRequest& request) const override;

    /// Parses one webhook into one event. With MessageStatus [callbacks]: a DeliveryReceipt
    /// {providerRef = MessageSid (else SmsSid), rawStatus = MessageStatus verbatim,
    /// errorCode = ErrorCode, errorMessage = ErrorMessage cut to 200 bytes}. Otherwise an
    /// InboundMessage [inbound] {from = From, to = To, text = Body ("" when absent),
    /// providerMessageId = MessageSid (else SmsSid, else SmsMessageSid), replyContext {}}.
    /// Form bodies are decoded like Node's querystring; JSON bodies (bodySHA256 mode) are
    /// read as an object with the same keys.
    /// Throws sdk::BadInput for a declared Content-Type that is not form-encoded (or not JSON
    /// in bodySHA256 mode), a form of more than 1000 parameters, a missing/empty message id,
    /// conflicting MessageSid and SmsSid, an empty MessageStatus, a missing/empty From on an
    /// inbound message, or a NumMedia that is not an integer 0..100.
    std::vector<sdk::WebhookEvent> parse(const sdk::HttpRequest& request) const override;

    /// The parse hook's JSON document: parse() as {"events": [...]} with, on an inbound
    /// event, "media": [MediaUrl0, ..., MediaUrl{NumMedia-1}] (an ABI schema-version-1
    /// addition; readers ignore unknown keys). Without NumMedia, consecutive MediaUrl{N}
    /// from 0 are taken. Throws what parse() throws.
    std::string parseDocument(const sdk::HttpRequest& request) const;

    /// Builds the send request [create]:
    ///   POST {base_url}/2010-04-01/Accounts/{account_sid}/Messages.json
    ///   Authorization: Basic base64(account_sid ":" auth_token),
    ///   Content-Type: application/x-www-form-urlencoded, Accept: application/json
    ///   body To=…&From=…|MessagingServiceSid=…&Body=…[&StatusCallback=…]
    /// Values are percent-encoded per RFC 3986 (only A-Z a-z 0-9 - _ . ~ left as is, space
    /// as %20), as twilio-node's request encoder does. Sender: the message's `from`, else
    /// config `from`, else MessagingServiceSid = messaging_service_sid. StatusCallback only
    /// when status_callback_url is given and non-empty. kind/reply_context change nothing
    /// (Twilio needs no routing context).
    /// Throws sdk::BadInput for an empty recipient, or when no sender can be chosen.
    sdk::ProviderRequest buildSend(const sdk::OutboundMessage& message) const override;

    /// Classifies Twilio's answer [create] [responses]. Never throws on a non-JSON body.
    ///   2xx with "sid" → ACCEPTED, providerRef = sid (the MessageSid status callbacks
    ///       carry); unless "status" is "failed" or "undelivered" → REJECTED with the body's
    ///       error_code/error_message (a resend would create another message);
    ///   2xx without a sid → ACCEPTED, providerRef "", error_code "missing_sid" (resending
    ///       could send the SMS twice);
    ///   Twilio error code 20429 (whatever the HTTP status) or HTTP 429 → THROTTLED [20429];
    ///   408, 5xx → RETRY; both with retryAfterSeconds from a delta-seconds Retry-After;
    ///   any other status → REJECTED (e.g. 400 21211 invalid To [21211], 401 20003).
    /// error_code: the body's "code" as text, else "http_<status>"; error_message: the
    /// body's "message", else the body, one line of at most 200 bytes.
    sdk::SendResult parseSendResponse(const sdk::HttpResponse& response) const override;

    /// 200 text/xml `<?xml version="1.0" encoding="UTF-8"?><Response/>` for every result
    /// [twiml]: Twilio sends no reply, and SPEC item 5 wants a rejected callback answered
    /// like an accepted one.
    sdk::WebhookReply webhookResponse(sdk::WebhookResult result) const override;

  private:
    using Params = std::vector<std::pair<std::string, std::string>>;

    Params fieldsOf(const sdk::HttpRequest& request) const;
    sdk::VerifyResult verifySignature(const sdk::HttpRequest& request,
                                      const std::string& signature) const;

    std::string accountSid_;
    std::string authToken_;
    std::string sendUrl_;
    std::string basicAuth_;
    std::optional<std::string> from_;
    std::optional<std::string> messagingServiceSid_;
    bool validateSignatures_ = true;
};

}  // namespace switchboard::plugins::twilio
