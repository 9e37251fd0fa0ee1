// The JSON documents of plugin_abi.h (schema version 1), encoded and decoded in one place for
// both sides of the boundary: SWITCHBOARD_PLUGIN's machinery (Plugin.h) uses one direction
// of each pair, the host the other, so neither can drift from the other. Header-only: a
// plugin links Poco::Foundation and Poco::JSON, nothing of the core.
//
// Errors, the same for every decoder: text that is not JSON throws Poco::JSON::JSONException
// (a Poco::Exception; the SDK turns it into SB_ERROR, since the sender broke the ABI);
// JSON that is not an object throws BadInput("expected a JSON object"); a required member
// that is missing or mistyped throws BadInput naming it (Poco::Exception where the SDK has
// always let Poco say it). Decoders never return a half-read document.
//
// One exception to "both directions": telephony_carriers' document is only encoded here;
// the host passes it through to the API as the plugin wrote it.
#pragma once

#include "switchboard/sdk/TelephonyPlugin.h"
#include "switchboard/sdk/Types.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <optional>
#include <sstream>
#include <string>
#include <typeinfo>
#include <variant>
#include <vector>

namespace switchboard::sdk::abi {

/// Compact JSON text of an object (no whitespace).
inline std::string compact(const Poco::JSON::Object& object) {
    std::ostringstream out;
    object.stringify(out);
    return out.str();
}

/// Parses a document that must be a JSON object (see the errors above).
inline Poco::JSON::Object::Ptr objectOf(const std::string& text) {
    Poco::JSON::Parser parser;
    Poco::Dynamic::Var root = parser.parse(text);
    // extract<>() of an array or scalar would throw a BadCastException with mangled type
    // names; say what was wrong instead.
    if (root.type() != typeid(Poco::JSON::Object::Ptr)) throw BadInput("expected a JSON object");
    auto object = root.extract<Poco::JSON::Object::Ptr>();
    if (!object) throw BadInput("expected a JSON object");
    return object;
}

/// A JSON object of strings (reply context) as a StringMap; other values are converted to
/// their text. Input: a decoded object.
inline StringMap stringMapOf(const Poco::JSON::Object& object) {
    StringMap map;
    for (const auto& [k, v] : object) map[k] = v.convert<std::string>();
    return map;
}

/// A StringMap as a JSON object of strings.
inline Poco::JSON::Object::Ptr stringMapJson(const StringMap& map) {
    Poco::JSON::Object::Ptr object = new Poco::JSON::Object;
    for (const auto& [k, v] : map) object->set(k, v);
    return object;
}

namespace detail {

inline Poco::Dynamic::Var optionalString(const std::optional<std::string>& value) {
    return value ? Poco::Dynamic::Var(*value) : Poco::Dynamic::Var();
}

inline std::optional<std::string> optionalStringOf(const Poco::JSON::Object& o,
                                                   const std::string& key) {
    if (!o.has(key) || o.isNull(key)) return std::nullopt;
    return o.getValue<std::string>(key);
}

inline Poco::JSON::Array::Ptr stringArray(const std::vector<std::string>& items) {
    Poco::JSON::Array::Ptr array = new Poco::JSON::Array;
    for (const auto& item : items) array->add(item);
    return array;
}

inline std::vector<std::string> stringsOf(const Poco::JSON::Array::Ptr& array) {
    std::vector<std::string> items;
    if (!array) return items;
    for (std::size_t i = 0; i < array->size(); ++i)
        items.push_back(array->getElement<std::string>(static_cast<unsigned>(i)));
    return items;
}

inline void requireStrings(const Poco::JSON::Object& o, std::initializer_list<const char*> keys) {
    for (const char* key : keys) {
        if (!o.has(key) || !o.get(key).isString())
            throw BadInput(std::string("'") + key + "' is required and must be a string");
    }
}

// Members in schema order, or (`sorted`) by name as build_send has always written them.
inline Poco::JSON::Object::Ptr requestObject(const ProviderRequest& r, bool sorted) {
    Poco::JSON::Object::Ptr root = new Poco::JSON::Object(!sorted);
    root->set("method", r.method);
    root->set("url", r.url);
    Poco::JSON::Object::Ptr headers = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    for (const auto& [k, v] : r.headers) headers->set(k, v);
    root->set("headers", headers);
    root->set("body", r.body);
    if (r.sender) root->set("sender", *r.sender);
    return root;
}

// "url" is required (Poco names it when missing); the rest have the ABI's defaults.
inline ProviderRequest requestOf(const Poco::JSON::Object& o) {
    ProviderRequest r;
    r.method = o.optValue<std::string>("method", "POST");
    r.url = o.getValue<std::string>("url");
    r.body = o.optValue<std::string>("body", "");
    if (o.has("sender") && !o.isNull("sender")) r.sender = o.getValue<std::string>("sender");
    if (auto headers = o.getObject("headers")) {
        for (const auto& [name, value] : *headers)
            r.headers.emplace_back(name, value.convert<std::string>());
    }
    return r;
}

}  // namespace detail

// --- build_send: the message in (host → plugin), the request out (plugin → host) ---

/// build_send's message_json.
inline std::string encodeOutbound(const OutboundMessage& m) {
    Poco::JSON::Object o;
    o.set("message_id", m.messageId);
    o.set("to", m.to);
    o.set("from", detail::optionalString(m.from));
    o.set("text", m.text);
    o.set("kind", m.kind.empty() ? std::string("initial") : m.kind);
    o.set("reply_context", m.replyContext ? Poco::Dynamic::Var(stringMapJson(*m.replyContext))
                                          : Poco::Dynamic::Var());
    o.set("status_callback_url", detail::optionalString(m.statusCallbackUrl));
    return compact(o);
}

inline OutboundMessage decodeOutbound(const std::string& json) {
    auto o = objectOf(json);
    OutboundMessage m;
    m.messageId = o->optValue<std::string>("message_id", "");
    m.to = o->optValue<std::string>("to", "");
    m.from = detail::optionalStringOf(*o, "from");
    m.text = o->optValue<std::string>("text", "");
    m.kind = o->optValue<std::string>("kind", "initial");
    if (o->has("reply_context") && !o->isNull("reply_context"))
        m.replyContext = stringMapOf(*o->getObject("reply_context"));
    m.statusCallbackUrl = detail::optionalStringOf(*o, "status_callback_url");
    return m;
}

/// build_send's output: {"method","url","headers","body"[,"sender"]}.
inline std::string encodeRequest(const ProviderRequest& r) {
    return compact(*detail::requestObject(r, true));
}

inline ProviderRequest decodeRequest(const std::string& json) {
    return detail::requestOf(*objectOf(json));
}

// --- parse_send_response and parse_verification_call_response (plugin → host) ---

/// {"outcome", "provider_ref"?, "error_code"?, "error_message"?, "retry_after_s"?}.
inline std::string encodeSendResult(const SendResult& r) {
    Poco::JSON::Object root;
    root.set("outcome", toString(r.outcome));
    if (!r.providerRef.empty()) root.set("provider_ref", r.providerRef);
    if (!r.errorCode.empty()) root.set("error_code", r.errorCode);
    if (!r.errorMessage.empty()) root.set("error_message", r.errorMessage);
    if (r.retryAfterSeconds) root.set("retry_after_s", *r.retryAfterSeconds);
    return compact(root);
}

/// An outcome this schema does not name (or none) reads as RETRY: retrying is the safe
/// reading of an answer from a newer plugin.
inline SendResult decodeSendResult(const std::string& json) {
    auto o = objectOf(json);
    SendResult r;
    const auto outcome = o->optValue<std::string>("outcome", "");
    r.outcome = outcome == "ACCEPTED"    ? SendOutcome::Accepted
                : outcome == "REJECTED"  ? SendOutcome::Rejected
                : outcome == "THROTTLED" ? SendOutcome::Throttled
                                         : SendOutcome::Retry;
    r.providerRef = o->optValue<std::string>("provider_ref", "");
    r.errorCode = o->optValue<std::string>("error_code", "");
    r.errorMessage = o->optValue<std::string>("error_message", "");
    if (o->has("retry_after_s") && !o->isNull("retry_after_s"))
        r.retryAfterSeconds = o->getValue<int>("retry_after_s");
    return r;
}

// --- parse: the webhook's events (plugin → host) ---

/// An event whose "type" this schema does not define (or an entry that is not an object,
/// type ""): the host reports it as not processed rather than failing the webhook.
struct UnknownEvent {
    std::string type;
};

using DecodedEvent = std::variant<InboundMessage, DeliveryReceipt, UnknownEvent>;

/// {"events": [...]}: routing only when the plugin knows it, optional receipt members only
/// when set.
inline std::string encodeEvents(const std::vector<WebhookEvent>& events) {
    Poco::JSON::Array::Ptr array = new Poco::JSON::Array;
    for (const auto& event : events) {
        Poco::JSON::Object::Ptr e = new Poco::JSON::Object;
        if (const auto* in = std::get_if<InboundMessage>(&event)) {
            e->set("type", "inbound");
            e->set("from", in->from);
            e->set("to", in->to);
            e->set("text", in->text);
            e->set("provider_message_id", in->providerMessageId);
            e->set("reply_context", stringMapJson(in->replyContext));
            if (in->routingModem || in->routingPort) {
                Poco::JSON::Object::Ptr routing = new Poco::JSON::Object;
                routing->set("modem", in->routingModem.value_or(""));
                routing->set("port", in->routingPort.value_or(""));
                e->set("routing", routing);
            }
        } else {
            const auto& dlr = std::get<DeliveryReceipt>(event);
            e->set("type", "delivery_receipt");
            e->set("provider_ref", dlr.providerRef);
            e->set("raw_status", dlr.rawStatus);
            if (!dlr.errorCode.empty()) e->set("error_code", dlr.errorCode);
            if (!dlr.errorMessage.empty()) e->set("error_message", dlr.errorMessage);
            if (!dlr.callbackId.empty()) e->set("callback_id", dlr.callbackId);
        }
        array->add(e);
    }
    Poco::JSON::Object root;
    root.set("events", array);
    return compact(root);
}

/// Missing members read as empty strings (the host decides what an event without them is
/// worth); a missing or non-array "events" is no events.
inline std::vector<DecodedEvent> decodeEvents(const std::string& json) {
    std::vector<DecodedEvent> decoded;
    auto events = objectOf(json)->getArray("events");
    if (!events) return decoded;
    for (std::size_t i = 0; i < events->size(); ++i) {
        auto e = events->getObject(static_cast<unsigned>(i));
        const std::string type = e ? e->optValue<std::string>("type", "") : "";
        if (type == "inbound") {
            InboundMessage in;
            in.from = e->optValue<std::string>("from", "");
            in.to = e->optValue<std::string>("to", "");
            in.text = e->optValue<std::string>("text", "");
            in.providerMessageId = e->optValue<std::string>("provider_message_id", "");
            if (auto context = e->getObject("reply_context"))
                in.replyContext = stringMapOf(*context);
            if (auto routing = e->getObject("routing")) {
                in.routingModem = routing->optValue<std::string>("modem", "");
                in.routingPort = routing->optValue<std::string>("port", "");
            }
            decoded.emplace_back(std::move(in));
        } else if (type == "delivery_receipt") {
            DeliveryReceipt r;
            r.providerRef = e->optValue<std::string>("provider_ref", "");
            r.rawStatus = e->optValue<std::string>("raw_status", "");
            r.errorCode = e->optValue<std::string>("error_code", "");
            r.errorMessage = e->optValue<std::string>("error_message", "");
            r.callbackId = e->optValue<std::string>("callback_id", "");
            decoded.emplace_back(std::move(r));
        } else {
            decoded.emplace_back(UnknownEvent{type});
        }
    }
    return decoded;
}

// --- webhook_response: the result in (host → plugin), the reply out (plugin → host) ---

inline std::string encodeWebhookResult(WebhookResult result) {
    const char* name = result == WebhookResult::Rejected  ? "rejected"
                       : result == WebhookResult::Ignored ? "ignored"
                       : result == WebhookResult::Error   ? "error"
                                                          : "accepted";
    Poco::JSON::Object root;
    root.set("result", name);
    return compact(root);
}

/// A result this schema does not name (or none) reads as accepted.
inline WebhookResult decodeWebhookResult(const std::string& json) {
    auto result = objectOf(json)->optValue<std::string>("result", "accepted");
    if (result == "rejected") return WebhookResult::Rejected;
    if (result == "ignored") return WebhookResult::Ignored;
    if (result == "error") return WebhookResult::Error;
    return WebhookResult::Accepted;
}

/// {"status": 200, "content_type": "...", "body": "..."}.
inline std::string encodeWebhookReply(const WebhookReply& reply) {
    Poco::JSON::Object root;
    root.set("status", reply.status);
    root.set("content_type", reply.contentType);
    root.set("body", reply.body);
    return compact(root);
}

/// Members left out keep `defaults`' values.
inline WebhookReply decodeWebhookReply(const std::string& json, WebhookReply defaults) {
    auto o = objectOf(json);
    defaults.status = o->optValue<int>("status", defaults.status);
    defaults.contentType = o->optValue<std::string>("content_type", defaults.contentType);
    defaults.body = o->optValue<std::string>("body", defaults.body);
    return defaults;
}

// --- telephony (ABI 1.2) ---

/// telephony_carriers' output: {"carriers": [...]}.
inline std::string encodeCarriers(const std::vector<Carrier>& carriers) {
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    for (const auto& c : carriers) {
        Poco::JSON::Object::Ptr carrier = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        carrier->set("id", c.id);
        carrier->set("name", c.name);
        carrier->set("technology", c.technology);
        carrier->set("cancel_all_code", detail::optionalString(c.cancelAllCode));
        Poco::JSON::Array::Ptr modes = new Poco::JSON::Array;
        for (const auto& m : c.modes) {
            Poco::JSON::Object::Ptr mode = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
            mode->set("id", m.id);
            mode->set("label", m.label);
            if (m.ringTime) {
                Poco::JSON::Object::Ptr ring =
                    new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
                ring->set("min", m.ringTime->min);
                ring->set("max", m.ringTime->max);
                ring->set("step", m.ringTime->step);
                ring->set("default", m.ringTime->defaultSeconds
                                         ? Poco::Dynamic::Var(*m.ringTime->defaultSeconds)
                                         : Poco::Dynamic::Var());
                mode->set("ring_time", ring);
            } else {
                mode->set("ring_time", Poco::Dynamic::Var());
            }
            modes->add(mode);
        }
        carrier->set("modes", modes);
        list->add(carrier);
    }
    Poco::JSON::Object root;
    root.set("carriers", list);
    return compact(root);
}

/// forwarding_codes' request_json.
inline std::string encodeForwardingRequest(const ForwardingRequest& r) {
    Poco::JSON::Object o;
    o.set("carrier", r.carrier);
    o.set("mode", r.mode);
    o.set("destination", r.destination);
    o.set("ring_time_s",
          r.ringTimeSeconds ? Poco::Dynamic::Var(*r.ringTimeSeconds) : Poco::Dynamic::Var());
    return compact(o);
}

/// Throws BadInput naming a missing or mistyped field.
inline ForwardingRequest decodeForwardingRequest(const std::string& json) {
    auto o = objectOf(json);
    detail::requireStrings(*o, {"carrier", "mode", "destination"});
    ForwardingRequest r;
    r.carrier = o->getValue<std::string>("carrier");
    r.mode = o->getValue<std::string>("mode");
    r.destination = o->getValue<std::string>("destination");
    if (o->has("ring_time_s") && !o->isNull("ring_time_s")) {
        Poco::Dynamic::Var v = o->get("ring_time_s");
        if (!v.isInteger()) throw BadInput("the ring time must be a whole number of seconds");
        r.ringTimeSeconds = v.convert<int>();
    }
    return r;
}

/// forwarding_codes' output.
inline std::string encodeForwardingCodes(const ForwardingCodes& c) {
    Poco::JSON::Object root(Poco::JSON_PRESERVE_KEY_ORDER);
    root.set("carrier", c.carrier);
    root.set("carrier_name", c.carrierName);
    root.set("mode", c.mode);
    root.set("mode_label", c.modeLabel);
    root.set("destination", c.destination);
    root.set("ring_time_s",
             c.ringTimeSeconds ? Poco::Dynamic::Var(*c.ringTimeSeconds) : Poco::Dynamic::Var());
    root.set("activation_code", c.activationCode);
    root.set("deactivation_code", c.deactivationCode);
    root.set("cancel_all_code", detail::optionalString(c.cancelAllCode));
    root.set("activation_instructions", detail::stringArray(c.activationInstructions));
    root.set("deactivation_instructions", detail::stringArray(c.deactivationInstructions));
    return compact(root);
}

/// Throws BadInput naming a missing code (the host stores only complete answers).
inline ForwardingCodes decodeForwardingCodes(const std::string& json) {
    auto o = objectOf(json);
    detail::requireStrings(*o, {"carrier", "mode", "activation_code", "deactivation_code"});
    ForwardingCodes c;
    c.carrier = o->getValue<std::string>("carrier");
    c.carrierName = o->optValue<std::string>("carrier_name", "");
    c.mode = o->getValue<std::string>("mode");
    c.modeLabel = o->optValue<std::string>("mode_label", "");
    c.destination = o->optValue<std::string>("destination", "");
    if (o->has("ring_time_s") && !o->isNull("ring_time_s"))
        c.ringTimeSeconds = o->getValue<int>("ring_time_s");
    c.activationCode = o->getValue<std::string>("activation_code");
    c.deactivationCode = o->getValue<std::string>("deactivation_code");
    c.cancelAllCode = detail::optionalStringOf(*o, "cancel_all_code");
    c.activationInstructions = detail::stringsOf(o->getArray("activation_instructions"));
    c.deactivationInstructions = detail::stringsOf(o->getArray("deactivation_instructions"));
    return c;
}

/// build_verification_call's request_json.
inline std::string encodeVerificationCall(const VerificationCall& call) {
    Poco::JSON::Object o;
    o.set("verification_id", call.verificationId);
    o.set("phone_number", call.phoneNumber);
    o.set("friendly_name", call.friendlyName);
    o.set("code", call.code);
    o.set("status_callback_url", detail::optionalString(call.statusCallbackUrl));
    return compact(o);
}

/// Throws BadInput naming a missing field.
inline VerificationCall decodeVerificationCall(const std::string& json) {
    auto o = objectOf(json);
    detail::requireStrings(*o, {"verification_id", "phone_number", "code"});
    VerificationCall call;
    call.verificationId = o->getValue<std::string>("verification_id");
    call.phoneNumber = o->getValue<std::string>("phone_number");
    call.code = o->getValue<std::string>("code");
    call.friendlyName = o->optValue<std::string>("friendly_name", "");
    call.statusCallbackUrl = detail::optionalStringOf(*o, "status_callback_url");
    return call;
}

/// build_verification_call's output: {"request": {...}, "redact": [...]}.
inline std::string encodeVerificationCallRequest(const VerificationCallRequest& r) {
    Poco::JSON::Object root(Poco::JSON_PRESERVE_KEY_ORDER);
    root.set("request", detail::requestObject(r.request, false));
    root.set("redact", detail::stringArray(r.redact));
    return compact(root);
}

/// Throws BadInput when "request" is missing.
inline VerificationCallRequest decodeVerificationCallRequest(const std::string& json) {
    auto root = objectOf(json);
    auto request = root->getObject("request");
    if (!request) throw BadInput("build_verification_call returned no 'request'");
    return {detail::requestOf(*request), detail::stringsOf(root->getArray("redact"))};
}

}  // namespace switchboard::sdk::abi
