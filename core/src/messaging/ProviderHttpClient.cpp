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
    static const Poco::Net::Context::Ptr context = [] {
        Poco::Net::Context::Ptr created = new Poco::Net::Context(
            Poco::Net::Context::TLS_CLIENT_USE, "", "", "", Poco::Net::Context::VERIFY_RELAXED, 9,
            true, "ALL:!ADH:!LOW:!EXP:!MD5:@STRENGTH");
        // Lets a new connection to an endpoint resume its last TLS session (abbreviated
        // handshake).
        created->enableSessionCache(true);
        return created;
    }();
    return context;
}

}  // namespace

ProviderHttpClient::ProviderHttpClient(int connectTimeoutMs, int readTimeoutMs)
    : connectTimeoutMs_(connectTimeoutMs), readTimeoutMs_(readTimeoutMs) {}

ProviderHttpClient::~ProviderHttpClient() = default;

namespace {

std::string endpointOf(const Poco::URI& uri) {
    return uri.getScheme() + "://" + uri.getHost() + ":" + std::to_string(uri.getPort());
}

}  // namespace

std::unique_ptr<Poco::Net::HTTPClientSession> ProviderHttpClient::acquire(
    const Poco::URI& uri) const {
    const std::string endpoint = endpointOf(uri);
    Poco::Net::Session::Ptr tls;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        auto it = idle_.find(endpoint);
        if (it != idle_.end() && !it->second.empty()) {
            auto session = std::move(it->second.back());
            it->second.pop_back();
            return session;
        }
        if (auto t = tlsSessions_.find(endpoint); t != tlsSessions_.end()) tls = t->second;
    }
    std::unique_ptr<Poco::Net::HTTPClientSession> session;
    if (uri.getScheme() == "https") {
        session = std::make_unique<Poco::Net::HTTPSClientSession>(uri.getHost(), uri.getPort(),
                                                                  tlsContext(), tls);
    } else {
        session = std::make_unique<Poco::Net::HTTPClientSession>(uri.getHost(), uri.getPort());
    }
    session->setTimeout(Poco::Timespan(0, connectTimeoutMs_ * 1000),
                        Poco::Timespan(0, readTimeoutMs_ * 1000),
                        Poco::Timespan(0, readTimeoutMs_ * 1000));
    session->setKeepAlive(true);
    session->setKeepAliveTimeout(Poco::Timespan(kIdleTimeoutS, 0));
    ++opened_;
    return session;
}

void ProviderHttpClient::release(const Poco::URI& uri,
                                 std::unique_ptr<Poco::Net::HTTPClientSession> session) const {
    const std::string endpoint = endpointOf(uri);
    std::lock_guard<std::mutex> lock(mutex_);
    if (auto* https = dynamic_cast<Poco::Net::HTTPSClientSession*>(session.get())) {
        if (auto tls = https->sslSession()) tlsSessions_[endpoint] = tls;
    }
    auto& pool = idle_[endpoint];
    if (pool.size() < kMaxIdlePerEndpoint) pool.push_back(std::move(session));
}

ProviderExchange ProviderHttpClient::execute(const OutgoingRequest& request) const {
    ProviderExchange exchange;
    Poco::Timestamp started;
    try {
        Poco::URI uri(request.url);
        if (uri.getScheme() != "https" && uri.getScheme() != "http") {
            exchange.error = "unsupported URL scheme '" + uri.getScheme() + "'";
            return exchange;
        }
        auto session = acquire(uri);
        Poco::Net::HTTPRequest req(request.method,
                                   uri.getPathAndQuery().empty() ? "/" : uri.getPathAndQuery(),
                                   Poco::Net::HTTPMessage::HTTP_1_1);
        for (const auto& [name, value] : request.headers) req.set(name, value);
        req.setKeepAlive(true);
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
        // Only a connection whose whole answer was read, and that the provider keeps open,
        // can carry the next request.
        const bool complete = in.eof() && exchange.body.size() <= kMaxResponseBytes;
        if (exchange.body.size() > kMaxResponseBytes) exchange.body.resize(kMaxResponseBytes);
        exchange.delivered = true;
        if (complete && response.getKeepAlive()) release(uri, std::move(session));
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
