#include "Telecom23Plugin.h"

#include "switchboard/sdk/Crypto.h"
#include "switchboard/sdk/Plugin.h"

#include <Poco/Dynamic/Var.h>
#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/String.h>
#include <Poco/URI.h>

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
constexpr std::size_t kMaxErrorBytes = 200;

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

Object::Ptr parseObjectOrNull(const std::string& text) {
    try {
        // A fresh parser per call: Poco's parser keeps state and instances are shared.
        Poco::JSON::Parser parser;
        Poco::Dynamic::Var root = parser.parse(text);
        if (root.type() != typeid(Object::Ptr)) return nullptr;
        return root.extract<Object::Ptr>();
    } catch (const Poco::Exception&) {
        return nullptr;
    } catch (const std::exception&) {
        return nullptr;
    }
}

Object::Ptr parseObjectOrThrow(const std::string& text) {
    try {
        Poco::JSON::Parser parser;
        Poco::Dynamic::Var root = parser.parse(text);
        if (root.type() != typeid(Object::Ptr)) throw BadInput("webhook body is not a JSON object");
        return root.extract<Object::Ptr>();
    } catch (const Poco::Exception& e) {
        throw BadInput("webhook body is not valid JSON: " + e.message());
    }
}

bool isStringField(const Object& object, const std::string& key) {
    return object.has(key) && object.get(key).isString();
}

// Integers are accepted for codes because carriers' numeric codes often lose their quotes
// on the way; anything else (object, array, boolean, float) carries no usable code.
std::optional<std::string> scalarText(const Poco::Dynamic::Var& value) {
    try {
        if (value.isEmpty()) return std::nullopt;
        if (value.isString()) return value.extract<std::string>();
        if (value.isBoolean()) return std::nullopt;  // Poco counts bool as an integer
        if (value.isInteger()) {
            return value.isSigned() ? std::to_string(value.convert<Poco::Int64>())
                                    : std::to_string(value.convert<Poco::UInt64>());
        }
    } catch (const Poco::Exception&) {
    }
    return std::nullopt;
}

std::optional<std::string> optionalText(const Object& object, const std::string& key) {
    if (!object.has(key) || object.isNull(key)) return std::nullopt;
    auto text = scalarText(object.get(key));
    if (text && text->empty()) return std::nullopt;
    return text;
}

std::optional<std::string> optionalString(const Object& object, const std::string& key) {
    if (!isStringField(object, key)) return std::nullopt;
    std::string text = object.getValue<std::string>(key);
    if (text.empty()) return std::nullopt;
    return text;
}

Object::Ptr optionalObject(const Object& object, const std::string& key) {
    if (!object.has(key) || object.isNull(key)) return nullptr;
    Poco::Dynamic::Var value = object.get(key);
    if (value.type() != typeid(Object::Ptr)) return nullptr;
    return value.extract<Object::Ptr>();
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

// Length of the valid UTF-8 sequence starting at s[i], or 0 when it is not valid.
std::size_t utf8SequenceLength(std::string_view s, std::size_t i) {
    auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    unsigned char lead = byte(i);
    std::size_t length = 0;
    unsigned int codepoint = 0;
    if (lead < 0x80) return 1;
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
        codepoint = lead & 0x1Fu;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        codepoint = lead & 0x0Fu;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        codepoint = lead & 0x07u;
    } else {
        return 0;
    }
    if (i + length > s.size()) return 0;
    for (std::size_t k = 1; k < length; ++k) {
        if ((byte(i + k) & 0xC0u) != 0x80u) return 0;
        codepoint = (codepoint << 6) | (byte(i + k) & 0x3Fu);
    }
    // Overlong forms, UTF-16 surrogates and values beyond U+10FFFF are not valid UTF-8.
    static constexpr unsigned int kMinForLength[] = {0, 0, 0x80, 0x800, 0x10000};
    if (codepoint < kMinForLength[length]) return 0;
    if (codepoint >= 0xD800 && codepoint <= 0xDFFF) return 0;
    if (codepoint > 0x10FFFF) return 0;
    return length;
}

// Provider text goes into logs and JSON documents: keep it one line, valid UTF-8 (an edge
// proxy's HTML page may be Latin-1) and short, cutting only between characters.
std::string excerpt(std::string_view text) {
    std::string out;
    std::size_t i = 0;
    bool lastWasSpace = false;
    while (i < text.size()) {
        std::size_t length = utf8SequenceLength(text, i);
        std::string_view piece = length ? text.substr(i, length) : std::string_view("?");
        i += length ? length : 1;
        if (piece.size() == 1 && static_cast<unsigned char>(piece[0]) < 0x20) piece = " ";
        if (piece == " ") {
            if (lastWasSpace || out.empty()) continue;
            lastWasSpace = true;
        } else {
            lastWasSpace = false;
        }
        if (out.size() + piece.size() > kMaxErrorBytes) break;
        out.append(piece);
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
}

std::string errorText(const Object::Ptr& json, const std::string& body) {
    if (json) {
        for (const char* key : {"description", "message", "error"}) {
            if (auto text = optionalString(*json, key)) return excerpt(*text);
        }
        if (auto error = optionalObject(*json, "error")) {
            if (auto text = optionalString(*error, "message")) return excerpt(*text);
        }
    }
    return excerpt(body);
}

bool statusIsFalse(const Object& json) {
    if (!json.has("status") || json.isNull("status")) return false;
    Poco::Dynamic::Var status = json.get("status");
    if (status.isBoolean()) return !status.extract<bool>();
    if (status.isString()) return Poco::icompare(status.extract<std::string>(), "false") == 0;
    return false;
}

std::optional<int> retryAfterSeconds(const sdk::HttpResponse& response) {
    auto header = response.header("Retry-After");
    if (!header) return std::nullopt;
    std::string value = Poco::trim(*header);
    int seconds = 0;
    auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), seconds);
    if (error != std::errc() || end != value.data() + value.size() || seconds < 0)
        return std::nullopt;
    return seconds;
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

bool hasControlCharacter(const std::string& s) {
    for (char c : s) {
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) return true;
    }
    return false;
}

// An unset environment variable resolves to "", which must not silently disable a check.
std::optional<std::string> optionalSecret(const sdk::InstanceConfig& config,
                                          const std::string& key) {
    if (!config.has(key)) return std::nullopt;
    std::string value = config.getString(key);
    if (value.empty()) throw BadInput(key + " is empty; remove the key to disable the check");
    return value;
}

Object::Ptr property(const std::string& type, const std::string& description) {
    Object::Ptr p = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    p->set("type", type);
    p->set("description", description);
    return p;
}

}  // namespace

sdk::PluginInfo Telecom23Plugin::info() {
    Object::Ptr properties = new Object(Poco::JSON_PRESERVE_KEY_ORDER);

    auto apiKey = property("string", "23 Telecom API key, sent only as the X-API-Key header.");
    apiKey->set("required", true);
    apiKey->set("secret", true);
    properties->set("api_key", apiKey);

    auto baseUrl = property("string", "23 Telecom API base URL (scheme and host, no path).");
    baseUrl->set("default", kDefaultBaseUrl);
    properties->set("base_url", baseUrl);

    auto sendPath = property("string", "Path of the send endpoint, appended to base_url.");
    sendPath->set("default", kDefaultSendPath);
    properties->set("send_path", sendPath);

    auto senderId = property("string",
                             "Default sender_id (alphanumeric, 3-11 characters, or a phone "
                             "number) for messages without a 'from'.");
    senderId->set("required", false);
    properties->set("sender_id", senderId);

    auto token = property("string",
                          "When set, delivery webhooks must carry ?token=<this value>. "
                          "Put it in the delivery_url configured at 23 Telecom.");
    token->set("required", false);
    token->set("secret", true);
    properties->set("webhook_token", token);

    auto secret = property("string",
                           "23 Telecom webhook signing secret; when set, X-Webhook-Timestamp "
                           "and X-Webhook-Signature are required and checked.");
    secret->set("required", false);
    secret->set("secret", true);
    properties->set("webhook_secret", secret);

    auto tolerance = property("integer",
                              "Largest accepted distance, in seconds, between "
                              "X-Webhook-Timestamp and the time the request was received.");
    tolerance->set("default", kDefaultToleranceS);
    properties->set("signature_tolerance_s", tolerance);

    Object schema;
    schema.set("properties", properties);

    sdk::PluginInfo info;
    info.name = "telecom23";
    info.version = "1.0.0";
    info.configSchemaJson = sdk::toJson(schema);
    info.defaultStatusTableJson = kDefaultStatusTable;
    return info;
}

Telecom23Plugin::Telecom23Plugin(const sdk::InstanceConfig& config) {
    apiKey_ = Poco::trim(config.getString("api_key"));
    if (apiKey_.empty()) throw BadInput("api_key is required");
    // It goes into a header line verbatim; a newline there would inject headers.
    if (hasControlCharacter(apiKey_)) throw BadInput("api_key contains control characters");

    std::string baseUrl = Poco::trim(config.getString("base_url", kDefaultBaseUrl));
    try {
        Poco::URI uri(baseUrl);
        if ((uri.getScheme() != "https" && uri.getScheme() != "http") || uri.getHost().empty())
            throw BadInput("base_url must be an absolute http(s) URL: '" + baseUrl + "'");
    } catch (const Poco::SyntaxException&) {
        throw BadInput("base_url is not a valid URL: '" + baseUrl + "'");
    }
    while (!baseUrl.empty() && baseUrl.back() == '/') baseUrl.pop_back();
    std::string sendPath = Poco::trim(config.getString("send_path", kDefaultSendPath));
    if (hasControlCharacter(sendPath) || sendPath.find(' ') != std::string::npos)
        throw BadInput("send_path must not contain spaces or control characters");
    if (!sendPath.empty() && sendPath.front() != '/') sendPath.insert(sendPath.begin(), '/');
    sendUrl_ = baseUrl + sendPath;

    if (config.has("sender_id")) {
        std::string sender = Poco::trim(config.getString("sender_id"));
        if (hasControlCharacter(sender)) throw BadInput("sender_id contains control characters");
        if (!sender.empty()) senderId_ = std::move(sender);
    }

    webhookToken_ = optionalSecret(config, "webhook_token");
    webhookSecret_ = optionalSecret(config, "webhook_secret");

    long long tolerance = config.getInt("signature_tolerance_s", kDefaultToleranceS);
    if (tolerance < 1 || tolerance > kMaxToleranceS)
        throw BadInput("signature_tolerance_s must be between 1 and " +
                       std::to_string(kMaxToleranceS) + " seconds");
    toleranceMs_ = static_cast<std::int64_t>(tolerance) * 1000;
}

bool Telecom23Plugin::detect(const sdk::HttpRequest& request) const {
    Object::Ptr body = parseObjectOrNull(request.body);
    if (!body) return false;
    return isStringField(*body, "message_id") || isStringField(*body, "messageId");
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
    sdk::requireJsonContentType(request);
    Object::Ptr body = parseObjectOrThrow(request.body);

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
            receipt.errorMessage = excerpt(*text);
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

    sdk::ProviderRequest request;
    request.method = "POST";
    request.url = sendUrl_;
    request.headers = {{"X-API-Key", apiKey_},
                       {"Content-Type", "application/json"},
                       {"Accept", "application/json"}};
    request.body = sdk::toJson(body);
    return request;
}

sdk::SendResult Telecom23Plugin::parseSendResponse(const sdk::HttpResponse& response) const {
    const int status = response.status;
    Object::Ptr json = parseObjectOrNull(response.body);
    sdk::SendResult result;

    if (status >= 200 && status < 300) {
        if (json && statusIsFalse(*json)) {
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
            result.errorMessage = excerpt("2xx answer without a message_id: " + response.body);
        }
        return result;
    }

    result.errorCode = (json ? optionalText(*json, "error_code") : std::nullopt)
                           .value_or("http_" + std::to_string(status));
    result.errorMessage = errorText(json, response.body);
    if (status == 429) {
        result.outcome = sdk::SendOutcome::Throttled;
        result.retryAfterSeconds = retryAfterSeconds(response);
    } else if (status == 408 || (status >= 500 && status <= 599)) {
        result.outcome = sdk::SendOutcome::Retry;
        result.retryAfterSeconds = retryAfterSeconds(response);
    } else {
        // 4xx (402 balance, 401/403 credentials, validation), and 1xx/3xx the host does
        // not follow: the same request cannot succeed without someone changing something.
        result.outcome = sdk::SendOutcome::Rejected;
    }
    return result;
}

sdk::WebhookReply Telecom23Plugin::webhookResponse(sdk::WebhookResult /*result*/) const {
    return sdk::WebhookReply{200, "application/json", R"({"success":true})"};
}

}  // namespace switchboard::plugins::telecom23
