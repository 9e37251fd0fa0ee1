// The benchmark's loopback peer, in two roles at once:
//  - the "raw Poco ceiling": a minimal Poco HTTPServer that reads each request and answers
//    200, the fastest any Poco-based webhook endpoint can be on this machine;
//  - the provider sink both gateways deliver to: every request that is not GET /count is
//    counted as one delivered message and answered 200 {"success":true,"id":<n>} (what
//    Switchboard's sms-retail plugin and Kannel's generic HTTP SMSC, with the regexes
//    bench/bench.py configures, both take as accepted with provider reference <n>).
// GET /count answers the number counted so far; GET /reset sets it to zero.
// Usage: bench_sink <port> [threads]. Binds 127.0.0.1 only. Stops on SIGINT/SIGTERM.
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/NullStream.h>
#include <Poco/StreamCopier.h>
#include <Poco/ThreadPool.h>

#include <unistd.h>
#include <atomic>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <string>

namespace {

std::atomic<long long> counted{0};
volatile std::sig_atomic_t stopping = 0;

class Handler : public Poco::Net::HTTPRequestHandler {
  public:
    void handleRequest(Poco::Net::HTTPServerRequest& request,
                       Poco::Net::HTTPServerResponse& response) override {
        Poco::NullOutputStream discard;
        Poco::StreamCopier::copyStream(request.stream(), discard);
        std::string body;
        if (request.getMethod() == "GET" && request.getURI() == "/count") {
            body = std::to_string(counted.load());
        } else if (request.getMethod() == "GET" && request.getURI() == "/reset") {
            counted = 0;
            body = "0";
        } else {
            body = R"({"success":true,"id":)" + std::to_string(++counted) + "}";
        }
        response.setStatus(Poco::Net::HTTPResponse::HTTP_OK);
        response.setContentType("application/json");
        response.setContentLength(static_cast<std::streamsize>(body.size()));
        response.send() << body;
    }
};

class Factory : public Poco::Net::HTTPRequestHandlerFactory {
  public:
    Poco::Net::HTTPRequestHandler* createRequestHandler(
        const Poco::Net::HTTPServerRequest&) override {
        return new Handler;
    }
};

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::cerr << "usage: bench_sink <port> [threads]\n";
        return 2;
    }
    const int port = std::atoi(argv[1]);
    const int threads = argc > 2 ? std::atoi(argv[2]) : 64;
    std::signal(SIGINT, [](int) { stopping = 1; });
    std::signal(SIGTERM, [](int) { stopping = 1; });
    Poco::ThreadPool pool(2, threads);
    auto* params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(threads);
    params->setMaxQueued(1024);
    params->setKeepAlive(true);
    // Each kept-alive client holds a thread: the gateways' pools must not starve /count.
    params->setKeepAliveTimeout(Poco::Timespan(2, 0));
    Poco::Net::ServerSocket socket(
        Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(port)));
    Poco::Net::HTTPServer server(new Factory, pool, socket, params);
    server.start();
    while (!stopping) ::usleep(100'000);
    server.stopAll(true);
    return 0;
}
