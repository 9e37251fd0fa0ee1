#include "http/ClientAddress.h"

#include <Poco/Net/IPAddress.h>
#include <Poco/String.h>
#include <Poco/StringTokenizer.h>

#include <vector>

namespace switchboard::http {

std::string clientAddress(const Poco::Net::HTTPServerRequest& request,
                          const util::CidrSet& trustedProxies) {
    const std::string peer = request.clientAddress().host().toString();
    if (trustedProxies.empty() || !trustedProxies.contains(peer)) return peer;
    if (request.has("X-Forwarded-For")) {
        Poco::StringTokenizer hops(
            request.get("X-Forwarded-For"), ",",
            Poco::StringTokenizer::TOK_TRIM | Poco::StringTokenizer::TOK_IGNORE_EMPTY);
        for (auto it = hops.end(); it != hops.begin();) {
            --it;
            Poco::Net::IPAddress parsed;
            if (!Poco::Net::IPAddress::tryParse(*it, parsed))
                break;  // garbage: stop believing the chain
            if (!trustedProxies.contains(*it)) return *it;
        }
    }
    if (request.has("X-Real-IP")) {
        std::string real = Poco::trim(request.get("X-Real-IP"));
        Poco::Net::IPAddress parsed;
        if (Poco::Net::IPAddress::tryParse(real, parsed)) return real;
    }
    return peer;
}

}  // namespace switchboard::http
