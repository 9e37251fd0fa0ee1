// Reading a provider's JSON (webhook bodies, send responses) with Poco::JSON, leniently where
// a surprising shape must not cost a message and strictly where a webhook is malformed.
// Header-only; needs Poco::Foundation and Poco::JSON, which the SDK target links.
//
// Why these exist: providers send the same field as a string one day and as a number the
// next, use null for "absent", and answer with HTML when an edge proxy fails. Every plugin
// needs the same answers to "is there usable text here?", so they are decided once.
#pragma once

#include "switchboard/sdk/ProviderText.h"
#include "switchboard/sdk/Types.h"

#include <Poco/Dynamic/Var.h>
#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/String.h>

#include <cmath>
#include <exception>
#include <optional>
#include <string>
#include <typeinfo>

namespace switchboard::sdk {

/// 2^53: doubles hold every integer exactly only up to here, so an "integral" double beyond
/// it is a rounding artefact and must not be rendered as if it were an exact id.
inline constexpr double kMaxExactJsonInteger = 9007199254740992.0;

/// Input: any text (a send response body, a webhook body). Output: the top-level JSON object,
/// or null when the text is not JSON or its top level is an array or scalar. Never throws:
/// meant for detect() and for send responses, where a non-JSON answer (an HTML error page)
/// is expected and handled by the caller.
inline Poco::JSON::Object::Ptr parseObjectOrNull(const std::string& text) {
    try {
        // A fresh parser per call: Poco's parser keeps state, and plugin instances are shared
        // between threads.
        Poco::JSON::Parser parser;
        Poco::Dynamic::Var root = parser.parse(text);
        if (root.type() != typeid(Poco::JSON::Object::Ptr)) return nullptr;
        return root.extract<Poco::JSON::Object::Ptr>();
    } catch (const Poco::Exception&) {
        return nullptr;
    } catch (const std::exception&) {
        return nullptr;
    }
}

/// Input: a JSON webhook request. Output: its body's top-level JSON object (never null).
/// Throws BadInput when the request declares no or a non-JSON Content-Type (see
/// requireJsonContentType), with "webhook body is not valid
/// JSON: <Poco's reason through excerpt()>" when the body does not parse, and with "webhook
/// body is not a JSON object" for an array or scalar: parse() must report a malformed
/// callback, not guess.
inline Poco::JSON::Object::Ptr parseWebhookObject(const HttpRequest& request) {
    requireJsonContentType(request);
    try {
        Poco::JSON::Parser parser;
        Poco::Dynamic::Var root = parser.parse(request.body);
        if (root.type() != typeid(Poco::JSON::Object::Ptr))
            throw BadInput("webhook body is not a JSON object");
        return root.extract<Poco::JSON::Object::Ptr>();
    } catch (const Poco::Exception& e) {
        // Poco's message quotes the offending byte, which may not be UTF-8: the reason is
        // logged and stored.
        throw BadInput("webhook body is not valid JSON: " + excerpt(e.message()));
    }
}

/// True for a JSON number (integer or fraction); false for everything else, including
/// booleans, which Poco counts as numeric (and as integers). Never throws.
inline bool isJsonNumber(const Poco::Dynamic::Var& value) {
    return !value.isEmpty() && !value.isBoolean() && value.isNumeric();
}

/// Which JSON numbers scalarText()/optionalText() turn into text. The choice is the
/// provider's: an id that may arrive as 12.0 wants AnyNumber, a carrier error code where a
/// fraction can only be garbage wants IntegersOnly.
enum class Numbers {
    IntegersOnly,  ///< integers only; a fraction gives nullopt
    All,           ///< integers, and fractions as below
};

/// Input: one JSON value. Output: its text, so that "3" and 3 give the same reply context or
/// id:
///   string  → unchanged (may be "");
///   integer → exact decimal (read as Int64/UInt64, never through a double);
///   fraction (Numbers::All only) → an integral value below 2^53 as an integer ("12.0" →
///             "12"), anything else as Poco renders a double;
///   null, boolean, array, object, or a fraction under IntegersOnly → nullopt.
/// Never throws.
inline std::optional<std::string> scalarText(const Poco::Dynamic::Var& value, Numbers numbers) {
    try {
        if (value.isEmpty()) return std::nullopt;
        if (value.isString()) return value.extract<std::string>();
        // Checked before isInteger(): Poco counts bool as an integer.
        if (value.isBoolean()) return std::nullopt;
        if (value.isInteger()) {
            return value.isSigned() ? std::to_string(value.convert<Poco::Int64>())
                                    : std::to_string(value.convert<Poco::UInt64>());
        }
        if (numbers == Numbers::All && value.isNumeric()) {
            double d = value.convert<double>();
            if (std::isfinite(d) && std::trunc(d) == d && std::fabs(d) < kMaxExactJsonInteger)
                return std::to_string(static_cast<long long>(d));
            return value.convert<std::string>();
        }
    } catch (const Poco::Exception&) {
        // A value Poco cannot convert carries no usable text.
    }
    return std::nullopt;
}

/// Input: an object and a member name. Output: scalarText() of the member, or nullopt when
/// it is absent, null, not a scalar, or the empty string (an empty id or code is as useless
/// as none, and falling through to the next candidate key is what callers want). For
/// provider answers, where a surprising shape must not throw. Never throws.
inline std::optional<std::string> optionalText(const Poco::JSON::Object& object,
                                               const std::string& key, Numbers numbers) {
    if (!object.has(key) || object.isNull(key)) return std::nullopt;
    auto text = scalarText(object.get(key), numbers);
    if (text && text->empty()) return std::nullopt;
    return text;
}

/// Input: an object and a member name. Output: the member when it is a JSON object, else null
/// (absent, null or another type). Never throws.
inline Poco::JSON::Object::Ptr optionalObject(const Poco::JSON::Object& object,
                                              const std::string& key) {
    if (!object.has(key) || object.isNull(key)) return nullptr;
    Poco::Dynamic::Var value = object.get(key);
    if (value.type() != typeid(Poco::JSON::Object::Ptr)) return nullptr;
    return value.extract<Poco::JSON::Object::Ptr>();
}

/// True when the member exists and is a JSON string (possibly ""). Never throws.
inline bool isStringMember(const Poco::JSON::Object& object, const std::string& key) {
    return object.has(key) && object.get(key).isString();
}

/// True when the member is JSON false or the string "false" (any case): providers that
/// report failure inside a 2xx answer spell it both ways. Absent, null, true or any other
/// value → false. Never throws.
inline bool isFalseFlag(const Poco::JSON::Object& object, const std::string& key) {
    if (!object.has(key) || object.isNull(key)) return false;
    Poco::Dynamic::Var value = object.get(key);
    if (value.isBoolean()) return !value.extract<bool>();
    if (value.isString()) return Poco::icompare(value.extract<std::string>(), "false") == 0;
    return false;
}

}  // namespace switchboard::sdk
