#include "CarrierTable.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <regex>
#include <set>
#include <typeinfo>

namespace switchboard::plugins::telephony {
namespace {

using sdk::BadInput;

constexpr int kMaxRingSeconds = 600;

// Strict access to one JSON object of the table: every key must be known, so a typo in
// carriers.yaml fails the start-up instead of silently dropping a code.
class Fields {
  public:
    Fields(Poco::JSON::Object::Ptr object, std::string path)
        : object_(std::move(object)), path_(std::move(path)) {}

    std::string at(const std::string& key) const { return path_ + "." + key; }

    std::optional<std::string> optString(const std::string& key) {
        seen_.insert(key);
        if (!object_->has(key) || object_->isNull(key)) return std::nullopt;
        Poco::Dynamic::Var v = object_->get(key);
        if (!v.isString()) throw BadInput(at(key) + " must be a string");
        std::string s = v.convert<std::string>();
        if (s.empty()) throw BadInput(at(key) + " must not be empty");
        return s;
    }
    std::string string(const std::string& key) {
        auto s = optString(key);
        if (!s) throw BadInput(at(key) + " is required");
        return *s;
    }
    std::optional<int> optInt(const std::string& key) {
        seen_.insert(key);
        if (!object_->has(key) || object_->isNull(key)) return std::nullopt;
        Poco::Dynamic::Var v = object_->get(key);
        if (!v.isInteger()) throw BadInput(at(key) + " must be a whole number");
        long long n = v.convert<long long>();
        if (n < 0 || n > kMaxRingSeconds)
            throw BadInput(at(key) + " must be between 0 and " + std::to_string(kMaxRingSeconds));
        return static_cast<int>(n);
    }
    Poco::JSON::Object::Ptr optObject(const std::string& key) {
        seen_.insert(key);
        if (!object_->has(key) || object_->isNull(key)) return nullptr;
        Poco::Dynamic::Var v = object_->get(key);
        if (v.type() != typeid(Poco::JSON::Object::Ptr))
            throw BadInput(at(key) + " must be a mapping");
        return v.extract<Poco::JSON::Object::Ptr>();
    }
    Poco::JSON::Array::Ptr array(const std::string& key) {
        seen_.insert(key);
        if (!object_->has(key) || object_->isNull(key)) throw BadInput(at(key) + " is required");
        Poco::Dynamic::Var v = object_->get(key);
        if (v.type() != typeid(Poco::JSON::Array::Ptr)) throw BadInput(at(key) + " must be a list");
        auto a = v.extract<Poco::JSON::Array::Ptr>();
        if (a->size() == 0) throw BadInput(at(key) + " must not be empty");
        return a;
    }
    void finish() const {
        for (const auto& [key, value] : *object_) {
            if (!seen_.count(key)) throw BadInput(at(key) + " is not a known key");
        }
    }

  private:
    Poco::JSON::Object::Ptr object_;
    std::string path_;
    std::set<std::string> seen_;
};

Poco::JSON::Object::Ptr objectAt(const Poco::JSON::Array::Ptr& array, std::size_t i,
                                 const std::string& path) {
    Poco::Dynamic::Var v = array->get(static_cast<unsigned>(i));
    if (v.type() != typeid(Poco::JSON::Object::Ptr)) throw BadInput(path + " must be a mapping");
    return v.extract<Poco::JSON::Object::Ptr>();
}

bool mentions(const std::string& text, const char* placeholder) {
    return text.find(placeholder) != std::string::npos;
}

// A template may only use the placeholders the generator fills, so a typo such as
// "{numbr}" cannot reach a subscriber's dialer.
void checkPlaceholders(const std::string& text, const std::string& path, bool allowRing) {
    static const std::regex kPlaceholder(R"(\{[^}]*\})");
    for (std::sregex_iterator it(text.begin(), text.end(), kPlaceholder), end; it != end; ++it) {
        const std::string p = it->str();
        if (p == "{number}" || (allowRing && p == "{ring}")) continue;
        throw BadInput(path + " uses unknown placeholder " + p +
                       (allowRing ? " (known: {number}, {ring})" : " (known: {number})"));
    }
}

sdk::RingTimeRange readRingTime(Poco::JSON::Object::Ptr object, const std::string& path) {
    Fields f(std::move(object), path);
    sdk::RingTimeRange r;
    auto min = f.optInt("min");
    auto max = f.optInt("max");
    if (!min) throw BadInput(f.at("min") + " is required");
    if (!max) throw BadInput(f.at("max") + " is required");
    r.min = *min;
    r.max = *max;
    r.step = f.optInt("step").value_or(1);
    r.defaultSeconds = f.optInt("default");
    f.finish();
    if (r.min < 1) throw BadInput(f.at("min") + " must be at least 1");
    if (r.max < r.min) throw BadInput(f.at("max") + " must not be below min");
    if (r.step < 1) throw BadInput(f.at("step") + " must be at least 1");
    if (r.defaultSeconds && (*r.defaultSeconds < r.min || *r.defaultSeconds > r.max ||
                             (*r.defaultSeconds - r.min) % r.step != 0))
        throw BadInput(f.at("default") + " must lie within min..max on a step");
    return r;
}

ModeSpec readMode(Poco::JSON::Object::Ptr object, const std::string& path) {
    Fields f(std::move(object), path);
    ModeSpec m;
    m.mode.id = f.string("id");
    m.mode.label = f.string("label");
    m.activate = f.string("activate");
    m.activateWithoutRing = f.optString("activate_without_ring");
    m.deactivate = f.string("deactivate");
    m.effect = f.string("effect");
    m.effectWithoutRing = f.optString("effect_without_ring");
    if (auto ring = f.optObject("ring_time"))
        m.mode.ringTime = readRingTime(ring, f.at("ring_time"));
    f.finish();

    static const std::regex kId("[a-z0-9_]{1,32}");
    if (!std::regex_match(m.mode.id, kId))
        throw BadInput(f.at("id") + " must match [a-z0-9_]{1,32}");
    const bool hasRing = m.mode.ringTime.has_value();
    if (!mentions(m.activate, "{number}"))
        throw BadInput(f.at("activate") + " must contain {number}");
    if (hasRing != mentions(m.activate, "{ring}"))
        throw BadInput(f.at("activate") + (hasRing ? " must contain {ring}, as the mode has a "
                                                     "ring_time"
                                                   : " contains {ring} but the mode has no "
                                                     "ring_time"));
    checkPlaceholders(m.activate, f.at("activate"), hasRing);
    checkPlaceholders(m.effect, f.at("effect"), hasRing);
    checkPlaceholders(m.deactivate, f.at("deactivate"), false);
    if (mentions(m.deactivate, "{number}"))
        throw BadInput(f.at("deactivate") + " must not contain {number}");
    // Without a default the ring time is optional, so a code without it must exist.
    const bool ringOptional = hasRing && !m.mode.ringTime->defaultSeconds;
    if (ringOptional != m.activateWithoutRing.has_value())
        throw BadInput(f.at("activate_without_ring") +
                       (ringOptional ? " is required when ring_time has no default"
                                     : " is only for a ring_time without default"));
    if (m.activateWithoutRing.has_value() != m.effectWithoutRing.has_value())
        throw BadInput(f.at("effect_without_ring") +
                       " must be given exactly when activate_without_ring is");
    if (m.activateWithoutRing) {
        checkPlaceholders(*m.activateWithoutRing, f.at("activate_without_ring"), false);
        checkPlaceholders(*m.effectWithoutRing, f.at("effect_without_ring"), false);
        if (!mentions(*m.activateWithoutRing, "{number}"))
            throw BadInput(f.at("activate_without_ring") + " must contain {number}");
    }
    return m;
}

CarrierSpec readCarrier(Poco::JSON::Object::Ptr object, const std::string& path) {
    Fields f(std::move(object), path);
    CarrierSpec c;
    c.carrier.id = f.string("id");
    c.carrier.name = f.string("name");
    c.carrier.technology = f.string("technology");
    c.carrier.cancelAllCode = f.optString("cancel_all");
    auto modes = f.array("modes");
    f.finish();
    static const std::regex kId("[a-z0-9_]{1,32}");
    if (!std::regex_match(c.carrier.id, kId))
        throw BadInput(f.at("id") + " must match [a-z0-9_]{1,32}");
    if (c.carrier.technology != "gsm" && c.carrier.technology != "cdma")
        throw BadInput(f.at("technology") + " must be gsm or cdma");
    std::set<std::string> modeIds;
    for (std::size_t i = 0; i < modes->size(); ++i) {
        const std::string modePath = f.at("modes") + "[" + std::to_string(i) + "]";
        ModeSpec m = readMode(objectAt(modes, i, modePath), modePath);
        if (!modeIds.insert(m.mode.id).second)
            throw BadInput(modePath + ".id '" + m.mode.id + "' is listed twice");
        c.carrier.modes.push_back(m.mode);
        c.modes.push_back(std::move(m));
    }
    return c;
}

}  // namespace

const ModeSpec* CarrierSpec::findMode(const std::string& id) const {
    for (const auto& m : modes) {
        if (m.mode.id == id) return &m;
    }
    return nullptr;
}

CarrierTable::CarrierTable(const std::string& json) {
    Poco::JSON::Object::Ptr root;
    try {
        Poco::JSON::Parser parser;
        Poco::Dynamic::Var parsed = parser.parse(json);
        if (parsed.type() == typeid(Poco::JSON::Object::Ptr))
            root = parsed.extract<Poco::JSON::Object::Ptr>();
    } catch (const Poco::Exception& e) {
        throw BadInput("carrier table is not valid JSON: " + e.displayText());
    }
    if (!root) throw BadInput("carrier table must be a mapping with 'version' and 'carriers'");
    Fields f(root, "carriers.yaml");
    auto version = f.optInt("version");
    if (version != 1) throw BadInput("carriers.yaml: version must be 1");
    auto carriers = f.array("carriers");
    f.finish();
    std::set<std::string> ids;
    for (std::size_t i = 0; i < carriers->size(); ++i) {
        const std::string path = "carriers[" + std::to_string(i) + "]";
        CarrierSpec c = readCarrier(objectAt(carriers, i, path), path);
        if (!ids.insert(c.carrier.id).second)
            throw BadInput(path + ".id '" + c.carrier.id + "' is listed twice");
        carriers_.push_back(std::move(c));
    }
}

const CarrierSpec* CarrierTable::find(const std::string& id) const {
    for (const auto& c : carriers_) {
        if (c.carrier.id == id) return &c;
    }
    return nullptr;
}

std::string CarrierTable::ids() const {
    std::string text;
    for (const auto& c : carriers_) text += (text.empty() ? "" : ", ") + c.carrier.id;
    return text;
}

}  // namespace switchboard::plugins::telephony
