#pragma once

#include "http/ConnectionRegistry.h"

#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/TCPServer.h>
#include <Poco/ThreadPool.h>

#include <memory>

namespace switchboard::http {

/// The HTTP listener: Poco's TCPServer with our own per-connection loop (in place of
/// Poco::Net::HTTPServer's) so that, before any handler runs,
///  - a whole request must arrive within `params->getTimeout()` of its first byte
///    (ConnectionRegistry), not merely each socket read: slow clients get 408 and are cut
///    off while the other worker threads keep serving;
///  - a request with more than `maxHeaderCount` header fields gets 431 (Poco's own
///    reader stops at 100 fields, also answered 431), other unparsable requests 400 — both
///    as {"error": {"code", "message"}};
///  - request-body reads throw RequestTimeout / IncompleteBody (RequestReadErrors.h) instead
///    of ending quietly with a truncated body;
///  - a connection whose request body was not read to the end (e.g. refused before it was
///    read) is closed after the response, so the rest is never parsed as a request.
/// Keep-alive, the thread pool, queueing and the handler factory work as in HTTPServer.
class HttpServer {
  public:
    /// `params` supplies threads/queue (via the pool), keep-alive and the timeout.
    HttpServer(Poco::Net::HTTPRequestHandlerFactory::Ptr factory, Poco::ThreadPool& threads,
               const Poco::Net::ServerSocket& socket, Poco::Net::HTTPServerParams::Ptr params,
               int maxHeaderCount);
    ~HttpServer();

    void start();
    /// Stops accepting; idle keep-alive connections close at once, requests in progress
    /// finish and their connections close after them (join the pool to wait for that).
    void stopAll();
    int port() const;

  private:
    std::shared_ptr<ConnectionRegistry> registry_;
    std::unique_ptr<Poco::Net::TCPServer> server_;
};

}  // namespace switchboard::http
