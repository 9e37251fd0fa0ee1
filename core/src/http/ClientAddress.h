#pragma once

#include "util/CidrSet.h"

#include <Poco/Net/HTTPServerRequest.h>

#include <string>

namespace switchboard::http {

/// The address a request came from. When the socket peer is a trusted proxy, the client is
/// the right-most X-Forwarded-For entry that is not itself a trusted proxy (entries to its
/// left could have been forged by the client), else X-Real-IP; otherwise the peer's own
/// address. Headers from untrusted peers are ignored.
std::string clientAddress(const Poco::Net::HTTPServerRequest& request,
                          const util::CidrSet& trustedProxies);

}  // namespace switchboard::http
