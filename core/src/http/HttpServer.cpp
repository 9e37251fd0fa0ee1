#include "http/HttpServer.h"

#include "http/RequestReadErrors.h"
#include "util/JsonText.h"

#include <Poco/Logger.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponseImpl.h>
#include <Poco/Net/HTTPServerSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/TCPServerConnection.h>
#include <Poco/Net/TCPServerConnectionFactory.h>
#include <Poco/Timestamp.h>

namespace switchboard::http {
namespace {

using Poco::Net::HTTPServerParams;
using Poco::Net::HTTPServerRequestImpl;
using Poco::Net::HTTPServerResponseImpl;
using Poco::Net::HTTPServerSession;

/// The session whose body reads know about the request deadline and about truncation.
class DeadlineSession : public HTTPServerSession {
  public:
    DeadlineSession(const Poco::Net::StreamSocket& socket, HTTPServerParams::Ptr params,
                    const ConnectionRegistry& registry, ConnectionRegistry::Id id)
        : HTTPServerSession(socket, params), registry_(registry), id_(id) {}

    /// A new request: `framed` when its body has a declared end (Content-Length or
    /// chunked), so running out of data before it means truncation.
    void startBody(bool framed) {
        framed_ = framed;
        bodyBytes_ = 0;
    }
    std::uint64_t bodyBytes() const { return bodyBytes_; }

    int read(char* buffer, std::streamsize length) override {
        if (registry_.expired(id_)) throw RequestTimeout(tooSlow());
        int n = 0;
        try {
            n = HTTPServerSession::read(buffer, length);
        } catch (const Poco::TimeoutException&) {
            throw RequestTimeout(tooSlow());
        } catch (const Poco::Exception&) {
            if (registry_.expired(id_)) throw RequestTimeout(tooSlow());
            throw;
        }
        if (n > 0) {
            bodyBytes_ += static_cast<std::uint64_t>(n);
            return n;
        }
        if (registry_.expired(id_)) throw RequestTimeout(tooSlow());
        if (framed_) throw IncompleteBody("the connection closed before the request body ended");
        return n;
    }

  private:
    std::string tooSlow() const {
        return "the request was not received within " +
               std::to_string(registry_.requestDeadline().count() / 1000) + " s";
    }

    const ConnectionRegistry& registry_;
    const ConnectionRegistry::Id id_;
    bool framed_ = false;
    std::uint64_t bodyBytes_ = 0;
};

std::string errorBody(const std::string& code, const std::string& message) {
    Poco::JSON::Object::Ptr error = new Poco::JSON::Object;
    error->set("code", code);
    error->set("message", message);
    Poco::JSON::Object::Ptr root = new Poco::JSON::Object;
    root->set("error", error);
    return util::toJson(root);
}

/// Answers a request no handler will see, and ends the connection after it.
void sendError(HTTPServerSession& session, Poco::Net::HTTPResponse::HTTPStatus status,
               const std::string& code, const std::string& message) {
    session.setKeepAlive(false);
    try {
        HTTPServerResponseImpl response(session);
        response.setVersion(Poco::Net::HTTPMessage::HTTP_1_1);
        response.setStatusAndReason(status);
        response.setKeepAlive(false);
        response.setContentType("application/json; charset=utf-8");
        response.set("Cache-Control", "no-store");
        const std::string body = errorBody(code, message);
        response.setContentLength(static_cast<std::streamsize>(body.size()));
        response.send() << body;
    } catch (const std::exception&) {
        // The client is gone; nobody to tell.
    }
}

// Poco's MessageHeader reader (1.11) refuses more than 100 fields, names over 256 bytes
// and values over 8 KiB with these messages; anything else is malformed HTTP.
bool isTooManyHeaders(const Poco::Net::MessageException& e) {
    return e.message().rfind("Too many header fields", 0) == 0;
}
bool isHeaderTooLong(const Poco::Net::MessageException& e) {
    for (const char* prefix :
         {"Field name too long", "Field value too long", "Folded field value too long"}) {
        if (e.message().rfind(prefix, 0) == 0) return true;
    }
    return false;
}

class GuardedConnection : public Poco::Net::TCPServerConnection {
  public:
    GuardedConnection(const Poco::Net::StreamSocket& socket, HTTPServerParams::Ptr params,
                      Poco::Net::HTTPRequestHandlerFactory::Ptr factory,
                      std::shared_ptr<ConnectionRegistry> registry, int maxHeaderCount)
        : TCPServerConnection(socket),
          params_(std::move(params)),
          factory_(std::move(factory)),
          registry_(std::move(registry)),
          maxHeaderCount_(maxHeaderCount) {}

    void run() override {
        const ConnectionRegistry::Id id = registry_->add(socket());
        try {
            DeadlineSession session(socket(), params_, *registry_, id);
            // Declared after the session, so destroyed before it: the connection leaves the
            // registry before the session closes its socket.
            struct Unregister {
                ConnectionRegistry& registry;
                ConnectionRegistry::Id id;
                ~Unregister() { registry.remove(id); }
            } unregister{*registry_, id};
            while (session.hasMoreRequests()) {
                if (!registry_->beginRequest(id)) break;
                const bool again = serveOne(session, id);
                if (!registry_->endRequest(id) || !again) break;
            }
            if (unreadInput_) linger();
        } catch (const std::exception& e) {
            registry_->remove(id);
            Poco::Logger::get("http").debug("connection ended: %s", std::string(e.what()));
        }
    }

  private:
    /// Closing with unread request bytes in the socket makes the kernel answer with a reset,
    /// which can destroy the error response before the client reads it. So: stop sending,
    /// then read and discard what is still coming — briefly and boundedly.
    void linger() {
        try {
            socket().shutdownSend();
            socket().setReceiveTimeout(Poco::Timespan(0, 200'000));
            char buffer[8192];
            std::size_t drained = 0;
            const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(500);
            while (drained < 256 * 1024 && std::chrono::steady_clock::now() < until) {
                const int n = socket().receiveBytes(buffer, sizeof(buffer));
                if (n <= 0) break;
                drained += static_cast<std::size_t>(n);
            }
        } catch (const Poco::Exception&) {
            // Timed out or reset: done either way.
        }
    }

    /// Answers a request no handler saw (its input may not have been read to the end).
    void refuse(HTTPServerSession& session, Poco::Net::HTTPResponse::HTTPStatus status,
                const std::string& code, const std::string& message) {
        unreadInput_ = true;
        sendError(session, status, code, message);
    }

    /// One request; false when the connection must close after it.
    bool serveOne(DeadlineSession& session, ConnectionRegistry::Id id) {
        auto& log = Poco::Logger::get("http");
        const std::string peer = peerAddress();
        try {
            HTTPServerResponseImpl response(session);
            HTTPServerRequestImpl request(response, session, params_.get());
            // Cut mid-headers, Poco's reader takes the end of data for the end of the header
            // block: what it parsed is a fragment and must not be served.
            if (registry_->expired(id)) return cut(session, peer, "headers not complete in time");
            const bool chunked = request.getChunkedTransferEncoding();
            session.startBody(chunked ||
                              (request.hasContentLength() && request.getContentLength64() > 0));

            response.setDate(Poco::Timestamp());
            response.setVersion(request.getVersion());
            response.setKeepAlive(params_->getKeepAlive() && request.getKeepAlive() &&
                                  session.canKeepAlive());
            const std::string server = params_->getSoftwareVersion();
            if (!server.empty()) response.set("Server", server);

            if (static_cast<int>(request.size()) > maxHeaderCount_) {
                log.warning("request from %s refused: %d header fields (limit %d)", peer,
                            static_cast<int>(request.size()), maxHeaderCount_);
                refuse(
                    session, Poco::Net::HTTPResponse::HTTP_REQUEST_HEADER_FIELDS_TOO_LARGE,
                    "too_many_headers",
                    "at most " + std::to_string(maxHeaderCount_) + " header fields are accepted");
                return false;
            }

            // Body read failures (deadline, truncation) must surface as exceptions; a
            // std::istream swallows them into badbit otherwise.
            request.stream().exceptions(std::ios::badbit);
            std::unique_ptr<Poco::Net::HTTPRequestHandler> handler(
                factory_->createRequestHandler(request));
            if (!handler) {
                refuse(session, Poco::Net::HTTPResponse::HTTP_NOT_IMPLEMENTED, "not_implemented",
                       "no handler for this request");
                return false;
            }
            if (request.getExpectContinue()) response.sendContinue();
            handler->handleRequest(request, response);

            const bool drained =
                request.stream().eof() ||
                (!chunked && request.hasContentLength() &&
                 session.bodyBytes() >= static_cast<std::uint64_t>(request.getContentLength64())) ||
                (!chunked && !request.hasContentLength() &&
                 (request.getMethod() == "GET" || request.getMethod() == "HEAD" ||
                  request.getMethod() == "DELETE"));
            const bool keepAlive = params_->getKeepAlive() && response.getKeepAlive() &&
                                   session.canKeepAlive() && drained && !registry_->expired(id);
            unreadInput_ = !drained;
            session.setKeepAlive(keepAlive);
            return keepAlive;
        } catch (const RequestTimeout& e) {
            return cut(session, peer, e.what());
        } catch (const Poco::TimeoutException&) {
            return cut(session, peer, "no data within the read timeout");
        } catch (const Poco::Net::NoMessageException&) {
            // The peer closed between requests — or the deadline shut a request that had
            // sent nothing parsable yet.
            if (registry_->expired(id)) return cut(session, peer, "request deadline passed");
            return false;
        } catch (const Poco::Net::MessageException& e) {
            if (registry_->expired(id)) return cut(session, peer, "request deadline passed");
            if (isTooManyHeaders(e)) {
                log.warning("request from %s refused: more than 100 header fields", peer);
                refuse(
                    session, Poco::Net::HTTPResponse::HTTP_REQUEST_HEADER_FIELDS_TOO_LARGE,
                    "too_many_headers",
                    "at most " + std::to_string(maxHeaderCount_) + " header fields are accepted");
                return false;
            }
            if (isHeaderTooLong(e)) {
                log.warning("request from %s refused: %s", peer, e.message());
                refuse(session, Poco::Net::HTTPResponse::HTTP_REQUEST_HEADER_FIELDS_TOO_LARGE,
                       "header_too_large",
                       "header names are limited to 256 bytes and values to 8192 bytes");
                return false;
            }
            log.information("request from %s refused: %s", peer, e.displayText());
            refuse(session, Poco::Net::HTTPResponse::HTTP_BAD_REQUEST, "malformed_request",
                   "the request is not valid HTTP");
            return false;
        } catch (const Poco::Exception& e) {
            if (registry_->expired(id)) return cut(session, peer, "request deadline passed");
            log.debug("connection from %s ended: %s", peer, e.displayText());
            return false;
        }
    }

    bool cut(DeadlineSession& session, const std::string& peer, const std::string& why) {
        Poco::Logger::get("http").warning(
            "request from %s cut off: %s (request_timeout_s is %d)", peer, why,
            static_cast<int>(registry_->requestDeadline().count() / 1000));
        refuse(session, Poco::Net::HTTPResponse::HTTP_REQUEST_TIMEOUT, "request_timeout",
               "the request was not received in time");
        return false;
    }

    std::string peerAddress() {
        try {
            return socket().peerAddress().host().toString();
        } catch (const Poco::Exception&) {
            return "-";
        }
    }

    HTTPServerParams::Ptr params_;
    Poco::Net::HTTPRequestHandlerFactory::Ptr factory_;
    std::shared_ptr<ConnectionRegistry> registry_;
    int maxHeaderCount_;
    bool unreadInput_ = false;  ///< closing may leave request bytes unread
};

class GuardedConnectionFactory : public Poco::Net::TCPServerConnectionFactory {
  public:
    GuardedConnectionFactory(HTTPServerParams::Ptr params,
                             Poco::Net::HTTPRequestHandlerFactory::Ptr factory,
                             std::shared_ptr<ConnectionRegistry> registry, int maxHeaderCount)
        : params_(std::move(params)),
          factory_(std::move(factory)),
          registry_(std::move(registry)),
          maxHeaderCount_(maxHeaderCount) {}

    Poco::Net::TCPServerConnection* createConnection(
        const Poco::Net::StreamSocket& socket) override {
        return new GuardedConnection(socket, params_, factory_, registry_, maxHeaderCount_);
    }

  private:
    HTTPServerParams::Ptr params_;
    Poco::Net::HTTPRequestHandlerFactory::Ptr factory_;
    std::shared_ptr<ConnectionRegistry> registry_;
    int maxHeaderCount_;
};

}  // namespace

HttpServer::HttpServer(Poco::Net::HTTPRequestHandlerFactory::Ptr factory, Poco::ThreadPool& threads,
                       const Poco::Net::ServerSocket& socket, HTTPServerParams::Ptr params,
                       int maxHeaderCount)
    : registry_(std::make_shared<ConnectionRegistry>(
          std::chrono::milliseconds(params->getTimeout().totalMilliseconds()))) {
    server_ = std::make_unique<Poco::Net::TCPServer>(
        new GuardedConnectionFactory(params, std::move(factory), registry_, maxHeaderCount),
        threads, socket, params);
}

HttpServer::~HttpServer() = default;

void HttpServer::start() { server_->start(); }

void HttpServer::stopAll() {
    server_->stop();
    registry_->stopAll();
}

int HttpServer::port() const { return server_->port(); }

}  // namespace switchboard::http
