#include "support/FakeProviderServer.h"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>
#include <Poco/String.h>

#include <chrono>
#include <thread>

namespace switchboard::testing {
namespace {

class RecordingHandler : public Poco::Net::HTTPRequestHandler {
  public:
    explicit RecordingHandler(FakeProviderServer& owner) : owner_(owner) {}
    void handleRequest(Poco::Net::HTTPServerRequest& req,
                       Poco::Net::HTTPServerResponse& resp) override {
        RecordedRequest r;
        r.method = req.getMethod();
        r.uri = req.getURI();
        for (const auto& [k, v] : req) r.headers.emplace_back(k, v);
        Poco::StreamCopier::copyToString(req.stream(), r.body);
        ScriptedResponse answer = owner_.record(r);
        if (answer.beforeAnswer) answer.beforeAnswer(r);
        if (answer.delayMs > 0)
            std::this_thread::sleep_for(std::chrono::milliseconds(answer.delayMs));
        resp.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(answer.status));
        resp.setContentType(answer.contentType);
        for (const auto& [k, v] : answer.headers) resp.set(k, v);
        resp.setContentLength(static_cast<std::streamsize>(answer.body.size()));
        resp.send() << answer.body;
    }

  private:
    FakeProviderServer& owner_;
};

class Factory : public Poco::Net::HTTPRequestHandlerFactory {
  public:
    explicit Factory(FakeProviderServer& owner) : owner_(owner) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(
        const Poco::Net::HTTPServerRequest&) override {
        return new RecordingHandler(owner_);
    }

  private:
    FakeProviderServer& owner_;
};

}  // namespace

std::string RecordedRequest::header(const std::string& name) const {
    for (const auto& [k, v] : headers) {
        if (Poco::icompare(k, name) == 0) return v;
    }
    return {};
}

FakeProviderServer::FakeProviderServer() {
    Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
    auto* params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(8);
    server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(*this), socket, params);
    server_->start();
}

FakeProviderServer::~FakeProviderServer() { server_->stopAll(true); }

int FakeProviderServer::port() const { return server_->port(); }

void FakeProviderServer::enqueue(ScriptedResponse response) {
    std::lock_guard<std::mutex> lock(mutex_);
    queue_.push_back(std::move(response));
}

void FakeProviderServer::setDefault(ScriptedResponse response) {
    std::lock_guard<std::mutex> lock(mutex_);
    default_ = std::move(response);
}

std::vector<RecordedRequest> FakeProviderServer::requests() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return requests_;
}

std::size_t FakeProviderServer::requestCount() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return requests_.size();
}

bool FakeProviderServer::waitForRequests(std::size_t count, int timeoutMs) const {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
    while (std::chrono::steady_clock::now() < deadline) {
        if (requestCount() >= count) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return requestCount() >= count;
}

ScriptedResponse FakeProviderServer::record(RecordedRequest request) {
    std::lock_guard<std::mutex> lock(mutex_);
    requests_.push_back(std::move(request));
    if (queue_.empty()) return default_;
    ScriptedResponse next = queue_.front();
    queue_.pop_front();
    return next;
}

}  // namespace switchboard::testing
