// Building the config schema a plugin exports in PluginInfo::configSchemaJson (format in
// plugin_abi.h: {"properties": {"<key>": {"type", "description", "default"?, "required"?,
// "secret"?}}}). Header-only.
#pragma once

#include "switchboard/sdk/Plugin.h"

#include <Poco/JSON/Object.h>

#include <string>

namespace switchboard::sdk {

/// The "properties" of a config schema, in the order they are added: the host lists them in
/// that order to operators, so a plugin keeps related keys together. Not thread-safe; build
/// it inside info() and keep only the json() text.
class ConfigSchema {
  public:
    /// Input: the config key, its schema type ("string", "integer", "boolean",
    /// "string_map") and a one-sentence description for operators. Output: the new property
    /// {"type": type, "description": description}, already part of the schema, for the
    /// caller to add "default", "required" or "secret" to (they serialise in the order set).
    /// Adding a key twice replaces the earlier property. Never throws (except
    /// std::bad_alloc).
    Poco::JSON::Object::Ptr add(const std::string& key, const std::string& type,
                                const std::string& description) {
        Poco::JSON::Object::Ptr property = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        property->set("type", type);
        property->set("description", description);
        properties_->set(key, property);
        return property;
    }

    /// Output: compact JSON {"properties": {...}} for PluginInfo::configSchemaJson.
    std::string json() const {
        Poco::JSON::Object root;
        root.set("properties", properties_);
        return toJson(root);
    }

  private:
    Poco::JSON::Object::Ptr properties_ = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
};

}  // namespace switchboard::sdk
