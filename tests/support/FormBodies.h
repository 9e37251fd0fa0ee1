// Form-encoded (application/x-www-form-urlencoded) bodies as Twilio's tests need them: what
// a provider posts to Switchboard, and what Switchboard posted to a fake provider.
// Header-only.
#pragma once

#include <Poco/URI.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace switchboard::testing {

/// Ordered name/value pairs (a key may repeat).
using FormParams = std::vector<std::pair<std::string, std::string>>;

/// `params` as a form body, each name and value percent-encoded per RFC 3986 (space as %20,
/// '+' as %2B), as Twilio's own SDK encodes them.
inline std::string formEncode(const FormParams& params) {
    std::string body;
    for (const auto& [key, value] : params) {
        std::string k, v;
        Poco::URI::encode(key, "!#$&'()*+,/:;=?@[]", k);
        Poco::URI::encode(value, "!#$&'()*+,/:;=?@[]", v);
        body += (body.empty() ? "" : "&") + k + "=" + v;
    }
    return body;
}

/// A form body's fields decoded by Poco (the last value of a repeated key wins).
inline std::map<std::string, std::string> formFields(const std::string& body) {
    Poco::URI uri;
    uri.setRawQuery(body);
    std::map<std::string, std::string> fields;
    for (const auto& [key, value] : uri.getQueryParameters()) fields[key] = value;
    return fields;
}

}  // namespace switchboard::testing
