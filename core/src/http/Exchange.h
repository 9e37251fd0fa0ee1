#pragma once

#include "http/ApiError.h"
#include "store/Records.h"

#include <Poco/JSON/Object.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/URI.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace switchboard::http {

/// One request/response pair with the checks every endpoint shares: bounded body reads,
/// JSON content type and parsing, query parameters, and the JSON/error responses.
class Exchange {
  public:
    Exchange(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response,
             std::size_t maxBodyBytes);

    Poco::Net::HTTPServerRequest& request() { return request_; }
    Poco::Net::HTTPServerResponse& response() { return response_; }
    const std::string& path() const { return path_; }
    const std::string& rawQuery() const { return query_; }
    std::string remoteAddr() const;

    /// The raw body, at most maxBodyBytes. Throws ApiError 413 body_too_large when the
    /// declared or actual length exceeds it (without reading the excess).
    const std::string& body();

    /// The body as a JSON object. Throws ApiError 415 unsupported_media_type unless the
    /// Content-Type is application/json, 400 malformed_json for invalid JSON or a
    /// non-object, 413 as body().
    Poco::JSON::Object::Ptr jsonBody();

    /// First value of a query parameter (percent-decoded), or nullopt.
    std::optional<std::string> query(const std::string& name) const;

    /// Integer query parameter within [min, max]; ApiError 400 invalid_parameter naming it.
    long long queryInt(const std::string& name, long long fallback, long long min,
                       long long max) const;

    /// `page` (≥ 1, default 1) and `limit` (default 50; above 100 is clamped to 100, so a
    /// client asking for "all" gets the most) query parameters; 400 invalid_parameter.
    store::PageRequest page() const;

    /// The positive integer id that ends the path (".../messages/42"); ApiError 404
    /// not_found with `what` otherwise — a malformed id names nothing that exists.
    std::int64_t trailingId(const std::string& what) const;

    /// The positive integer id in path parameter `name` ("{keyId}"); 404 as trailingId.
    std::int64_t pathId(const std::string& name, const std::string& what) const {
        return positiveId(pathParam(name), what);
    }

    /// `text` as a positive integer id (at most 18 digits, nothing else); ApiError 404
    /// not_found "`what`" otherwise.
    static std::int64_t positiveId(const std::string& text, const std::string& what);

    /// An ISO 8601 date or date-time query parameter as ms since the epoch (a bare date
    /// means its start, or its end when `endOfDay`); nullopt when absent, ApiError 400
    /// invalid_parameter naming it when malformed.
    std::optional<std::int64_t> queryTime(const std::string& name, bool endOfDay) const;

    /// A "{name}" segment of the route template that matched (percent-decoded). Throws
    /// std::logic_error when the route has no such parameter — a wiring bug, not bad input.
    const std::string& pathParam(const std::string& name) const;
    void setPathParam(const std::string& name, std::string value) {
        pathParams_[name] = std::move(value);
    }

    /// The value of "Authorization: Bearer <token>", or nullopt.
    std::optional<std::string> bearerToken() const;

    void sendJson(int status, const Poco::Dynamic::Var& json);
    void sendText(int status, const std::string& contentType, const std::string& body);
    void sendError(int status, const std::string& code, const std::string& message);
    bool sent() const { return sent_; }

  private:
    Poco::Net::HTTPServerRequest& request_;
    Poco::Net::HTTPServerResponse& response_;
    std::size_t maxBodyBytes_;
    std::string path_;
    std::string query_;
    std::optional<std::string> body_;
    std::map<std::string, std::string> pathParams_;
    bool sent_ = false;
};

}  // namespace switchboard::http
