#pragma once

#include <string>
#include <utility>
#include <vector>

namespace switchboard::testing {

struct HttpResult {
    int status = 0;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    std::string header(const std::string& name) const;
};

/// One HTTP/1.1 request to 127.0.0.1:`port` with Poco's client (5 s timeouts).
/// `headers` are sent as given; a non-empty body gets Content-Length.
HttpResult httpCall(int port, const std::string& method, const std::string& pathAndQuery,
                    const std::vector<std::pair<std::string, std::string>>& headers = {},
                    const std::string& body = "");

/// A free TCP port on 127.0.0.1 (bound then released; good enough for tests).
int freePort();

}  // namespace switchboard::testing
