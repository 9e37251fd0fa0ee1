#include "ExtremePlugin.h"

#include "switchboard/sdk/Plugin.h"

#include <Poco/Dynamic/Var.h>
#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/String.h>
#include <Poco/URI.h>

#include <charconv>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <string_view>

namespace switchboard::plugins::extreme {
namespace {

using Poco::JSON::Object;
using sdk::BadInput;

constexpr const char* kDefaultBaseUrl = "https://extremesms.net";
constexpr const char* kDefaultSendPath = "/api/v2/sms/sendsingle";
constexpr const char* kDefaultSecretHeader = "X-Webhook-Secret";
constexpr std::size_t kMaxErrorBytes = 200;

// Doubles hold every integer exactly only up to 2^53; beyond that "integral" is an artefact.
constexpr double kMaxExactDouble = 9007199254740992.0;

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

// JSON scalar → text. The provider sends modem, port, id and numbers sometimes as strings,
// sometimes as numbers; "3" and 3 must give the same reply context.
std::optional<std::string> scalarText(const Poco::Dynamic::Var& value) {
    if (value.isEmpty()) return std::nullopt;
    if (value.isString()) return value.extract<std::string>();
    // Checked before isInteger(): Poco counts bool as an integer.
    if (value.isBoolean()) return std::nullopt;
    if (value.isInteger()) {
        return value.isSigned() ? std::to_string(value.convert<Poco::Int64>())
                                : std::to_string(value.convert<Poco::UInt64>());
    }
    if (value.isNumeric()) {
        double d = value.convert<double>();
        if (std::isfinite(d) && std::trunc(d) == d && std::fabs(d) < kMaxExactDouble)
            return std::to_string(static_cast<long long>(d));
        return value.convert<std::string>();
    }
    return std::nullopt;
}

// The field's text, nullopt when absent or null; BadInput when it is not a scalar, since
// guessing a text for an object or a boolean would store a wrong sender or context.
std::optional<std::string> fieldText(const Object& object, const std::string& key) {
    if (!object.has(key) || object.isNull(key)) return std::nullopt;
    auto text = scalarText(object.get(key));
    if (!text) throw BadInput("field '" + key + "' must be a string or a number");
    return text;
}

// Lenient variant for provider responses, where a surprising shape must not throw.
std::optional<std::string> optionalText(const Object& object, const std::string& key) {
    if (!object.has(key) || object.isNull(key)) return std::nullopt;
    try {
        auto text = scalarText(object.get(key));
        if (text && text->empty()) return std::nullopt;
        return text;
    } catch (const Poco::Exception&) {
        return std::nullopt;
    }
}

Object::Ptr optionalObject(const Object& object, const std::string& key) {
    if (!object.has(key) || object.isNull(key)) return nullptr;
    Poco::Dynamic::Var value = object.get(key);
    if (value.type() != typeid(Object::Ptr)) return nullptr;
    return value.extract<Object::Ptr>();
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
        if (auto message = optionalText(*json, "message")) return excerpt(*message);
        if (auto error = optionalText(*json, "error")) return excerpt(*error);
        if (auto error = optionalObject(*json, "error")) {
            if (auto message = optionalText(*error, "message")) return excerpt(*message);
        }
    }
    return excerpt(body);
}

bool reportsFailure(const Object& json) {
    if (json.has("success") && !json.isNull("success")) {
        Poco::Dynamic::Var success = json.get("success");
        if (success.isBoolean() && !success.extract<bool>()) return true;
        if (success.isString() && Poco::icompare(success.extract<std::string>(), "false") == 0)
            return true;
    }
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
    if (auto data = optionalObject(json, "data")) {
        for (const char* key : {"id", "message_id", "messageId"}) {
            if (auto ref = optionalText(*data, key)) return *ref;
        }
    }
    return {};
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

Object::Ptr property(const std::string& type, const std::string& description) {
    Object::Ptr p = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    p->set("type", type);
    p->set("description", description);
    return p;
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
    Object::Ptr properties = new Object(Poco::JSON_PRESERVE_KEY_ORDER);

    auto baseUrl = property("string", "ExtremeSMS API base URL (scheme and host, no path).");
    baseUrl->set("default", kDefaultBaseUrl);
    properties->set("base_url", baseUrl);

    auto apiKey = property("string", "ExtremeSMS API key, sent as 'Authorization: Bearer'.");
    apiKey->set("required", true);
    apiKey->set("secret", true);
    properties->set("api_key", apiKey);

    auto secret = property("string",
                           "Shared secret the webhook must carry in webhook_secret_header. "
                           "Omit to rely on the host's IP allow-list only.");
    secret->set("required", false);
    secret->set("secret", true);
    properties->set("webhook_secret", secret);

    auto header = property("string", "Request header that carries webhook_secret.");
    header->set("default", kDefaultSecretHeader);
    properties->set("webhook_secret_header", header);

    auto sendPath = property("string", "Path of the send endpoint, appended to base_url.");
    sendPath->set("default", kDefaultSendPath);
    properties->set("send_path", sendPath);

    auto inbound = property("string_map",
                            "Webhook JSON field names, overriding per key: sender, receiver, "
                            "message, id, modem, port.");
    inbound->set("default", stringMap({{"sender", in.sender},
                                       {"receiver", in.receiver},
                                       {"message", in.message},
                                       {"id", in.id},
                                       {"modem", in.modem},
                                       {"port", in.port}}));
    properties->set("inbound_fields", inbound);

    auto send = property("string_map",
                         "Send request JSON field names, overriding per key: recipient, "
                         "message, modem, port.");
    send->set("default", stringMap({{"recipient", out.recipient},
                                    {"message", out.message},
                                    {"modem", out.modem},
                                    {"port", out.port}}));
    properties->set("send_fields", send);

    Object schema;
    schema.set("properties", properties);

    sdk::PluginInfo info;
    info.name = "extreme";
    info.version = "1.0.0";
    info.configSchemaJson = sdk::toJson(schema);
    info.defaultStatusTableJson = "{}";
    return info;
}

ExtremePlugin::ExtremePlugin(const sdk::InstanceConfig& config) {
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

    if (config.has("webhook_secret")) {
        // An unset environment variable resolving to "" must not silently disable the check.
        std::string secret = config.getString("webhook_secret");
        if (secret.empty())
            throw BadInput("webhook_secret is empty; remove the key to disable the check");
        webhookSecret_ = std::move(secret);
    }
    webhookSecretHeader_ =
        Poco::trim(config.getString("webhook_secret_header", kDefaultSecretHeader));
    if (!isHeaderToken(webhookSecretHeader_))
        throw BadInput("webhook_secret_header is not a valid header name: '" +
                       webhookSecretHeader_ + "'");

    applyFieldMap(config, "inbound_fields",
                  {{"sender", &inbound_.sender},
                   {"receiver", &inbound_.receiver},
                   {"message", &inbound_.message},
                   {"id", &inbound_.id},
                   {"modem", &inbound_.modem},
                   {"port", &inbound_.port}});
    applyFieldMap(config, "send_fields",
                  {{"recipient", &send_.recipient},
                   {"message", &send_.message},
                   {"modem", &send_.modem},
                   {"port", &send_.port}});
}

bool ExtremePlugin::detect(const sdk::HttpRequest& request) const {
    Object::Ptr body = parseObjectOrNull(request.body);
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
    sdk::requireJsonContentType(request);
    Object::Ptr body = parseObjectOrThrow(request.body);

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

    sdk::ProviderRequest request;
    request.method = "POST";
    request.url = sendUrl_;
    request.headers = {{"Authorization", "Bearer " + apiKey_},
                       {"Content-Type", "application/json"},
                       {"Accept", "application/json"}};
    request.body = sdk::toJson(body);
    return request;
}

sdk::SendResult ExtremePlugin::parseSendResponse(const sdk::HttpResponse& response) const {
    const int status = response.status;
    Object::Ptr json = parseObjectOrNull(response.body);
    sdk::SendResult result;

    if (status >= 200 && status < 300) {
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

sdk::WebhookReply ExtremePlugin::webhookResponse(sdk::WebhookResult /*result*/) const {
    return sdk::WebhookReply{200, "application/json", R"({"success":true})"};
}

}  // namespace switchboard::plugins::extreme
