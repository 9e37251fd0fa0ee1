#include "messaging/ProviderHttpClient.h"

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/String.h>
#include <Poco/Timestamp.h>
#include <Poco/URI.h>

#include <memory>

namespace switchboard::messaging {
namespace {

Poco::Net::Context::Ptr tlsContext() {
    static Poco::Net::Context::Ptr context = new Poco::Net::Context(
        Poco::Net::Context::TLS_CLIENT_USE, "", "", "", Poco::Net::Context::VERIFY_RELAXED, 9, true,
        "ALL:!ADH:!LOW:!EXP:!MD5:@STRENGTH");
    return context;
}

}  // namespace

ProviderHttpClient::ProviderHttpClient(int connectTimeoutMs, int readTimeoutMs)
    : connectTimeoutMs_(connectTimeoutMs), readTimeoutMs_(readTimeoutMs) {}

ProviderExchange ProviderHttpClient::execute(const OutgoingRequest& request) const {
    ProviderExchange exchange;
    Poco::Timestamp started;
    try {
        Poco::URI uri(request.url);
        std::unique_ptr<Poco::Net::HTTPClientSession> session;
        if (uri.getScheme() == "https") {
            session = std::make_unique<Poco::Net::HTTPSClientSession>(uri.getHost(), uri.getPort(),
                                                                      tlsContext());
        } else if (uri.getScheme() == "http") {
            session = std::make_unique<Poco::Net::HTTPClientSession>(uri.getHost(), uri.getPort());
        } else {
            exchange.error = "unsupported URL scheme '" + uri.getScheme() + "'";
            return exchange;
        }
        session->setTimeout(Poco::Timespan(0, connectTimeoutMs_ * 1000),
                            Poco::Timespan(0, readTimeoutMs_ * 1000),
                            Poco::Timespan(0, readTimeoutMs_ * 1000));
        session->setKeepAlive(false);
        Poco::Net::HTTPRequest req(request.method,
                                   uri.getPathAndQuery().empty() ? "/" : uri.getPathAndQuery(),
                                   Poco::Net::HTTPMessage::HTTP_1_1);
        for (const auto& [name, value] : request.headers) req.set(name, value);
        req.setContentLength(static_cast<std::streamsize>(request.body.size()));
        session->sendRequest(req) << request.body;
        Poco::Net::HTTPResponse response;
        std::istream& in = session->receiveResponse(response);
        exchange.status = static_cast<int>(response.getStatus());
        for (const auto& [name, value] : response)
            exchange.headers.emplace_back(Poco::toLower(name), value);
        char buffer[8192];
        while (in && exchange.body.size() < kMaxResponseBytes) {
            in.read(buffer, sizeof(buffer));
            exchange.body.append(buffer, static_cast<std::size_t>(in.gcount()));
        }
        if (exchange.body.size() > kMaxResponseBytes) exchange.body.resize(kMaxResponseBytes);
        exchange.delivered = true;
    } catch (const Poco::Exception& e) {
        exchange.delivered = false;
        exchange.error = e.displayText();
    } catch (const std::exception& e) {
        exchange.delivered = false;
        exchange.error = e.what();
    }
    exchange.elapsedMs = started.elapsed() / 1000;
    return exchange;
}

}  // namespace switchboard::messaging
