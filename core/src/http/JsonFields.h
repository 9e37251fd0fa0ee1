#pragma once

#include "http/ApiError.h"
#include "util/Utf8.h"

#include <Poco/JSON/Object.h>

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <Poco/JSON/Array.h>

namespace switchboard::http {

/// Strict reader for a JSON request object: each getter checks the type (400 invalid_field
/// naming the field), required fields must be present (400 missing_field), and finish()
/// refuses fields the endpoint does not know (400 unknown_field), so a typo never silently
/// drops a value.
class JsonFields {
  public:
    explicit JsonFields(Poco::JSON::Object::Ptr object) : object_(std::move(object)) {}

    std::optional<std::string> optString(const std::string& name) {
        seen_.insert(name);
        if (!object_->has(name) || object_->isNull(name)) return std::nullopt;
        Poco::Dynamic::Var v = object_->get(name);
        if (!v.isString()) throw ApiError(400, "invalid_field", "'" + name + "' must be a string");
        std::string text = v.convert<std::string>();
        if (!util::isValidUtf8(text))
            throw ApiError(400, "invalid_field", "'" + name + "' is not valid UTF-8");
        return text;
    }
    std::string string(const std::string& name) {
        auto v = optString(name);
        if (!v) throw ApiError(400, "missing_field", "'" + name + "' is required");
        return *v;
    }
    /// A required JSON array whose items are all strings.
    std::vector<std::string> stringList(const std::string& name) {
        seen_.insert(name);
        if (!object_->has(name) || object_->isNull(name))
            throw ApiError(400, "missing_field", "'" + name + "' is required");
        auto array = object_->getArray(name);
        if (!array)
            throw ApiError(400, "invalid_field", "'" + name + "' must be an array of strings");
        std::vector<std::string> items;
        for (std::size_t i = 0; i < array->size(); ++i) {
            Poco::Dynamic::Var v = array->get(static_cast<unsigned>(i));
            if (!v.isString())
                throw ApiError(400, "invalid_field",
                               "'" + name + "[" + std::to_string(i) + "]' must be a string");
            items.push_back(v.convert<std::string>());
            if (!util::isValidUtf8(items.back()))
                throw ApiError(400, "invalid_field",
                               "'" + name + "[" + std::to_string(i) + "]' is not valid UTF-8");
        }
        return items;
    }

    /// An integer id given as a JSON integer or a string of digits.
    std::optional<std::int64_t> optId(const std::string& name) {
        seen_.insert(name);
        if (!object_->has(name) || object_->isNull(name)) return std::nullopt;
        Poco::Dynamic::Var v = object_->get(name);
        try {
            if (v.isInteger()) return v.convert<Poco::Int64>();
            if (v.isString()) {
                std::string s = v.convert<std::string>();
                if (!s.empty() && s.size() <= 18 &&
                    s.find_first_not_of("0123456789") == std::string::npos)
                    return std::stoll(s);
            }
        } catch (const std::exception&) {
        }
        throw ApiError(400, "invalid_field", "'" + name + "' must be a message id (integer)");
    }
    std::optional<bool> optBool(const std::string& name) {
        seen_.insert(name);
        if (!object_->has(name) || object_->isNull(name)) return std::nullopt;
        Poco::Dynamic::Var v = object_->get(name);
        if (!v.isBoolean())
            throw ApiError(400, "invalid_field", "'" + name + "' must be true or false");
        return v.convert<bool>();
    }
    /// An optional JSON integer within [min, max] (400 invalid_field naming the range).
    std::optional<std::int64_t> optInt(const std::string& name, std::int64_t min,
                                       std::int64_t max) {
        seen_.insert(name);
        if (!object_->has(name) || object_->isNull(name)) return std::nullopt;
        Poco::Dynamic::Var v = object_->get(name);
        std::int64_t value = 0;
        bool ok = v.isInteger();
        if (ok) {
            try {
                value = v.convert<Poco::Int64>();
            } catch (const std::exception&) {
                ok = false;
            }
        }
        if (!ok || value < min || value > max)
            throw ApiError(400, "invalid_field",
                           "'" + name + "' must be an integer from " + std::to_string(min) +
                               " to " + std::to_string(max));
        return value;
    }
    bool has(const std::string& name) const { return object_->has(name); }

    void finish() const {
        for (const auto& [name, value] : *object_) {
            if (!seen_.count(name))
                throw ApiError(400, "unknown_field", "unknown field '" + name + "'");
        }
    }

  private:
    Poco::JSON::Object::Ptr object_;
    std::set<std::string> seen_;
};

}  // namespace switchboard::http
