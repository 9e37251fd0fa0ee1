#include "plugin/PluginLibrary.h"

#include "plugin/HostApi.h"
#include "plugin/PluginLoadError.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <regex>
#include <set>
#include <string_view>
#include <typeinfo>

namespace switchboard::plugin {
namespace {

// Size a descriptor/hook table must have for every field this host reads.
constexpr size_t kDescriptorV1Size = offsetof(sb_plugin_descriptor, hooks) + sizeof(void*);
constexpr size_t kHooksV1Size = offsetof(sb_plugin_hooks, webhook_response) + sizeof(void*);
constexpr size_t kHooksV12Size =
    offsetof(sb_plugin_hooks, parse_verification_call_response) + sizeof(void*);

std::string versionText(uint32_t version) {
    return std::to_string(SB_ABI_MAJOR(version)) + "." + std::to_string(SB_ABI_MINOR(version));
}

void requireJsonObject(const std::string& path, const char* what, const char* text) {
    if (text == nullptr) throw PluginLoadError(path, std::string(what) + " is missing");
    try {
        Poco::JSON::Parser parser;
        Poco::Dynamic::Var root = parser.parse(text);
        // extract<>() of an array or scalar throws BadCastException, which would be
        // reported as "not valid JSON" with mangled Poco type names.
        if (root.type() != typeid(Poco::JSON::Object::Ptr) ||
            !root.extract<Poco::JSON::Object::Ptr>())
            throw PluginLoadError(path, std::string(what) + " is not a JSON object");
    } catch (const PluginLoadError&) {
        throw;
    } catch (const Poco::Exception& e) {
        throw PluginLoadError(path, std::string(what) + " is not valid JSON: " + e.displayText());
    } catch (const std::exception& e) {
        throw PluginLoadError(path, std::string(what) + " is not a JSON object: " + e.what());
    }
}

// The host interprets the schema (PluginSchema.cpp); a malformed one must be refused here,
// naming the file, rather than surface later as a bad cast without context.
void checkConfigSchemaShape(const std::string& path, const char* text) {
    static const std::set<std::string> kTypes = {"string", "integer", "boolean", "string_map",
                                                 "string_list"};
    Poco::JSON::Parser parser;
    auto schema = parser.parse(text).extract<Poco::JSON::Object::Ptr>();
    if (!schema->has("properties")) return;
    Poco::Dynamic::Var properties = schema->get("properties");
    if (properties.type() != typeid(Poco::JSON::Object::Ptr))
        throw PluginLoadError(path, "config schema: 'properties' is not a JSON object");
    for (const auto& [key, spec] : *properties.extract<Poco::JSON::Object::Ptr>()) {
        const std::string where = "config schema: property '" + key + "'";
        if (spec.type() != typeid(Poco::JSON::Object::Ptr))
            throw PluginLoadError(path, where + " is not a JSON object");
        auto object = spec.extract<Poco::JSON::Object::Ptr>();
        std::string type = object->has("type") && object->get("type").isString()
                               ? object->getValue<std::string>("type")
                               : std::string();
        if (object->has("type") && !kTypes.count(type))
            throw PluginLoadError(path, where + " has an unsupported type");
        for (const char* flag : {"required", "secret"}) {
            if (object->has(flag) && !object->get(flag).isBoolean())
                throw PluginLoadError(path, where + ": '" + flag + "' must be true or false");
        }
    }
}

/// The entry point's answer and its ABI version: refused, another major, a newer minor,
/// or too small a descriptor for ABI 1.0.
void checkVersion(const std::string& path, const sb_plugin_descriptor* d) {
    if (d == nullptr)
        throw PluginLoadError(path, "sb_plugin_entry refused this host (returned NULL)");
    // The version is read before the size check so that a plugin of another major version,
    // whose descriptor may be laid out differently, is told so rather than "too small".
    if (d->struct_size < offsetof(sb_plugin_descriptor, abi_version) + sizeof(uint32_t))
        throw PluginLoadError(path, "descriptor struct_size " + std::to_string(d->struct_size) +
                                        " cannot even hold the ABI version");
    if (SB_ABI_MAJOR(d->abi_version) != SB_ABI_VERSION_MAJOR)
        throw PluginLoadError(path, "built for plugin ABI " + versionText(d->abi_version) +
                                        ", host speaks " + versionText(SB_ABI_VERSION) +
                                        " (major versions differ)");
    if (SB_ABI_MINOR(d->abi_version) > SB_ABI_VERSION_MINOR)
        throw PluginLoadError(path, "built for plugin ABI " + versionText(d->abi_version) +
                                        ", newer than the host's " + versionText(SB_ABI_VERSION));
    if (d->struct_size < kDescriptorV1Size)
        throw PluginLoadError(path, "descriptor struct_size " + std::to_string(d->struct_size) +
                                        " is smaller than ABI 1.0 requires (" +
                                        std::to_string(kDescriptorV1Size) + ")");
}

/// Printable text of at most `max` bytes; a missing or control-laden string is a bad
/// descriptor (it would end up in logs and API answers).
void requireText(const std::string& path, const char* what, const char* text, std::size_t max) {
    if (text == nullptr) throw PluginLoadError(path, std::string(what) + " is missing");
    const std::string_view view(text, strnlen(text, max + 1));
    if (view.size() > max)
        throw PluginLoadError(
            path, std::string(what) + " is longer than " + std::to_string(max) + " bytes");
    for (unsigned char c : view)
        if (c < 0x20 || c == 0x7F)
            throw PluginLoadError(path, std::string(what) + " holds control characters");
}

/// Name, version and build signature: shown in the load log and `--check-config`.
void checkIdentity(const std::string& path, const sb_plugin_descriptor* d) {
    static const std::regex kName("[a-z0-9_-]{1,64}");
    if (d->name == nullptr || !std::regex_match(d->name, kName))
        throw PluginLoadError(path, "plugin name is missing or not [a-z0-9_-]{1,64}");
    requireText(path, "plugin_version", d->plugin_version, 64);
    requireText(path, "build_signature", d->build_signature, 256);
}

/// The hook table's size and the hooks every plugin needs.
void checkCommonHooks(const std::string& path, const sb_plugin_descriptor* d) {
    if (d->hooks == nullptr) throw PluginLoadError(path, "hook table is missing");
    const sb_plugin_hooks& h = *d->hooks;
    if (h.struct_size < offsetof(sb_plugin_hooks, destroy_instance) + sizeof(void*))
        throw PluginLoadError(
            path, "hook table struct_size " + std::to_string(h.struct_size) + " is too small");
    if (h.create_instance == nullptr)
        throw PluginLoadError(path, "required hook create_instance is missing");
    if (h.destroy_instance == nullptr)
        throw PluginLoadError(path, "required hook destroy_instance is missing");
}

/// The hooks a capability needs (SB_CAP_MESSAGING, SB_CAP_TELEPHONY).
void checkCapabilityHooks(const std::string& path, const sb_plugin_descriptor* d) {
    const sb_plugin_hooks& h = *d->hooks;
    if (d->capabilities & SB_CAP_MESSAGING) {
        if (h.struct_size < kHooksV1Size)
            throw PluginLoadError(path, "messaging plugin's hook table struct_size " +
                                            std::to_string(h.struct_size) +
                                            " lacks the messaging hooks");
        const std::pair<const char*, const void*> required[] = {
            {"detect", reinterpret_cast<const void*>(h.detect)},
            {"verify", reinterpret_cast<const void*>(h.verify)},
            {"parse", reinterpret_cast<const void*>(h.parse)},
            {"build_send", reinterpret_cast<const void*>(h.build_send)},
            {"parse_send_response", reinterpret_cast<const void*>(h.parse_send_response)},
            {"webhook_response", reinterpret_cast<const void*>(h.webhook_response)},
        };
        for (const auto& [hookName, fn] : required) {
            if (fn == nullptr)
                throw PluginLoadError(
                    path, std::string("required messaging hook ") + hookName + " is missing");
        }
    }
    if (d->capabilities & SB_CAP_TELEPHONY) {
        // The capability bit did not exist before 1.2, so an older plugin setting it means
        // something else by it; its table would also end before the telephony hooks.
        if (SB_ABI_MINOR(d->abi_version) < 2)
            throw PluginLoadError(path,
                                  "declares the telephony capability but was built for "
                                  "plugin ABI " +
                                      versionText(d->abi_version) + " (telephony needs 1.2)");
        if (h.struct_size < kHooksV12Size)
            throw PluginLoadError(path, "telephony plugin's hook table struct_size " +
                                            std::to_string(h.struct_size) +
                                            " lacks the telephony hooks");
        const std::pair<const char*, const void*> required[] = {
            {"telephony_carriers", reinterpret_cast<const void*>(h.telephony_carriers)},
            {"forwarding_codes", reinterpret_cast<const void*>(h.forwarding_codes)},
            {"build_verification_call", reinterpret_cast<const void*>(h.build_verification_call)},
            {"parse_verification_call_response",
             reinterpret_cast<const void*>(h.parse_verification_call_response)},
        };
        for (const auto& [hookName, fn] : required) {
            if (fn == nullptr)
                throw PluginLoadError(
                    path, std::string("required telephony hook ") + hookName + " is missing");
        }
    }
}

void checkDescriptor(const std::string& path, const sb_plugin_descriptor* d) {
    checkVersion(path, d);
    checkIdentity(path, d);
    checkCommonHooks(path, d);
    checkCapabilityHooks(path, d);
    requireJsonObject(path, "config schema", d->config_schema_json);
    checkConfigSchemaShape(path, d->config_schema_json);
    requireJsonObject(path, "default status table", d->default_status_table_json);
}

}  // namespace

std::unique_ptr<PluginLibrary> PluginLibrary::load(const std::string& path) {
    auto library = std::make_unique<Poco::SharedLibrary>();
    try {
        library->load(path);
    } catch (const Poco::Exception& e) {
        // what() says only "Cannot load library"; displayText() carries dlerror()'s cause.
        throw PluginLoadError(path, "cannot load: " + e.displayText());
    }
    if (!library->hasSymbol(SB_PLUGIN_ENTRY_SYMBOL))
        throw PluginLoadError(path, std::string("does not export ") + SB_PLUGIN_ENTRY_SYMBOL +
                                        " (not a Switchboard plugin?)");
    auto entry = reinterpret_cast<sb_plugin_entry_fn>(library->getSymbol(SB_PLUGIN_ENTRY_SYMBOL));
    const sb_plugin_descriptor* descriptor = nullptr;
    try {
        descriptor = entry(SB_ABI_VERSION, hostApi());
    } catch (...) {
        // The ABI forbids it, but a C++ plugin can still let one escape; unknown to the
        // host, it would end the process without naming the file.
        throw PluginLoadError(path, std::string(SB_PLUGIN_ENTRY_SYMBOL) +
                                        " threw an exception (the plugin ABI forbids it)");
    }
    checkDescriptor(path, descriptor);
    return std::unique_ptr<PluginLibrary>(new PluginLibrary(path, std::move(library), descriptor));
}

PluginLibrary::PluginLibrary(std::string path, std::unique_ptr<Poco::SharedLibrary> library,
                             const sb_plugin_descriptor* descriptor)
    : path_(std::move(path)), library_(std::move(library)), descriptor_(descriptor) {
    // Fields past the plugin's struct_size stay zero (NULL hooks); the checks above made
    // sure struct_size covers every hook its capabilities require.
    std::memcpy(&hooks_, descriptor->hooks,
                std::min<size_t>(descriptor->hooks->struct_size, sizeof(sb_plugin_hooks)));
}

PluginLibrary::~PluginLibrary() {
    // Unloading is deliberately skipped: a plugin may have registered atexit handlers or
    // thread-local destructors (through Poco or libstdc++) that would run after dlclose.
}

}  // namespace switchboard::plugin
