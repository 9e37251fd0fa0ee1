#include "support/HttpCall.h"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/StreamCopier.h>
#include <Poco/String.h>

namespace switchboard::testing {

std::string HttpResult::header(const std::string& name) const {
    for (const auto& [k, v] : headers) {
        if (Poco::icompare(k, name) == 0) return v;
    }
    return {};
}

HttpResult httpCall(int port, const std::string& method, const std::string& pathAndQuery,
                    const std::vector<std::pair<std::string, std::string>>& headers,
                    const std::string& body) {
    Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(port));
    session.setTimeout(Poco::Timespan(5, 0));
    Poco::Net::HTTPRequest request(method, pathAndQuery, Poco::Net::HTTPMessage::HTTP_1_1);
    for (const auto& [k, v] : headers) request.set(k, v);
    if (!body.empty() || method == "POST" || method == "PUT")
        request.setContentLength(static_cast<std::streamsize>(body.size()));
    session.sendRequest(request) << body;
    Poco::Net::HTTPResponse response;
    std::istream& in = session.receiveResponse(response);
    HttpResult result;
    result.status = static_cast<int>(response.getStatus());
    for (const auto& [k, v] : response) result.headers.emplace_back(k, v);
    Poco::StreamCopier::copyToString(in, result.body);
    return result;
}

int freePort() {
    Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
    int port = socket.address().port();
    socket.close();
    return port;
}

}  // namespace switchboard::testing
