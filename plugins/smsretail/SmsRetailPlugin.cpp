#include "SmsRetailPlugin.h"

#include "switchboard/sdk/ConfigChecks.h"
#include "switchboard/sdk/ConfigSchema.h"
#include "switchboard/sdk/Crypto.h"
#include "switchboard/sdk/JsonAccess.h"
#include "switchboard/sdk/Plugin.h"
#include "switchboard/sdk/ProviderText.h"
#include "switchboard/sdk/SendRequests.h"
#include "switchboard/sdk/SendResponses.h"

#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/String.h>

#include <charconv>
#include <cmath>
#include <limits>
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

// Exact decimal text of a non-negative JSON integer, or why the value is not one. Callback
// ids and send-response ids must render identically, or the host cannot match them.
struct IntegerText {
    std::optional<std::string> text;
    std::string problem;
};

IntegerText integerText(const Var& value) {
    if (!sdk::isJsonNumber(value)) return {std::nullopt, "is not a JSON number"};
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
    if (d >= sdk::kMaxExactJsonInteger) return {std::nullopt, "is out of range"};
    return {std::to_string(static_cast<long long>(d)), {}};
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

bool allDigits(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s) {
        if (c < '0' || c > '9') return false;
    }
    return true;
}

std::string errorText(const Object::Ptr& json, const std::string& body) {
    if (json) {
        if (sdk::isStringMember(*json, "message"))
            return sdk::excerpt(json->getValue<std::string>("message"));
        if (sdk::isStringMember(*json, "error"))
            return sdk::excerpt(json->getValue<std::string>("error"));
        if (auto error = sdk::optionalObject(*json, "error")) {
            if (sdk::isStringMember(*error, "message"))
                return sdk::excerpt(error->getValue<std::string>("message"));
        }
    }
    return sdk::excerpt(body);
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

}  // namespace

sdk::PluginInfo SmsRetailPlugin::info() {
    const SendFieldNames fields;
    sdk::ConfigSchema schema;

    auto secret = schema.add("webhook_secret", "string",
                             "Shared secret for the X-Signature HMAC-SHA256 of each callback's "
                             "raw body. When set, every callback must carry a valid signature.");
    secret->set("required", false);
    secret->set("secret", true);

    schema.add("signature_header", "string", "Request header that carries the signature.")
        ->set("default", kDefaultSignatureHeader);

    auto sendUrl = schema.add("send_url", "string",
                              "Absolute http(s) URL of the JSON send endpoint. Required for "
                              "sending; omit for a delivery-receipt-only instance.");
    sendUrl->set("required", false);

    auto apiKey =
        schema.add("api_key", "string", "API key sent in auth_header. Required for sending.");
    apiKey->set("required", false);
    apiKey->set("secret", true);

    schema.add("auth_header", "string", "Request header that carries the API key.")
        ->set("default", kDefaultAuthHeader);

    auto authScheme = schema.add("auth_scheme", "string",
                                 "Prefix of the auth header value, followed by a space and the "
                                 "key; \"\" sends the bare key.");
    authScheme->set("default", kDefaultAuthScheme);

    auto send = schema.add("send_fields", "string_map",
                           "Send request JSON field names, overriding per key: to, text, from, "
                           "reference.");
    Object::Ptr sendDefaults = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    sendDefaults->set("to", fields.to);
    sendDefaults->set("text", fields.text);
    sendDefaults->set("from", fields.from);
    sendDefaults->set("reference", fields.reference);
    send->set("default", sendDefaults);

    auto responseId = schema.add("response_id_field", "string",
                                 "Where the send response holds the message id that callbacks "
                                 "will carry: a dotted path such as data.id.");
    responseId->set("default", kDefaultResponseIdField);

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
    info.configSchemaJson = schema.json();
    info.defaultStatusTableJson = sdk::toJson(statuses);
    return info;
}

SmsRetailPlugin::SmsRetailPlugin(const sdk::InstanceConfig& config) {
    webhookSecret_ = sdk::optionalNonEmpty(config, "webhook_secret", "disable signature checks");
    signatureHeader_ = sdk::headerNameSetting(config, "signature_header", kDefaultSignatureHeader);

    sendUrl_ = sdk::optionalNonEmpty(config, "send_url", "make the instance receive-only",
                                     sdk::Whitespace::Trim);
    if (sendUrl_) {
        sdk::requireHttpUrl("send_url", *sendUrl_);
        sdk::rejectSpacesOrControlCharacters("send_url", *sendUrl_);
    }

    apiKey_ = sdk::optionalNonEmpty(config, "api_key", "make the instance receive-only",
                                    sdk::Whitespace::Trim);
    if (apiKey_) sdk::rejectControlCharacters("api_key", *apiKey_);
    authScheme_ = Poco::trim(config.getString("auth_scheme", kDefaultAuthScheme));
    sdk::rejectControlCharacters("auth_scheme", authScheme_);
    authHeader_ = sdk::headerNameSetting(config, "auth_header", kDefaultAuthHeader);
    if (Poco::icompare(authHeader_, "Content-Type") == 0 ||
        Poco::icompare(authHeader_, "Accept") == 0)
        throw BadInput("auth_header must not be " + authHeader_ +
                       ", which the request sets itself");

    sdk::applyFieldMap(config, "send_fields",
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
    Object::Ptr body = sdk::parseObjectOrNull(request.body);
    if (!body || !body->has("id") || !sdk::isJsonNumber(body->get("id"))) return false;
    // Without "status" it is no delivery receipt: an ExtremeSMS inbound with an integer id
    // sharing the route would otherwise be claimed here.
    if (!body->has("status")) return false;
    // Seed 001 checks messageId first: a 23 Telecom callback that also has a numeric id is
    // still 23 Telecom's.
    return !sdk::isStringMember(*body, "messageId") && !sdk::isStringMember(*body, "message_id");
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
    Object::Ptr body = sdk::parseWebhookObject(request);

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
        receipt.errorMessage = sdk::excerpt(*error);
    } else if (auto reason = optionalScalarText(*body, "reason")) {
        receipt.errorMessage = sdk::excerpt(*reason);
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
    sdk::ProviderRequest request =
        sdk::jsonPostRequest(*sendUrl_, authHeader_,
                             authScheme_.empty() ? *apiKey_ : authScheme_ + " " + *apiKey_, body);
    // Without a "from" the provider's account default is used, which is not known here.
    if (message.from && !Poco::trim(*message.from).empty()) request.sender = *message.from;
    return request;
}

sdk::SendResult SmsRetailPlugin::parseSendResponse(const sdk::HttpResponse& response) const {
    const int status = response.status;
    Object::Ptr json = sdk::parseObjectOrNull(response.body);
    if (!sdk::isSuccessStatus(status))
        return sdk::classifyHttpFailure(response, sdk::httpErrorCode(status),
                                        errorText(json, response.body));

    // Accepted even without an id: the provider took the message, and retrying it would
    // send it twice. Only the delivery callbacks are lost, which the log says.
    sdk::SendResult result;
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

}  // namespace switchboard::plugins::smsretail
