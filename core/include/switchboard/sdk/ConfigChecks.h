// Validation of an instance's `config:` mapping that every plugin needs in the same form:
// credentials that end up in header lines, endpoint URLs, optional secrets, header names and
// operator-overridable field names. Meant for a plugin's constructor; every check throws
// BadInput naming the config key, which the host reports at start-up. Header-only.
//
// Why refuse rather than repair: a config that silently does something else (a secret that
// resolved to "" and so switches a check off, a newline that injects a header) is worse
// than a service that does not start.
#pragma once

#include "switchboard/sdk/Types.h"

#include <Poco/Exception.h>
#include <Poco/String.h>
#include <Poco/URI.h>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace switchboard::sdk {

/// True when `s` holds an ASCII control character (0x00-0x1F or DEL). Never throws.
inline bool hasControlCharacter(std::string_view s) {
    for (char c : s) {
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) return true;
    }
    return false;
}

/// Throws BadInput("<key> contains control characters") when `value` holds one: values that
/// go into a header line verbatim (API keys, auth schemes, sender ids) could otherwise
/// inject headers.
inline void rejectControlCharacters(const std::string& key, std::string_view value) {
    if (hasControlCharacter(value)) throw BadInput(key + " contains control characters");
}

/// Throws BadInput("<key> must not contain spaces or control characters") for a URL or
/// path that will be sent as-is (a space there is never what the operator meant, and Poco's
/// URI parser would accept it).
inline void rejectSpacesOrControlCharacters(const std::string& key, std::string_view value) {
    if (hasControlCharacter(value) || value.find(' ') != std::string_view::npos)
        throw BadInput(key + " must not contain spaces or control characters");
}

/// True when `s` is a non-empty RFC 9110 token (§5.6.2: letters, digits and
/// !#$%&'*+-.^_`|~), i.e. usable as a header name. Never throws.
inline bool isHeaderToken(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
        if (!ok) return false;
    }
    return true;
}

/// Input: config key and its default header name. Output: the configured header name,
/// surrounding whitespace trimmed (the default when the key is absent).
/// Throws BadInput("<key> is not a valid header name: '<value>'") unless it is a token.
inline std::string headerNameSetting(const InstanceConfig& config, const std::string& key,
                                     const std::string& fallback) {
    std::string name = Poco::trim(config.getString(key, fallback));
    if (!isHeaderToken(name)) throw BadInput(key + " is not a valid header name: '" + name + "'");
    return name;
}

/// Input: config key of a required string (typically an API key). Output: its value with
/// surrounding whitespace trimmed (pasted keys often carry a newline).
/// Throws BadInput("<key> is required") when absent, null, or empty after trimming.
inline std::string requiredSetting(const InstanceConfig& config, const std::string& key) {
    std::string value = Poco::trim(config.getString(key));
    if (value.empty()) throw BadInput(key + " is required");
    return value;
}

/// Whether optionalNonEmpty() trims surrounding whitespace. Secrets compared byte for byte
/// keep theirs (Keep); URLs and API keys sent on the wire drop it (Trim).
enum class Whitespace { Keep, Trim };

/// Input: config key of an optional string whose presence switches a feature on, and what
/// removing the key does (completes the error message, e.g. "disable the check").
/// Output: nullopt when the key is absent or null; else the value (trimmed per
/// `whitespace`).
/// Throws BadInput("<key> is empty; remove the key to <removeTo>") when it is present but
/// empty: YAML `${UNSET_VAR}` resolves to "" and must not quietly turn a feature off.
inline std::optional<std::string> optionalNonEmpty(const InstanceConfig& config,
                                                   const std::string& key,
                                                   const std::string& removeTo,
                                                   Whitespace whitespace = Whitespace::Keep) {
    if (!config.has(key)) return std::nullopt;
    std::string value = config.getString(key);
    if (whitespace == Whitespace::Trim) value = Poco::trim(value);
    if (value.empty()) throw BadInput(key + " is empty; remove the key to " + removeTo);
    return value;
}

/// Throws BadInput unless `url` (the value of config `key`) is an absolute http or https URL
/// with a host, as Poco::URI parses it: "<key> must be an absolute http(s) URL: '<url>'",
/// or "<key> is not a valid URL: '<url>'" when Poco cannot parse it. Other schemes are
/// refused because the host only speaks HTTP to providers.
inline void requireHttpUrl(const std::string& key, const std::string& url) {
    try {
        Poco::URI uri(url);
        if ((uri.getScheme() != "https" && uri.getScheme() != "http") || uri.getHost().empty())
            throw BadInput(key + " must be an absolute http(s) URL: '" + url + "'");
    } catch (const Poco::SyntaxException&) {
        throw BadInput(key + " is not a valid URL: '" + url + "'");
    }
}

/// Input: the config keys of a base URL and of a path below it, with their defaults (the
/// provider's documented or observed endpoint). Output: base URL without trailing '/'
/// followed by the path with exactly one leading '/', both trimmed; e.g.
/// "https://api.example.com/" + "v1/send" → "https://api.example.com/v1/send".
/// Throws BadInput per requireHttpUrl() for the base URL, and per
/// rejectSpacesOrControlCharacters() for the path.
inline std::string endpointUrl(const InstanceConfig& config, const std::string& baseKey,
                               const std::string& defaultBase, const std::string& pathKey,
                               const std::string& defaultPath) {
    std::string base = Poco::trim(config.getString(baseKey, defaultBase));
    requireHttpUrl(baseKey, base);
    while (!base.empty() && base.back() == '/') base.pop_back();
    std::string path = Poco::trim(config.getString(pathKey, defaultPath));
    rejectSpacesOrControlCharacters(pathKey, path);
    if (!path.empty() && path.front() != '/') path.insert(path.begin(), '/');
    return base + path;
}

/// Applies the config string_map under `key` over defaults already in the targets: `targets`
/// maps each allowed map key (e.g. "sender") to the field name it overrides. A partial map
/// overrides only what it names; values are used untrimmed.
/// Throws BadInput, refusing what would silently do nothing or misroute a field, when the
/// map names an unknown key ("<key>: unknown key '<k>' (expected one of a, b, ...)"), maps
/// a key to an empty or blank name ("<key>.<k> must not be empty"), or leaves two keys with
/// the same name ("<key>: field name '<name>' is used twice").
inline void applyFieldMap(const InstanceConfig& config, const std::string& key,
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

}  // namespace switchboard::sdk
