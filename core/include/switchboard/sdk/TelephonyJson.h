// The JSON documents of the telephony hooks (plugin_abi.h, ABI 1.2, schema version 1) to and
// from the SDK's C++ types. Used by SWITCHBOARD_PLUGIN's machinery; header-only.
#pragma once

#include "switchboard/sdk/TelephonyPlugin.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <sstream>
#include <string>
#include <typeinfo>

namespace switchboard::sdk::telephony_json {

inline std::string compact(const Poco::JSON::Object& object) {
    std::ostringstream out;
    object.stringify(out);
    return out.str();
}

inline Poco::JSON::Object::Ptr object(const std::string& text) {
    Poco::JSON::Parser parser;
    Poco::Dynamic::Var root = parser.parse(text);
    if (root.type() != typeid(Poco::JSON::Object::Ptr)) throw BadInput("expected a JSON object");
    auto o = root.extract<Poco::JSON::Object::Ptr>();
    if (!o) throw BadInput("expected a JSON object");
    return o;
}

inline Poco::Dynamic::Var optionalString(const std::optional<std::string>& value) {
    return value ? Poco::Dynamic::Var(*value) : Poco::Dynamic::Var();
}

inline Poco::JSON::Array::Ptr stringArray(const std::vector<std::string>& items) {
    Poco::JSON::Array::Ptr array = new Poco::JSON::Array;
    for (const auto& item : items) array->add(item);
    return array;
}

/// Input: carriers(). Output: {"carriers": [...]} as telephony_carriers documents it.
inline std::string carriersToJson(const std::vector<Carrier>& carriers) {
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    for (const auto& c : carriers) {
        Poco::JSON::Object::Ptr carrier = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        carrier->set("id", c.id);
        carrier->set("name", c.name);
        carrier->set("technology", c.technology);
        carrier->set("cancel_all_code", optionalString(c.cancelAllCode));
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

/// Input: forwarding_codes' request document. Throws BadInput naming a missing or
/// mistyped field.
inline ForwardingRequest forwardingRequestOf(const std::string& json) {
    auto o = object(json);
    ForwardingRequest r;
    for (const char* key : {"carrier", "mode", "destination"}) {
        if (!o->has(key) || !o->get(key).isString())
            throw BadInput(std::string("'") + key + "' is required and must be a string");
    }
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

/// Output: forwarding_codes' result document.
inline std::string forwardingCodesToJson(const ForwardingCodes& c) {
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
    root.set("cancel_all_code", optionalString(c.cancelAllCode));
    root.set("activation_instructions", stringArray(c.activationInstructions));
    root.set("deactivation_instructions", stringArray(c.deactivationInstructions));
    return compact(root);
}

/// Input: build_verification_call's request document. Throws BadInput naming a missing field.
inline VerificationCall verificationCallOf(const std::string& json) {
    auto o = object(json);
    VerificationCall call;
    for (const char* key : {"verification_id", "phone_number", "code"}) {
        if (!o->has(key) || !o->get(key).isString())
            throw BadInput(std::string("'") + key + "' is required and must be a string");
    }
    call.verificationId = o->getValue<std::string>("verification_id");
    call.phoneNumber = o->getValue<std::string>("phone_number");
    call.code = o->getValue<std::string>("code");
    call.friendlyName = o->optValue<std::string>("friendly_name", "");
    if (o->has("status_callback_url") && !o->isNull("status_callback_url"))
        call.statusCallbackUrl = o->getValue<std::string>("status_callback_url");
    return call;
}

/// Output: build_verification_call's result document ({"request": {...}, "redact": [...]}).
inline std::string verificationCallRequestToJson(const VerificationCallRequest& r) {
    Poco::JSON::Object::Ptr request = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    request->set("method", r.request.method);
    request->set("url", r.request.url);
    Poco::JSON::Object::Ptr headers = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    for (const auto& [k, v] : r.request.headers) headers->set(k, v);
    request->set("headers", headers);
    request->set("body", r.request.body);
    Poco::JSON::Object root(Poco::JSON_PRESERVE_KEY_ORDER);
    root.set("request", request);
    root.set("redact", stringArray(r.redact));
    return compact(root);
}

}  // namespace switchboard::sdk::telephony_json
