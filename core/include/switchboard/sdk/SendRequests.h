// Building the HTTP request for a send to a JSON API. Header-only.
#pragma once

#include "switchboard/sdk/Plugin.h"
#include "switchboard/sdk/Types.h"

#include <Poco/JSON/Object.h>

#include <string>

namespace switchboard::sdk {

/// Input: the endpoint URL (absolute, already validated), the credential header as name and
/// full value (e.g. "Authorization", "Bearer <key>"; the value goes on the wire verbatim, so
/// config must have refused control characters in it), and the JSON body.
/// Output: POST <url> with headers, in this order, <authName>: <authValue>,
/// Content-Type: application/json, Accept: application/json, and the body as compact JSON
/// (key order as the object keeps it, so a JSON_PRESERVE_KEY_ORDER object gives readable
/// dry-run records). Accept asks for JSON because the plugins' response parsers read JSON
/// error bodies. Throws only what Poco's stringifier throws.
inline ProviderRequest jsonPostRequest(std::string url, std::string authName, std::string authValue,
                                       const Poco::JSON::Object& body) {
    ProviderRequest request;
    request.method = "POST";
    request.url = std::move(url);
    request.headers = {{std::move(authName), std::move(authValue)},
                       {"Content-Type", "application/json"},
                       {"Accept", "application/json"}};
    request.body = toJson(body);
    return request;
}

}  // namespace switchboard::sdk
