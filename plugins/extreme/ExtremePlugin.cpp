#include "ExtremePlugin.h"

#include "switchboard/sdk/ConfigChecks.h"
#include "switchboard/sdk/ConfigSchema.h"
#include "switchboard/sdk/JsonAccess.h"
#include "switchboard/sdk/Plugin.h"
#include "switchboard/sdk/ProviderText.h"
#include "switchboard/sdk/SendRequests.h"
#include "switchboard/sdk/SendResponses.h"

#include <Poco/JSON/Object.h>
#include <Poco/String.h>

#include <map>
#include <string_view>

namespace switchboard::plugins::extreme {
namespace {

using Poco::JSON::Object;
using sdk::BadInput;

constexpr const char* kDefaultBaseUrl = "https://extremesms.net";
constexpr const char* kDefaultSendPath = "/api/v2/sms/sendsingle";
constexpr const char* kDefaultSecretHeader = "X-Webhook-Secret";

// The field's text, nullopt when absent or null; BadInput when it is not a scalar, since
// guessing a text for an object or a boolean would store a wrong sender or context. The
// provider sends modem, port and id sometimes as strings, sometimes as numbers; "3" and 3
// must give the same reply context.
std::optional<std::string> fieldText(const Object& object, const std::string& key) {
    if (!object.has(key) || object.isNull(key)) return std::nullopt;
    auto text = sdk::scalarText(object.get(key), sdk::Numbers::All);
    if (!text) throw BadInput("field '" + key + "' must be a string or a number");
    return text;
}

// Lenient variant for provider responses, where a surprising shape must not throw.
std::optional<std::string> optionalText(const Object& object, const std::string& key) {
    return sdk::optionalText(object, key, sdk::Numbers::All);
}

bool isAsciiDigit(char c) { return c >= '0' && c <= '9'; }

bool isE164(std::string_view s) {
    if (s.size() < 8 || s.size() > 16 || s[0] != '+' || s[1] < '1' || s[1] > '9') return false;
    for (std::size_t i = 2; i < s.size(); ++i) {
        if (!isAsciiDigit(s[i])) return false;
    }
    return true;
}

std::string normalisePhone(const std::string& raw) {
    std::string trimmed = Poco::trim(raw);
    std::string compact;
    compact.reserve(trimmed.size() + 1);
    for (char c : trimmed) {
        if (c == ' ' || c == '\t' || c == '-' || c == '(' || c == ')') continue;
        compact += c;
    }
    bool allDigits = !compact.empty();
    for (char c : compact) allDigits = allDigits && isAsciiDigit(c);
    if (compact.starts_with("00")) {
        compact = "+" + compact.substr(2);
    } else if (allDigits) {
        compact.insert(compact.begin(), '+');
    }
    // Short codes and alphanumeric ids are legitimate senders; the host decides about them.
    return isE164(compact) ? compact : trimmed;
}

std::string errorText(const Object::Ptr& json, const std::string& body) {
    if (json) {
        if (auto message = optionalText(*json, "message")) return sdk::excerpt(*message);
        if (auto error = optionalText(*json, "error")) return sdk::excerpt(*error);
        if (auto error = sdk::optionalObject(*json, "error")) {
            if (auto message = optionalText(*error, "message")) return sdk::excerpt(*message);
        }
    }
    return sdk::excerpt(body);
}

bool reportsFailure(const Object& json) {
    if (sdk::isFalseFlag(json, "success")) return true;
    if (auto status = optionalText(json, "status")) {
        std::string lower = Poco::toLower(*status);
        if (lower == "error" || lower == "failed" || lower == "failure") return true;
    }
    return false;
}

std::string providerRef(const Object& json) {
    for (const char* key : {"id", "message_id", "messageId"}) {
        if (auto ref = optionalText(json, key)) return *ref;
    }
    if (auto data = sdk::optionalObject(json, "data")) {
        for (const char* key : {"id", "message_id", "messageId"}) {
            if (auto ref = optionalText(*data, key)) return *ref;
        }
    }
    return {};
}

Object::Ptr stringMap(const std::map<std::string, std::string>& values) {
    Object::Ptr object = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    for (const auto& [k, v] : values) object->set(k, v);
    return object;
}

}  // namespace

sdk::PluginInfo ExtremePlugin::info() {
    const InboundFieldNames in;
    const SendFieldNames out;
    sdk::ConfigSchema schema;

    schema.add("base_url", "string", "ExtremeSMS API base URL (scheme and host, no path).")
        ->set("default", kDefaultBaseUrl);

    auto apiKey =
        schema.add("api_key", "string", "ExtremeSMS API key, sent as 'Authorization: Bearer'.");
    apiKey->set("required", true);
    apiKey->set("secret", true);

    auto secret = schema.add("webhook_secret", "string",
                             "Shared secret the webhook must carry in webhook_secret_header. "
                             "Omit to rely on the host's IP allow-list only.");
    secret->set("required", false);
    secret->set("secret", true);

    schema.add("webhook_secret_header", "string", "Request header that carries webhook_secret.")
        ->set("default", kDefaultSecretHeader);

    schema.add("send_path", "string", "Path of the send endpoint, appended to base_url.")
        ->set("default", kDefaultSendPath);

    auto inbound = schema.add("inbound_fields", "string_map",
                              "Webhook JSON field names, overriding per key: sender, receiver, "
                              "message, id, modem, port.");
    inbound->set("default", stringMap({{"sender", in.sender},
                                       {"receiver", in.receiver},
                                       {"message", in.message},
                                       {"id", in.id},
                                       {"modem", in.modem},
                                       {"port", in.port}}));

    auto send = schema.add("send_fields", "string_map",
                           "Send request JSON field names, overriding per key: recipient, "
                           "message, modem, port.");
    send->set("default", stringMap({{"recipient", out.recipient},
                                    {"message", out.message},
                                    {"modem", out.modem},
                                    {"port", out.port}}));

    sdk::PluginInfo info;
    info.name = "extreme";
    info.version = "1.0.0";
    info.configSchemaJson = schema.json();
    info.defaultStatusTableJson = "{}";
    return info;
}

ExtremePlugin::ExtremePlugin(const sdk::InstanceConfig& config) {
    apiKey_ = sdk::requiredSetting(config, "api_key");
    sdk::rejectControlCharacters("api_key", apiKey_);
    sendUrl_ = sdk::endpointUrl(config, "base_url", kDefaultBaseUrl, "send_path", kDefaultSendPath);
    webhookSecret_ = sdk::optionalNonEmpty(config, "webhook_secret", "disable the check");
    webhookSecretHeader_ =
        sdk::headerNameSetting(config, "webhook_secret_header", kDefaultSecretHeader);

    sdk::applyFieldMap(config, "inbound_fields",
                       {{"sender", &inbound_.sender},
                        {"receiver", &inbound_.receiver},
                        {"message", &inbound_.message},
                        {"id", &inbound_.id},
                        {"modem", &inbound_.modem},
                        {"port", &inbound_.port}});
    sdk::applyFieldMap(config, "send_fields",
                       {{"recipient", &send_.recipient},
                        {"message", &send_.message},
                        {"modem", &send_.modem},
                        {"port", &send_.port}});
}

bool ExtremePlugin::detect(const sdk::HttpRequest& request) const {
    Object::Ptr body = sdk::parseObjectOrNull(request.body);
    if (!body) return false;
    return body->has(inbound_.sender) && (body->has(inbound_.modem) || body->has(inbound_.message));
}

sdk::VerifyResult ExtremePlugin::verify(const sdk::HttpRequest& request) const {
    if (!webhookSecret_) return sdk::VerifyResult::ok();
    auto presented = request.header(webhookSecretHeader_);
    if (!presented) return sdk::VerifyResult::reject("missing " + webhookSecretHeader_);
    if (!sdk::constantTimeEquals(*presented, *webhookSecret_))
        return sdk::VerifyResult::reject("shared secret mismatch");
    return sdk::VerifyResult::ok();
}

std::vector<sdk::WebhookEvent> ExtremePlugin::parse(const sdk::HttpRequest& request) const {
    Object::Ptr body = sdk::parseWebhookObject(request);

    auto sender = fieldText(*body, inbound_.sender);
    if (!sender || Poco::trim(*sender).empty())
        throw BadInput("missing sender field '" + inbound_.sender + "'");
    auto text = fieldText(*body, inbound_.message);
    if (!text) throw BadInput("missing message field '" + inbound_.message + "'");
    auto receiver = fieldText(*body, inbound_.receiver);
    auto id = fieldText(*body, inbound_.id);
    auto modem = fieldText(*body, inbound_.modem);
    auto port = fieldText(*body, inbound_.port);

    sdk::InboundMessage message;
    message.from = normalisePhone(*sender);
    message.to = receiver ? normalisePhone(*receiver) : std::string();
    message.text = std::move(*text);
    message.providerMessageId = id.value_or("");
    // An empty modem/port would make a reply ask for "no modem", which is worse than the
    // provider's default routing.
    if (modem && !modem->empty()) {
        message.replyContext[kContextModem] = *modem;
        message.routingModem = *modem;
    }
    if (port && !port->empty()) {
        message.replyContext[kContextPort] = *port;
        message.routingPort = *port;
    }
    return {std::move(message)};
}

sdk::ProviderRequest ExtremePlugin::buildSend(const sdk::OutboundMessage& message) const {
    if (Poco::trim(message.to).empty()) throw BadInput("empty recipient");

    // Key order kept as in the seed's curl example, for readable dry-run records.
    Object body(Poco::JSON_PRESERVE_KEY_ORDER);
    body.set(send_.recipient, message.to);
    body.set(send_.message, message.text);
    if (message.kind == "reply" && message.replyContext) {
        const auto& context = *message.replyContext;
        if (auto it = context.find(kContextModem); it != context.end() && !it->second.empty())
            body.set(send_.modem, it->second);
        if (auto it = context.find(kContextPort); it != context.end() && !it->second.empty())
            body.set(send_.port, it->second);
    }
    return sdk::jsonPostRequest(sendUrl_, "Authorization", "Bearer " + apiKey_, body);
}

sdk::SendResult ExtremePlugin::parseSendResponse(const sdk::HttpResponse& response) const {
    Object::Ptr json = sdk::parseObjectOrNull(response.body);
    if (!sdk::isSuccessStatus(response.status))
        return sdk::classifyHttpFailure(response, sdk::httpErrorCode(response.status),
                                        errorText(json, response.body));

    sdk::SendResult result;
    if (json && reportsFailure(*json)) {
        result.outcome = sdk::SendOutcome::Rejected;
        result.errorCode =
            optionalText(*json, "code")
                .value_or(optionalText(*json, "error_code").value_or("provider_rejected"));
        result.errorMessage = errorText(json, response.body);
        return result;
    }
    result.outcome = sdk::SendOutcome::Accepted;
    if (json) result.providerRef = providerRef(*json);
    return result;
}

}  // namespace switchboard::plugins::extreme
