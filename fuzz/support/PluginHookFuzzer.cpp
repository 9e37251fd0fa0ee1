#include "support/PluginHookFuzzer.h"

#include "messaging/ProviderRequestCodec.h"
#include "messaging/SmsSegmenter.h"
#include "messaging/WebhookEvents.h"
#include "plugin/PluginLibrary.h"
#include "plugin/ProviderInstance.h"
#include "store/Records.h"
#include "support/Findings.h"
#include "switchboard/sdk/AbiCodec.h"
#include "util/E164.h"
#include "util/JsonText.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/Logger.h>
#include <Poco/NullChannel.h>
#include <Poco/String.h>
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdio>
#include <exception>
#include <initializer_list>
#include <limits>
#include <memory>
#include <string_view>

#ifndef SWITCHBOARD_PLUGIN_DIR
#error "SWITCHBOARD_PLUGIN_DIR must name the directory holding the built sb_*.so plugins"
#endif

namespace switchboard::fuzz {

using plugin::HookResult;
using Poco::JSON::Object;

namespace {

struct Loaded {
    std::unique_ptr<plugin::PluginLibrary> library;
    std::vector<std::unique_ptr<plugin::ProviderInstance>> instances;
    std::string publicBase;
    std::string routePath;
};

Loaded& loaded() {
    static Loaded state;
    return state;
}

std::string without(std::string text, std::string_view drop) {
    std::erase_if(text, [drop](char c) { return drop.find(c) != std::string_view::npos; });
    return text;
}

}  // namespace

const char* statusName(sb_status status) {
    switch (status) {
        case SB_OK:
            return "SB_OK";
        case SB_NOT_MINE:
            return "SB_NOT_MINE";
        case SB_REJECTED:
            return "SB_REJECTED";
        case SB_BAD_INPUT:
            return "SB_BAD_INPUT";
        case SB_ERROR:
            return "SB_ERROR";
    }
    return "unknown status";
}

void requireStatus(const std::string& hook, const HookResult& result,
                   std::initializer_list<sb_status> allowed) {
    for (sb_status s : allowed)
        if (result.status == s) return;
    finding(hook + " returned " + statusName(result.status) + ": " + printable(result.output));
}

// Reasons reach the log (plugin_abi.h: "a one-line human-readable reason"); a line break in
// one would let a payload forge log lines.
void requireReason(const std::string& hook, const HookResult& result) {
    require(!result.output.empty(),
            hook + " gave " + statusName(result.status) + " without a reason");
    require(result.output.find_first_of("\r\n") == std::string::npos,
            hook + " reason spans several lines: " + printable(result.output));
    require(isValidUtf8(result.output),
            hook + " reason is not valid UTF-8: " + printable(result.output));
}

Object::Ptr parsedOutput(const std::string& hook, const HookResult& result) {
    try {
        return util::parseObject(result.output);
    } catch (const std::exception& e) {
        finding(hook + " SB_OK output is not a JSON object (" + e.what() + "): " + result.output);
    }
}

// A member that must be a string when present (or always, when `required`), holding valid
// UTF-8: parsed fields are stored and served to tenants as JSON.
void requireStringMember(const std::string& where, const Object& object, const std::string& key,
                         bool required) {
    if (!object.has(key)) {
        require(!required, where + ": '" + key + "' is missing");
        return;
    }
    const Poco::Dynamic::Var value = object.get(key);
    require(value.isString(), where + ": '" + key + "' is not a string");
    require(isValidUtf8(value.extract<std::string>()),
            where + ": '" + key + "' is not valid UTF-8");
}

namespace {

void requireStringMap(const std::string& where, const Object::Ptr& map) {
    require(!map.isNull(), where + " is not an object");
    for (const auto& [key, value] : *map) {
        require(isValidUtf8(key), where + " has a key that is not valid UTF-8");
        require(value.isString(), where + "." + key + " is not a string");
        require(isValidUtf8(value.extract<std::string>()),
                where + "." + key + " is not valid UTF-8");
    }
}

// plugin_abi.h, parse: {"events": [EVENT...]}, schema version 1.
void checkEvents(const HookResult& result) {
    Object::Ptr root = parsedOutput("parse", result);
    Poco::JSON::Array::Ptr events = root->getArray("events");
    require(!events.isNull(), "parse output has no 'events' array: " + result.output);
    for (std::size_t i = 0; i < events->size(); ++i) {
        const std::string where = "parse events[" + std::to_string(i) + "]";
        Object::Ptr event = events->getObject(static_cast<unsigned>(i));
        require(!event.isNull(), where + " is not an object");
        requireStringMember(where, *event, "type", true);
        const std::string type = event->getValue<std::string>("type");
        if (type == "inbound") {
            for (const char* key : {"from", "to", "text", "provider_message_id"})
                requireStringMember(where, *event, key, true);
            requireStringMap(where + ".reply_context", event->getObject("reply_context"));
            if (event->has("routing")) {
                Object::Ptr routing = event->getObject("routing");
                require(!routing.isNull(), where + ".routing is not an object");
                requireStringMember(where + ".routing", *routing, "modem", true);
                requireStringMember(where + ".routing", *routing, "port", true);
            }
        } else if (type == "delivery_receipt") {
            requireStringMember(where, *event, "provider_ref", true);
            requireStringMember(where, *event, "raw_status", true);
            requireStringMember(where, *event, "error_code", false);
            requireStringMember(where, *event, "error_message", false);
            requireStringMember(where, *event, "callback_id", false);
        } else {
            finding(where + " has unknown type '" + type + "'");
        }
    }
    // What the host makes of the same document (WebhookService's decoder).
    for (const auto& event : sdk::abi::decodeEvents(result.output)) {
        if (const auto* in = std::get_if<sdk::InboundMessage>(&event))
            (void)messaging::InboundEvent::of(*in);
        else if (const auto* receipt = std::get_if<sdk::DeliveryReceipt>(&event))
            (void)messaging::ReceiptEvent::of(*receipt);
    }
}

}  // namespace

// plugin_abi.h, parse_send_response: {"outcome", "provider_ref", "error_code",
// "error_message", "retry_after_s"}.
void checkSendResult(const std::string& hook, const HookResult& result) {
    Object::Ptr root = parsedOutput(hook, result);
    requireStringMember(hook, *root, "outcome", true);
    const std::string outcome = root->getValue<std::string>("outcome");
    require(outcome == "ACCEPTED" || outcome == "RETRY" || outcome == "THROTTLED" ||
                outcome == "REJECTED",
            hook + " outcome '" + outcome + "' is not in the ABI");
    for (const char* key : {"provider_ref", "error_code", "error_message"})
        requireStringMember(hook, *root, key, false);
    if (root->has("retry_after_s")) {
        const Poco::Dynamic::Var retry = root->get("retry_after_s");
        require(retry.isInteger() && !retry.isBoolean(), hook + " retry_after_s is not an integer");
        // The dispatcher multiplies it by 1000 in an Int64.
        const Poco::Int64 seconds = retry.convert<Poco::Int64>();
        require(seconds >= 0 && seconds <= std::numeric_limits<int>::max(),
                hook + " retry_after_s is out of range: " + result.output);
    }
}

// plugin_abi.h, build_send: {"method", "url", "headers", "body"[, "sender"]}, read by the
// host's codec.
void checkOutgoingRequest(const std::string& where, const Object::Ptr& request) {
    require(!request.isNull(), where + " is not an object");
    requireStringMember(where, *request, "method", true);
    requireStringMember(where, *request, "url", true);
    requireStringMember(where, *request, "body", true);
    requireStringMember(where, *request, "sender", false);
    requireStringMap(where + " headers", request->getObject("headers"));
    try {
        (void)messaging::parseOutgoingRequest(util::toJson(request));
    } catch (const std::exception& e) {
        finding("the host cannot read " + where + ": " + e.what());
    }
}

// Name/value pairs; as received headers (`asHeaders`) they are cleaned as Poco's parser
// delivers them and their names lowercased as the host does (plugin_abi.h).
std::vector<std::pair<std::string, std::string>> consumePairs(FuzzedDataProvider& in,
                                                              std::size_t count, bool asHeaders) {
    std::vector<std::pair<std::string, std::string>> result;
    for (std::size_t i = 0; i < count; ++i) {
        std::string name = in.ConsumeRandomLengthString(64);
        std::string value = in.ConsumeRandomLengthString(1024);
        if (asHeaders) {
            name = Poco::toLower(without(name, " \t\r\n:"));
            value = without(value, "\r\n");
        }
        result.emplace_back(std::move(name), std::move(value));
    }
    return result;
}

namespace {

struct Decoded {
    std::size_t config = 0;
    int hook = 0;
    std::int64_t receivedAtMs = 0;
    std::size_t count = 0;
    int status = 0;
    bool reply = false;
};

void fuzzWebhook(const plugin::ProviderInstance& instance, const Decoded& d,
                 FuzzedDataProvider& in) {
    plugin::WebhookRequest request;
    request.method = "POST";
    request.path = loaded().routePath;
    request.query = without(in.ConsumeRandomLengthString(1024), " \t\r\n");
    request.headers = consumePairs(in, d.count, true);
    request.body = in.ConsumeRemainingBytesAsString();
    request.remoteAddr = "203.0.113.7";
    // As WebhookRoutes builds it: the public base URL + the request URI.
    request.publicUrl = loaded().publicBase + request.path +
                        (request.query.empty() ? std::string() : "?" + request.query);
    request.receivedAtMs = d.receivedAtMs;
    if (debugEnabled())
        std::fprintf(stderr, "webhook %s %s?%s, %zu headers, %zu-byte body\n",
                     request.method.c_str(), request.path.c_str(), request.query.c_str(),
                     request.headers.size(), request.body.size());

    // The host calls all three on one request; parse runs here even when verify refuses, so
    // the parser is fuzzed with bodies that carry no valid signature.
    HookResult detected = instance.detect(request);
    requireStatus("detect", detected, {SB_OK, SB_NOT_MINE});
    HookResult verified = instance.verify(request);
    requireStatus("verify", verified, {SB_OK, SB_REJECTED});
    if (verified.status == SB_REJECTED) requireReason("verify", verified);
    HookResult parsed = instance.parse(request);
    requireStatus("parse", parsed, {SB_OK, SB_BAD_INPUT});
    if (parsed.ok()) {
        checkEvents(parsed);
    } else {
        requireReason("parse", parsed);
    }
    if (debugEnabled())
        std::fprintf(stderr, "  detect %s, verify %s, parse %s: %s\n", statusName(detected.status),
                     statusName(verified.status), statusName(parsed.status), parsed.output.c_str());
}

void fuzzSendResponse(const plugin::ProviderInstance& instance, const Decoded& d,
                      FuzzedDataProvider& in) {
    auto headers = consumePairs(in, d.count, true);
    const std::string body = in.ConsumeRemainingBytesAsString();
    HookResult result = instance.parseSendResponse(d.status, headers, body);
    if (debugEnabled())
        std::fprintf(stderr, "send response %d, %zu headers, %zu-byte body: %s %s\n", d.status,
                     headers.size(), body.size(), statusName(result.status), result.output.c_str());
    requireStatus("parse_send_response", result, {SB_OK});
    checkSendResult("parse_send_response", result);
}

void fuzzBuildSend(const plugin::ProviderInstance& instance, const Decoded& d,
                   FuzzedDataProvider& in) {
    store::Message message;
    message.id = 42;
    message.kind = d.reply ? "reply" : "initial";
    message.toNumber = in.ConsumeRandomLengthString(64);
    message.fromNumber = in.ConsumeRandomLengthString(64);
    const std::string callbackUrl = in.ConsumeRandomLengthString(256);
    const auto contextPairs = consumePairs(in, d.count, false);
    message.body = in.ConsumeRemainingBytesAsString();
    // Only what the host can ask for: SendService and the webhook path validate the numbers
    // and the text before a message is stored, a reply context is a plugin's own parse
    // output (checked to be UTF-8 above), and the callback URL comes from the operator's YAML.
    bool realistic = util::isE164(message.toNumber) &&
                     (message.fromNumber.empty() || util::isE164(message.fromNumber)) &&
                     !message.body.empty() && messaging::countSegments(message.body) &&
                     isValidUtf8(callbackUrl);
    Object context;
    for (const auto& [key, value] : contextPairs) {
        realistic = realistic && isValidUtf8(key) && isValidUtf8(value);
        context.set(key, value);
    }
    if (!realistic) return;
    message.replyContextJson = util::toJson(context);
    // The host's own encoder, so the document is exactly what the dispatcher would pass.
    const std::string json = messaging::outboundMessageJson(message, callbackUrl);
    HookResult result = instance.buildSend(json);
    if (debugEnabled())
        std::fprintf(stderr, "build_send %s: %s %s\n", json.c_str(), statusName(result.status),
                     result.output.c_str());
    requireStatus("build_send", result, {SB_OK, SB_BAD_INPUT});
    if (result.ok()) {
        checkOutgoingRequest("build_send", parsedOutput("build_send", result));
    } else {
        requireReason("build_send", result);
    }
}

}  // namespace

void initPluginFuzzer(const PluginFuzzSetup& setup) {
    // Plugin log lines are formatted as in the service, then dropped: a fuzzer's output must
    // stay readable.
    Poco::Logger::root().setChannel(new Poco::NullChannel);
    Poco::Logger::root().setLevel(Poco::Message::PRIO_TRACE);
    Poco::Logger::get("plugin").setChannel(new Poco::NullChannel);
    Poco::Logger::get("plugin").setLevel(Poco::Message::PRIO_TRACE);
    Loaded& state = loaded();
    try {
        state.library = plugin::PluginLibrary::load(std::string(SWITCHBOARD_PLUGIN_DIR) + "/" +
                                                    setup.pluginFile);
        for (std::size_t i = 0; i < setup.configJsons.size(); ++i)
            state.instances.push_back(std::make_unique<plugin::ProviderInstance>(
                *state.library, "fuzz-" + std::to_string(i), setup.configJsons[i]));
    } catch (const std::exception& e) {
        finding("cannot set up " + setup.pluginFile + ": " + e.what());
    }
    require(!state.instances.empty(), setup.pluginFile + ": no instance config to fuzz");
    state.publicBase = setup.publicBase;
    state.routePath = setup.routePath;
}

const plugin::PluginLibrary& fuzzedLibrary() { return *loaded().library; }

const std::vector<std::unique_ptr<plugin::ProviderInstance>>& fuzzedInstances() {
    return loaded().instances;
}

void fuzzPluginHooks(const std::uint8_t* data, std::size_t size) {
    const Loaded& state = loaded();
    FuzzedDataProvider in(data, size);
    Decoded d;
    d.config = in.ConsumeIntegral<std::uint8_t>() % state.instances.size();
    d.hook = in.ConsumeIntegral<std::uint8_t>() % 3;
    d.receivedAtMs = in.ConsumeIntegral<std::int64_t>();
    d.count = in.ConsumeIntegral<std::uint8_t>() % 9;
    d.status = 100 + in.ConsumeIntegral<std::uint16_t>() % 900;
    d.reply = (in.ConsumeIntegral<std::uint8_t>() & 1) != 0;
    const plugin::ProviderInstance& instance = *state.instances[d.config];
    switch (d.hook) {
        case 0:
            fuzzWebhook(instance, d, in);
            break;
        case 1:
            fuzzSendResponse(instance, d, in);
            break;
        default:
            fuzzBuildSend(instance, d, in);
            break;
    }
}

}  // namespace switchboard::fuzz
