#include "SmsRetailPlugin.h"

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
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <set>
#include <string_view>

namespace switchboard::plugins::smsretail {
namespace {

using Poco::Dynamic::Var;
using Poco::JSON::Array;
using Poco::JSON::Object;
using sdk::BadInput;

constexpr const char* kDefaultSignatureHeader = "X-Signature";
constexpr const char* kDefaultAuthHeader = "Authorization";
constexpr const char* kDefaultAuthScheme = "Bearer";
constexpr const char* kDefaultResponseIdField = "id";
constexpr std::size_t kMaxErrorBytes = 200;

// Doubles hold every integer exactly only up to 2^53; beyond that "integral" is an artefact.
constexpr double kMaxExactDouble = 9007199254740992.0;

Object::Ptr parseObjectOrNull(const std::string& text) {
    try {
        // A fresh parser per call: Poco's parser keeps state and instances are shared.
        Poco::JSON::Parser parser;
        Var root = parser.parse(text);
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
        Var root = parser.parse(text);
        if (root.type() != typeid(Object::Ptr)) throw BadInput("webhook body is not a JSON object");
        return root.extract<Object::Ptr>();
    } catch (const Poco::Exception& e) {
        throw BadInput("webhook body is not valid JSON: " + e.message());
    }
}

bool isJsonNumber(const Var& value) {
    // Poco counts bool as numeric (and as an integer).
    return !value.isEmpty() && !value.isBoolean() && value.isNumeric();
}

// Exact decimal text of a non-negative JSON integer, or why the value is not one. Callback
// ids and send-response ids must render identically, or the host cannot match them.
struct IntegerText {
    std::optional<std::string> text;
    std::string problem;
};

IntegerText integerText(const Var& value) {
    if (!isJsonNumber(value)) return {std::nullopt, "is not a JSON number"};
    if (value.isInteger()) {
        if (value.isSigned()) {
            auto n = value.convert<Poco::Int64>();
            if (n < 0) return {std::nullopt, "is negative"};
            return {std::to_string(n), {}};
        }
        auto n = value.convert<Poco::UInt64>();
        // Poco 1.11 yields UInt64 only for numbers above Int64's maximum, but wraps
        // 2^64..2^64+3 to 0..3 instead of failing; a small UInt64 is such a wrap.
        if (n <= static_cast<Poco::UInt64>(std::numeric_limits<Poco::Int64>::max()))
            return {std::nullopt, "is out of range"};
        return {std::to_string(n), {}};
    }
    double d = value.convert<double>();
    if (!std::isfinite(d) || std::trunc(d) != d) return {std::nullopt, "is not an integer"};
    if (d < 0) return {std::nullopt, "is negative"};
    if (d >= kMaxExactDouble) return {std::nullopt, "is out of range"};
    return {std::to_string(static_cast<long long>(d)), {}};
}

bool isStringMember(const Object& object, const std::string& key) {
    return object.has(key) && object.get(key).isString();
}

// Text of an optional scalar field; nullopt for anything else, because a DLR must not be
// lost over the shape of a field that only decorates it.
std::optional<std::string> optionalScalarText(const Object& object, const std::string& key) {
    if (!object.has(key) || object.isNull(key)) return std::nullopt;
    Var value = object.get(key);
    if (value.isString()) {
        auto text = value.extract<std::string>();
        if (text.empty()) return std::nullopt;
        return text;
    }
    return integerText(value).text;
}

Object::Ptr optionalObject(const Object& object, const std::string& key) {
    if (!object.has(key) || object.isNull(key)) return nullptr;
    Var value = object.get(key);
    if (value.type() != typeid(Object::Ptr)) return nullptr;
    return value.extract<Object::Ptr>();
}

bool isAsciiDigit(char c) { return c >= '0' && c <= '9'; }

bool allDigits(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s) {
        if (!isAsciiDigit(c)) return false;
    }
    return true;
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

// Provider error text goes into logs and JSON documents: keep it one line, valid UTF-8
// (an HTML error page may be Latin-1), and short, cutting only between characters.
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
        if (isStringMember(*json, "message"))
            return excerpt(json->getValue<std::string>("message"));
        if (isStringMember(*json, "error")) return excerpt(json->getValue<std::string>("error"));
        if (auto error = optionalObject(*json, "error")) {
            if (isStringMember(*error, "message"))
                return excerpt(error->getValue<std::string>("message"));
        }
    }
    return excerpt(body);
}

// The value at a dotted path; an all-digit segment indexes an array.
std::optional<Var> valueAt(const Object::Ptr& root, const std::vector<std::string>& path) {
    Var current = root;
    for (const auto& segment : path) {
        if (current.type() == typeid(Object::Ptr)) {
            auto object = current.extract<Object::Ptr>();
            if (!object || !object->has(segment)) return std::nullopt;
            current = object->get(segment);
        } else if (current.type() == typeid(Array::Ptr) && allDigits(segment)) {
            auto array = current.extract<Array::Ptr>();
            std::size_t index = 0;
            auto [end, error] =
                std::from_chars(segment.data(), segment.data() + segment.size(), index);
            if (!array || error != std::errc() || end != segment.data() + segment.size() ||
                index >= array->size())
                return std::nullopt;
            current = array->get(static_cast<unsigned int>(index));
        } else {
            return std::nullopt;
        }
    }
    return current;
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

// Applies a config string_map over the defaults, refusing what would silently do nothing.
void applyFieldMap(const sdk::InstanceConfig& config, const std::string& key,
                   const std::map<std::string, std::string*>& targets) {
    for (const auto& [name, value] : config.getStringMap(key)) {
        auto target = targets.find(name);
        if (target == targets.end()) {
            std::string known;
            for (const auto& entry : targets) known += (known.empty() ? "" : ", ") + entry.first;
            throw BadInput(key + ": unknown key '" + name + "' (expected one of " + known + ")");
        }
        if (Poco::trim(value).empty()) throw BadInput(key + "." + name + " must not be empty");
        *target->second = value;
    }
    std::set<std::string> seen;
    for (const auto& [name, field] : targets) {
        if (!seen.insert(*field).second)
            throw BadInput(key + ": field name '" + *field + "' is used twice");
    }
}

bool hasControlCharacter(const std::string& s) {
    for (char c : s) {
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) return true;
    }
    return false;
}

bool isHeaderToken(const std::string& s) {
    if (s.empty()) return false;
    for (char c : s) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || isAsciiDigit(c) ||
                  std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
        if (!ok) return false;
    }
    return true;
}

// An optional string key that, when present, must not be empty: YAML `${UNSET_VAR}` resolves
// to "" and must not quietly turn a feature off.
std::optional<std::string> optionalNonEmpty(const sdk::InstanceConfig& config,
                                            const std::string& key, bool trim,
                                            const std::string& whenAbsent) {
    if (!config.has(key)) return std::nullopt;
    std::string value = config.getString(key);
    if (trim) value = Poco::trim(value);
    if (value.empty()) throw BadInput(key + " is empty; remove the key to " + whenAbsent);
    return value;
}

Object::Ptr property(const std::string& type, const std::string& description) {
    Object::Ptr p = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    p->set("type", type);
    p->set("description", description);
    return p;
}

}  // namespace

sdk::PluginInfo SmsRetailPlugin::info() {
    const SendFieldNames fields;
    Object::Ptr properties = new Object(Poco::JSON_PRESERVE_KEY_ORDER);

    auto secret = property("string",
                           "Shared secret for the X-Signature HMAC-SHA256 of each callback's "
                           "raw body. When set, every callback must carry a valid signature.");
    secret->set("required", false);
    secret->set("secret", true);
    properties->set("webhook_secret", secret);

    auto signatureHeader = property("string", "Request header that carries the signature.");
    signatureHeader->set("default", kDefaultSignatureHeader);
    properties->set("signature_header", signatureHeader);

    auto sendUrl = property("string",
                            "Absolute http(s) URL of the JSON send endpoint. Required for "
                            "sending; omit for a delivery-receipt-only instance.");
    sendUrl->set("required", false);
    properties->set("send_url", sendUrl);

    auto apiKey = property("string", "API key sent in auth_header. Required for sending.");
    apiKey->set("required", false);
    apiKey->set("secret", true);
    properties->set("api_key", apiKey);

    auto authHeader = property("string", "Request header that carries the API key.");
    authHeader->set("default", kDefaultAuthHeader);
    properties->set("auth_header", authHeader);

    auto authScheme = property("string",
                               "Prefix of the auth header value, followed by a space and the "
                               "key; \"\" sends the bare key.");
    authScheme->set("default", kDefaultAuthScheme);
    properties->set("auth_scheme", authScheme);

    auto send = property("string_map",
                         "Send request JSON field names, overriding per key: to, text, from, "
                         "reference.");
    Object::Ptr sendDefaults = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    sendDefaults->set("to", fields.to);
    sendDefaults->set("text", fields.text);
    sendDefaults->set("from", fields.from);
    sendDefaults->set("reference", fields.reference);
    send->set("default", sendDefaults);
    properties->set("send_fields", send);

    auto responseId = property("string",
                               "Where the send response holds the message id that callbacks "
                               "will carry: a dotted path such as data.id.");
    responseId->set("default", kDefaultResponseIdField);
    properties->set("response_id_field", responseId);

    Object schema;
    schema.set("properties", properties);

    // Seed 001's normalisation map, keys spelled as the seed spells them. The host retries a
    // lower-cased raw status, so "Delivered" or "QUEUED" still land on these rows.
    Object statuses(Poco::JSON_PRESERVE_KEY_ORDER);
    statuses.set("delivered", "DELIVERED");
    statuses.set("DELIVRD", "DELIVERED");
    statuses.set("sent", "SENT");
    statuses.set("failed", "FAILED");
    statuses.set("undelivered", "FAILED");
    statuses.set("UNDELIV", "FAILED");
    statuses.set("pending", "PENDING");
    statuses.set("queued", "PENDING");

    sdk::PluginInfo info;
    info.name = "smsretail";
    info.version = "1.0.0";
    info.configSchemaJson = sdk::toJson(schema);
    info.defaultStatusTableJson = sdk::toJson(statuses);
    return info;
}

SmsRetailPlugin::SmsRetailPlugin(const sdk::InstanceConfig& config) {
    webhookSecret_ = optionalNonEmpty(config, "webhook_secret", false, "disable signature checks");
    signatureHeader_ = Poco::trim(config.getString("signature_header", kDefaultSignatureHeader));
    if (!isHeaderToken(signatureHeader_))
        throw BadInput("signature_header is not a valid header name: '" + signatureHeader_ + "'");

    sendUrl_ = optionalNonEmpty(config, "send_url", true, "make the instance receive-only");
    if (sendUrl_) {
        try {
            Poco::URI uri(*sendUrl_);
            if ((uri.getScheme() != "https" && uri.getScheme() != "http") || uri.getHost().empty())
                throw BadInput("send_url must be an absolute http(s) URL: '" + *sendUrl_ + "'");
        } catch (const Poco::SyntaxException&) {
            throw BadInput("send_url is not a valid URL: '" + *sendUrl_ + "'");
        }
        if (hasControlCharacter(*sendUrl_) || sendUrl_->find(' ') != std::string::npos)
            throw BadInput("send_url must not contain spaces or control characters");
    }

    apiKey_ = optionalNonEmpty(config, "api_key", true, "make the instance receive-only");
    // Both go into a header line verbatim; a newline there would inject headers.
    if (apiKey_ && hasControlCharacter(*apiKey_))
        throw BadInput("api_key contains control characters");
    authScheme_ = Poco::trim(config.getString("auth_scheme", kDefaultAuthScheme));
    if (hasControlCharacter(authScheme_)) throw BadInput("auth_scheme contains control characters");
    authHeader_ = Poco::trim(config.getString("auth_header", kDefaultAuthHeader));
    if (!isHeaderToken(authHeader_))
        throw BadInput("auth_header is not a valid header name: '" + authHeader_ + "'");
    if (Poco::icompare(authHeader_, "Content-Type") == 0 ||
        Poco::icompare(authHeader_, "Accept") == 0)
        throw BadInput("auth_header must not be " + authHeader_ +
                       ", which the request sets itself");

    applyFieldMap(config, "send_fields",
                  {{"to", &send_.to},
                   {"text", &send_.text},
                   {"from", &send_.from},
                   {"reference", &send_.reference}});

    std::string idField =
        Poco::trim(config.getString("response_id_field", kDefaultResponseIdField));
    if (idField.empty()) throw BadInput("response_id_field must not be empty");
    std::string_view rest = idField;
    while (true) {
        auto dot = rest.find('.');
        std::string segment(rest.substr(0, dot));
        if (segment.empty())
            throw BadInput("response_id_field has an empty path segment: '" + idField + "'");
        responseIdPath_.push_back(std::move(segment));
        if (dot == std::string_view::npos) break;
        rest.remove_prefix(dot + 1);
    }

    // Half a send configuration is almost certainly a mistake, but a receive-only instance is
    // legitimate, so say it at start-up and let buildSend refuse.
    if (sendUrl_.has_value() != apiKey_.has_value())
        sdk::log(SB_LOG_WARNING, sendUrl_ ? "smsretail: send_url is set but api_key is not; "
                                            "this instance cannot send"
                                          : "smsretail: api_key is set but send_url is not; "
                                            "this instance cannot send");
}

bool SmsRetailPlugin::detect(const sdk::HttpRequest& request) const {
    Object::Ptr body = parseObjectOrNull(request.body);
    if (!body || !body->has("id") || !isJsonNumber(body->get("id"))) return false;
    // Without "status" it is no delivery receipt: an ExtremeSMS inbound with an integer id
    // sharing the route would otherwise be claimed here.
    if (!body->has("status")) return false;
    // Seed 001 checks messageId first: a 23 Telecom callback that also has a numeric id is
    // still 23 Telecom's.
    return !isStringMember(*body, "messageId") && !isStringMember(*body, "message_id");
}

sdk::VerifyResult SmsRetailPlugin::verify(const sdk::HttpRequest& request) const {
    if (!webhookSecret_) return sdk::VerifyResult::ok();
    auto presented = request.header(signatureHeader_);
    if (!presented) return sdk::VerifyResult::reject("missing " + signatureHeader_);
    // Signed over request.body as received: re-serialising the JSON would change the bytes.
    const std::string expected = sdk::hmacSha256Hex(*webhookSecret_, request.body);
    // Hex case carries no information; lower-casing the presented value leaks nothing.
    const std::string given = Poco::toLower(Poco::trim(*presented));
    if (!sdk::constantTimeEquals(given, expected))
        return sdk::VerifyResult::reject("signature mismatch");
    return sdk::VerifyResult::ok();
}

std::vector<sdk::WebhookEvent> SmsRetailPlugin::parse(const sdk::HttpRequest& request) const {
    sdk::requireJsonContentType(request);
    Object::Ptr body = parseObjectOrThrow(request.body);

    if (!body->has("id") || body->isNull("id")) throw BadInput("missing field 'id'");
    IntegerText id = integerText(body->get("id"));
    if (!id.text) throw BadInput("field 'id' " + id.problem);

    if (!body->has("status") || body->isNull("status")) throw BadInput("missing field 'status'");
    Var status = body->get("status");
    if (!status.isString()) throw BadInput("field 'status' is not a string");
    auto rawStatus = status.extract<std::string>();
    if (rawStatus.empty()) throw BadInput("field 'status' is empty");

    sdk::DeliveryReceipt receipt;
    receipt.providerRef = std::move(*id.text);
    receipt.rawStatus = std::move(rawStatus);
    receipt.errorCode = optionalScalarText(*body, "error_code").value_or("");
    if (auto error = optionalScalarText(*body, "error")) {
        receipt.errorMessage = excerpt(*error);
    } else if (auto reason = optionalScalarText(*body, "reason")) {
        receipt.errorMessage = excerpt(*reason);
    }
    return {std::move(receipt)};
}

sdk::ProviderRequest SmsRetailPlugin::buildSend(const sdk::OutboundMessage& message) const {
    if (!sendUrl_) throw BadInput("send_url is not configured: this instance cannot send");
    if (!apiKey_) throw BadInput("api_key is not configured: this instance cannot send");
    if (Poco::trim(message.to).empty()) throw BadInput("empty recipient");

    // Key order fixed so dry-run records read the same every time.
    Object body(Poco::JSON_PRESERVE_KEY_ORDER);
    body.set(send_.to, message.to);
    body.set(send_.text, message.text);
    if (message.from && !Poco::trim(*message.from).empty()) body.set(send_.from, *message.from);
    body.set(send_.reference, message.messageId);

    sdk::ProviderRequest request;
    request.method = "POST";
    request.url = *sendUrl_;
    request.headers = {{authHeader_, authScheme_.empty() ? *apiKey_ : authScheme_ + " " + *apiKey_},
                       {"Content-Type", "application/json"},
                       {"Accept", "application/json"}};
    request.body = sdk::toJson(body);
    return request;
}

sdk::SendResult SmsRetailPlugin::parseSendResponse(const sdk::HttpResponse& response) const {
    const int status = response.status;
    Object::Ptr json = parseObjectOrNull(response.body);
    sdk::SendResult result;

    if (status >= 200 && status < 300) {
        // Accepted even without an id: the provider took the message, and retrying it would
        // send it twice. Only the delivery callbacks are lost, which the log says.
        result.outcome = sdk::SendOutcome::Accepted;
        if (json) {
            if (auto value = valueAt(json, responseIdPath_)) {
                if (value->isString()) {
                    result.providerRef = Poco::trim(value->extract<std::string>());
                } else {
                    result.providerRef = integerText(*value).text.value_or("");
                }
            }
        }
        if (result.providerRef.empty())
            sdk::log(SB_LOG_WARNING,
                     "smsretail: send accepted (HTTP " + std::to_string(status) +
                         ") but the response has no usable id at response_id_field; delivery "
                         "callbacks for this message cannot be matched");
        return result;
    }

    result.errorCode = "http_" + std::to_string(status);
    result.errorMessage = errorText(json, response.body);
    if (status == 429) {
        result.outcome = sdk::SendOutcome::Throttled;
        result.retryAfterSeconds = retryAfterSeconds(response);
    } else if (status == 408 || (status >= 500 && status <= 599)) {
        result.outcome = sdk::SendOutcome::Retry;
        result.retryAfterSeconds = retryAfterSeconds(response);
    } else {
        // 4xx, and 1xx/3xx the host does not follow: the same request cannot succeed later.
        result.outcome = sdk::SendOutcome::Rejected;
    }
    return result;
}

sdk::WebhookReply SmsRetailPlugin::webhookResponse(sdk::WebhookResult /*result*/) const {
    return sdk::WebhookReply{200, "application/json", R"({"success":true})"};
}

}  // namespace switchboard::plugins::smsretail
