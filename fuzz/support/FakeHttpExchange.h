#pragma once

// An in-memory Poco HTTP server request/response pair, so http::Exchange (body limits,
// Content-Type check, JSON parsing, error responses) runs exactly as in the service without a
// socket or a server thread.
#include <Poco/AutoPtr.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/SocketAddress.h>

#include <sstream>
#include <string>

namespace switchboard::fuzz {

/// The response side: send() writes into a string instead of a socket.
class FakeServerResponse : public Poco::Net::HTTPServerResponse {
  public:
    void sendContinue() override {}
    std::ostream& send() override {
        sent_ = true;
        return body_;
    }
    void sendFile(const std::string&, const std::string&) override { sent_ = true; }
    void sendBuffer(const void* buffer, std::size_t length) override {
        sent_ = true;
        body_.write(static_cast<const char*>(buffer), static_cast<std::streamsize>(length));
    }
    void redirect(const std::string&, HTTPStatus) override { sent_ = true; }
    void requireAuthentication(const std::string&) override { sent_ = true; }
    bool sent() const override { return sent_; }

    /// Everything written through send()/sendBuffer(), headers excluded.
    std::string body() const { return body_.str(); }

  private:
    std::ostringstream body_;
    bool sent_ = false;
};

/// The request side: `body` is what stream() yields; Content-Length is set only when
/// `declareLength` (a chunked request has none, and Exchange must then count as it reads).
class FakeServerRequest : public Poco::Net::HTTPServerRequest {
  public:
    FakeServerRequest(FakeServerResponse& response, const std::string& method,
                      const std::string& uri, const std::string& contentType,
                      const std::string& body, bool declareLength);

    std::istream& stream() override { return body_; }
    const Poco::Net::SocketAddress& clientAddress() const override { return client_; }
    const Poco::Net::SocketAddress& serverAddress() const override { return server_; }
    const Poco::Net::HTTPServerParams& serverParams() const override { return *params_; }
    Poco::Net::HTTPServerResponse& response() const override { return response_; }
    bool secure() const override { return false; }

  private:
    FakeServerResponse& response_;
    std::istringstream body_;
    Poco::Net::SocketAddress client_{"203.0.113.7", 40000};
    Poco::Net::SocketAddress server_{"127.0.0.1", 8080};
    Poco::AutoPtr<Poco::Net::HTTPServerParams> params_{new Poco::Net::HTTPServerParams};
};

}  // namespace switchboard::fuzz
