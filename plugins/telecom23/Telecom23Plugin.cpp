#include "Telecom23Plugin.h"

#include "switchboard/sdk/ConfigChecks.h"
#include "switchboard/sdk/ConfigSchema.h"
#include "switchboard/sdk/Crypto.h"
#include "switchboard/sdk/JsonAccess.h"
#include "switchboard/sdk/Plugin.h"
#include "switchboard/sdk/ProviderText.h"
#include "switchboard/sdk/SendRequests.h"
#include "switchboard/sdk/SendResponses.h"

#include <Poco/Dynamic/Var.h>
#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/String.h>

#include <charconv>
#include <limits>
#include <string_view>

namespace switchboard::plugins::telecom23 {
namespace {

using Poco::JSON::Object;
using sdk::BadInput;

constexpr const char* kDefaultBaseUrl = "https://restlink23telecom.com";
constexpr const char* kDefaultSendPath = "/api/v1/sms/send";
constexpr long long kDefaultToleranceS = 300;  // [security]: "e.g. older than 5 minutes"
constexpr long long kMaxToleranceS = 86400;
constexpr const char* kSignatureHeader = "X-Webhook-Signature";
constexpr const char* kTimestampHeader = "X-Webhook-Timestamp";
constexpr std::string_view kSignaturePrefix = "sha256=";
constexpr std::size_t kHexSha256Length = 64;

// Raw statuses → canonical. Reasons per entry are in README.md ("Delivery statuses").
constexpr const char* kDefaultStatusTable =
    R"({"DELIVRD":"DELIVERED","UNDELIV":"FAILED","SENT":"SENT","PENDING":"PENDING",)"
    R"("REJECTD":"FAILED","EXPIRED":"UNDELIVERED",)"
    // [statuses] reconciles "sent/ENROUTE" together: 23 Telecom treats ENROUTE as its
    // "submitted to carrier network" state, hence SENT rather than SMPP's bare "en route".
    R"("ENROUTE":"SENT",)"
    // Not in 23 Telecom's docs. SMPP 3.4 §5.2.28 defines ACCEPTED as "manually read on
    // behalf of the subscriber by customer service"; carriers also use it for "accepted by
    // the next hop". Neither reading says the carrier network has the message, so only
    // PENDING is claimed: SENT would over-state progress, and since the host never moves a
    // status backwards, PENDING cannot demote a message already SENT.
    R"("ACCEPTD":"PENDING",)"
    R"("DELETED":"FAILED","UNKNOWN":"UNKNOWN",)"
    // [statuses]: "failed" is 23 Telecom's final internal error (queue/config failure). The
    // host matches case-insensitively, so "sent"/"pending" need no lower-case entries.
    R"("failed":"FAILED"})";

// Integers are accepted for codes because carriers' numeric codes often lose their quotes
// on the way; anything else (object, array, boolean, float) carries no usable code.
std::optional<std::string> optionalText(const Object& object, const std::string& key) {
    return sdk::optionalText(object, key, sdk::Numbers::IntegersOnly);
}

std::optional<std::string> optionalString(const Object& object, const std::string& key) {
    if (!sdk::isStringMember(object, key)) return std::nullopt;
    std::string text = object.getValue<std::string>(key);
    if (text.empty()) return std::nullopt;
    return text;
}

// First element of an array field when it is an object, else null.
Object::Ptr firstObjectIn(const Object& object, const std::string& key) {
    if (!object.has(key) || object.isNull(key)) return nullptr;
    Poco::Dynamic::Var value = object.get(key);
    if (value.type() != typeid(Poco::JSON::Array::Ptr)) return nullptr;
    auto array = value.extract<Poco::JSON::Array::Ptr>();
    if (!array || array->size() == 0) return nullptr;
    Poco::Dynamic::Var first = array->get(0);
    if (first.type() != typeid(Object::Ptr)) return nullptr;
    return first.extract<Object::Ptr>();
}

std::string errorText(const Object::Ptr& json, const std::string& body) {
    if (json) {
        for (const char* key : {"description", "message", "error"}) {
            if (auto text = optionalString(*json, key)) return sdk::excerpt(*text);
        }
        if (auto error = sdk::optionalObject(*json, "error")) {
            if (auto text = optionalString(*error, "message")) return sdk::excerpt(*text);
        }
    }
    return sdk::excerpt(body);
}

bool isAllZeros(std::string_view s) { return s.find_first_not_of('0') == std::string_view::npos; }

bool isHex(std::string_view s) {
    for (char c : s) {
        bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
        if (!ok) return false;
    }
    return true;
}

// Unix seconds as decimal digits only: a sign, a fraction or spaces mean the sender does not
// follow [security], and guessing would widen what an attacker may present.
std::optional<std::int64_t> parseUnixSeconds(std::string_view text) {
    if (text.empty() || text.size() > 18) return std::nullopt;
    for (char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
    }
    std::int64_t value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return value;
}

}  // namespace

sdk::PluginInfo Telecom23Plugin::info() {
    sdk::ConfigSchema schema;

    auto apiKey =
        schema.add("api_key", "string", "23 Telecom API key, sent only as the X-API-Key header.");
    apiKey->set("required", true);
    apiKey->set("secret", true);

    schema.add("base_url", "string", "23 Telecom API base URL (scheme and host, no path).")
        ->set("default", kDefaultBaseUrl);

    schema.add("send_path", "string", "Path of the send endpoint, appended to base_url.")
        ->set("default", kDefaultSendPath);

    auto senderId = schema.add("sender_id", "string",
                               "Default sender_id (alphanumeric, 3-11 characters, or a phone "
                               "number) for messages without a 'from'.");
    senderId->set("required", false);

    auto token = schema.add("webhook_token", "string",
                            "When set, delivery webhooks must carry ?token=<this value>. "
                            "Put it in the delivery_url configured at 23 Telecom.");
    token->set("required", false);
    token->set("secret", true);

    auto secret = schema.add("webhook_secret", "string",
                             "23 Telecom webhook signing secret; when set, X-Webhook-Timestamp "
                             "and X-Webhook-Signature are required and checked.");
    secret->set("required", false);
    secret->set("secret", true);

    auto tolerance = schema.add("signature_tolerance_s", "integer",
                                "Largest accepted distance, in seconds, between "
                                "X-Webhook-Timestamp and the time the request was received.");
    tolerance->set("default", kDefaultToleranceS);

    sdk::PluginInfo info;
    info.name = "telecom23";
    info.version = "1.0.0";
    info.configSchemaJson = schema.json();
    info.defaultStatusTableJson = kDefaultStatusTable;
    return info;
}

Telecom23Plugin::Telecom23Plugin(const sdk::InstanceConfig& config) {
    apiKey_ = sdk::requiredSetting(config, "api_key");
    sdk::rejectControlCharacters("api_key", apiKey_);
    sendUrl_ = sdk::endpointUrl(config, "base_url", kDefaultBaseUrl, "send_path", kDefaultSendPath);

    if (config.has("sender_id")) {
        std::string sender = Poco::trim(config.getString("sender_id"));
        sdk::rejectControlCharacters("sender_id", sender);
        if (!sender.empty()) senderId_ = std::move(sender);
    }

    webhookToken_ = sdk::optionalNonEmpty(config, "webhook_token", "disable the check");
    webhookSecret_ = sdk::optionalNonEmpty(config, "webhook_secret", "disable the check");

    long long tolerance = config.getInt("signature_tolerance_s", kDefaultToleranceS);
    if (tolerance < 1 || tolerance > kMaxToleranceS)
        throw BadInput("signature_tolerance_s must be between 1 and " +
                       std::to_string(kMaxToleranceS) + " seconds");
    toleranceMs_ = static_cast<std::int64_t>(tolerance) * 1000;
}

bool Telecom23Plugin::detect(const sdk::HttpRequest& request) const {
    Object::Ptr body = sdk::parseObjectOrNull(request.body);
    if (!body) return false;
    return sdk::isStringMember(*body, "message_id") || sdk::isStringMember(*body, "messageId");
}

sdk::VerifyResult Telecom23Plugin::verify(const sdk::HttpRequest& request) const {
    if (webhookToken_) {
        std::optional<std::string> presented;
        try {
            presented = request.queryParam("token");
        } catch (const Poco::Exception&) {
            // A query Poco cannot decode cannot carry the right token either.
            return sdk::VerifyResult::reject("token mismatch");
        }
        if (!presented) return sdk::VerifyResult::reject("missing token");
        if (!sdk::constantTimeEquals(*presented, *webhookToken_))
            return sdk::VerifyResult::reject("token mismatch");
    }
    if (webhookSecret_) return verifySignature(request);
    return sdk::VerifyResult::ok();
}

sdk::VerifyResult Telecom23Plugin::verifySignature(const sdk::HttpRequest& request) const {
    auto signature = request.header(kSignatureHeader);
    if (!signature) return sdk::VerifyResult::reject(std::string("missing ") + kSignatureHeader);
    auto timestampText = request.header(kTimestampHeader);
    if (!timestampText)
        return sdk::VerifyResult::reject(std::string("missing ") + kTimestampHeader);

    std::string_view presented(*signature);
    if (!presented.starts_with(kSignaturePrefix) ||
        presented.size() != kSignaturePrefix.size() + kHexSha256Length ||
        !isHex(presented.substr(kSignaturePrefix.size())))
        return sdk::VerifyResult::reject("malformed signature");
    auto timestampS = parseUnixSeconds(*timestampText);
    if (!timestampS) return sdk::VerifyResult::reject(std::string("malformed ") + kTimestampHeader);

    // The header text, not the parsed number, is what the sender signed ("{timestamp}.").
    const std::string expected =
        sdk::hmacSha256Hex(*webhookSecret_, *timestampText + "." + request.body);
    const std::string presentedHex =
        Poco::toLower(std::string(presented.substr(kSignaturePrefix.size())));
    if (!sdk::constantTimeEquals(presentedHex, expected))
        return sdk::VerifyResult::reject("signature mismatch");

    // Overflow-free: a timestamp beyond this cannot be within any window of a sane clock.
    constexpr std::int64_t kMaxSeconds = std::numeric_limits<std::int64_t>::max() / 1000 / 2;
    if (*timestampS > kMaxSeconds || request.receivedAtMs < 0 ||
        request.receivedAtMs > kMaxSeconds * 1000)
        return sdk::VerifyResult::reject("stale timestamp");
    const std::int64_t distanceMs = request.receivedAtMs - *timestampS * 1000;
    if (distanceMs > toleranceMs_ || distanceMs < -toleranceMs_)
        return sdk::VerifyResult::reject("stale timestamp");
    return sdk::VerifyResult::ok();
}

std::vector<sdk::WebhookEvent> Telecom23Plugin::parse(const sdk::HttpRequest& request) const {
    Object::Ptr body = sdk::parseWebhookObject(request);

    std::optional<std::string> ref;
    for (const char* key : {"message_id", "messageId"}) {
        if (!body->has(key)) continue;
        if (!body->get(key).isString()) throw BadInput(std::string(key) + " must be a string");
        std::string value = body->getValue<std::string>(key);
        if (value.empty()) throw BadInput(std::string(key) + " is empty");
        // Two different ids would attribute the status to a message chosen by key order.
        if (ref && *ref != value) throw BadInput("message_id and messageId disagree");
        ref = std::move(value);
    }
    if (!ref) throw BadInput("missing message_id (or messageId)");

    if (!body->has("status")) throw BadInput("missing status");
    if (!body->get("status").isString()) throw BadInput("status must be a string");
    std::string status = body->getValue<std::string>("status");
    if (status.empty()) throw BadInput("status is empty");

    sdk::DeliveryReceipt receipt;
    receipt.providerRef = std::move(*ref);
    receipt.rawStatus = std::move(status);
    for (const char* key : {"error_code", "errorCode"}) {
        if (auto code = optionalText(*body, key)) {
            receipt.errorCode = *code;
            break;
        }
    }
    if (receipt.errorCode.empty()) {
        for (const char* key : {"status_code", "statusCode"}) {
            // SMPP receipts carry err:000 for "no error"; a delivered report is no error.
            if (auto code = optionalText(*body, key); code && !isAllZeros(*code)) {
                receipt.errorCode = *code;
                break;
            }
        }
    }
    for (const char* key : {"error_message", "errorMessage", "description"}) {
        if (auto text = optionalString(*body, key)) {
            receipt.errorMessage = sdk::excerpt(*text);
            break;
        }
    }
    return {std::move(receipt)};
}

sdk::ProviderRequest Telecom23Plugin::buildSend(const sdk::OutboundMessage& message) const {
    if (Poco::trim(message.to).empty()) throw BadInput("empty recipient");
    std::string sender;
    if (message.from && !Poco::trim(*message.from).empty()) {
        sender = *message.from;
    } else if (senderId_) {
        sender = *senderId_;
    } else {
        throw BadInput("no sender: the message has no 'from' and config sender_id is not set");
    }

    Poco::JSON::Array::Ptr to = new Poco::JSON::Array;
    to->add(message.to);
    // Key order as in [send]'s examples, for readable dry-run records.
    Object body(Poco::JSON_PRESERVE_KEY_ORDER);
    body.set("to", to);
    body.set("message", message.text);
    body.set("sender_id", sender);
    sdk::ProviderRequest request = sdk::jsonPostRequest(sendUrl_, "X-API-Key", apiKey_, body);
    request.sender = sender;
    return request;
}

sdk::SendResult Telecom23Plugin::parseSendResponse(const sdk::HttpResponse& response) const {
    const int status = response.status;
    Object::Ptr json = sdk::parseObjectOrNull(response.body);
    sdk::SendResult result;

    if (sdk::isSuccessStatus(status)) {
        if (json && sdk::isFalseFlag(*json, "status")) {
            result.outcome = sdk::SendOutcome::Rejected;
            result.errorCode = optionalText(*json, "error_code").value_or("provider_rejected");
            result.errorMessage = errorText(json, response.body);
            return result;
        }
        Object::Ptr recipient = json ? firstObjectIn(*json, "results") : nullptr;
        if (recipient) {
            std::string state = optionalText(*recipient, "status").value_or("accepted");
            if (Poco::icompare(state, "accepted") != 0) {
                // We send one recipient per request and batches are all-or-nothing
                // [overview], so a queue failure left nothing queued and a resend cannot
                // duplicate; blocked/config errors need a person, not a retry.
                result.outcome = Poco::icompare(state, "queue_error") == 0
                                     ? sdk::SendOutcome::Retry
                                     : sdk::SendOutcome::Rejected;
                result.errorCode = state;
                result.errorMessage = errorText(recipient, "recipient " + state);
                return result;
            }
        }
        result.outcome = sdk::SendOutcome::Accepted;
        if (recipient) result.providerRef = optionalText(*recipient, "message_id").value_or("");
        if (result.providerRef.empty() && json) {
            if (auto message = firstObjectIn(*json, "messages"))
                result.providerRef = optionalText(*message, "message_id").value_or("");
        }
        if (result.providerRef.empty() && json)
            result.providerRef = optionalText(*json, "message_id").value_or("");
        if (result.providerRef.empty()) {
            // Accepted all the same: a retry could send the SMS twice, while a lost id only
            // costs the delivery receipts.
            result.errorCode = "missing_message_id";
            result.errorMessage = sdk::excerpt("2xx answer without a message_id: " + response.body);
        }
        return result;
    }

    // 500 DB_ERROR is documented as safe to retry [overview], and 402 balance, 401/403
    // credentials and validation errors need someone to change something: both as the
    // generic HTTP classification has it.
    return sdk::classifyHttpFailure(response,
                                    (json ? optionalText(*json, "error_code") : std::nullopt)
                                        .value_or(sdk::httpErrorCode(status)),
                                    errorText(json, response.body));
}

}  // namespace switchboard::plugins::telecom23
