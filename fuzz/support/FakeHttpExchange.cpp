#include "support/FakeHttpExchange.h"

namespace switchboard::fuzz {

FakeServerRequest::FakeServerRequest(FakeServerResponse& response, const std::string& method,
                                     const std::string& uri, const std::string& contentType,
                                     const std::string& body, bool declareLength)
    : response_(response), body_(body) {
    setMethod(method);
    setURI(uri);
    if (!contentType.empty()) setContentType(contentType);
    if (declareLength) setContentLength64(static_cast<Poco::Int64>(body.size()));
}

}  // namespace switchboard::fuzz
