#include "http/Exchange.h"

#include "util/IsoTime.h"
#include "util/JsonText.h"

#include <Poco/JSON/Parser.h>
#include <Poco/String.h>

#include <algorithm>
#include <charconv>
#include <stdexcept>

namespace switchboard::http {

Exchange::Exchange(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response,
                   std::size_t maxBodyBytes)
    : request_(request), response_(response), maxBodyBytes_(maxBodyBytes) {
    const std::string& uri = request_.getURI();
    auto q = uri.find('?');
    path_ = uri.substr(0, q);
    query_ = q == std::string::npos ? std::string() : uri.substr(q + 1);
}

std::string Exchange::remoteAddr() const { return request_.clientAddress().host().toString(); }

const std::string& Exchange::body() {
    if (body_) return *body_;
    if (request_.hasContentLength() &&
        request_.getContentLength64() > static_cast<Poco::Int64>(maxBodyBytes_))
        throw ApiError(413, "body_too_large",
                       "request body exceeds " + std::to_string(maxBodyBytes_) + " bytes");
    std::string data;
    std::istream& in = request_.stream();
    char buffer[8192];
    while (in) {
        in.read(buffer, sizeof(buffer));
        data.append(buffer, static_cast<std::size_t>(in.gcount()));
        if (data.size() > maxBodyBytes_)
            throw ApiError(413, "body_too_large",
                           "request body exceeds " + std::to_string(maxBodyBytes_) + " bytes");
    }
    body_ = std::move(data);
    return *body_;
}

Poco::JSON::Object::Ptr Exchange::jsonBody() {
    std::string type = Poco::toLower(request_.getContentType());
    if (type.rfind("application/json", 0) != 0)
        throw ApiError(415, "unsupported_media_type", "Content-Type must be application/json");
    const std::string& text = body();
    if (text.empty())
        throw ApiError(400, "malformed_json", "request body is empty; a JSON object is required");
    try {
        Poco::JSON::Parser parser;
        Poco::Dynamic::Var parsed = parser.parse(text);
        if (parsed.type() != typeid(Poco::JSON::Object::Ptr))
            throw ApiError(400, "malformed_json", "request body must be a JSON object");
        return parsed.extract<Poco::JSON::Object::Ptr>();
    } catch (const ApiError&) {
        throw;
    } catch (const std::exception& e) {
        throw ApiError(400, "malformed_json", "request body is not valid JSON");
    }
}

std::optional<std::string> Exchange::query(const std::string& name) const {
    if (query_.empty()) return std::nullopt;
    try {
        Poco::URI uri("/?" + query_);
        for (const auto& [key, value] : uri.getQueryParameters()) {
            if (key == name) return value;
        }
    } catch (const Poco::Exception&) {
        throw ApiError(400, "invalid_parameter", "the query string is malformed");
    }
    return std::nullopt;
}

long long Exchange::queryInt(const std::string& name, long long fallback, long long min,
                             long long max) const {
    auto text = query(name);
    if (!text) return fallback;
    long long value = 0;
    auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
    if (ec != std::errc() || end != text->data() + text->size() || value < min || value > max)
        throw ApiError(400, "invalid_parameter",
                       "'" + name + "' must be an integer from " + std::to_string(min) + " to " +
                           std::to_string(max));
    return value;
}

store::PageRequest Exchange::page() const {
    store::PageRequest page;
    page.page = static_cast<int>(queryInt("page", 1, 1, 1'000'000));
    page.limit = static_cast<int>(std::min<long long>(queryInt("limit", 50, 1, 1'000'000), 100));
    return page;
}

std::int64_t Exchange::positiveId(const std::string& text, const std::string& what) {
    std::int64_t id = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
    if (text.empty() || text.size() > 18 || text.front() < '0' || text.front() > '9' ||
        ec != std::errc() || end != text.data() + text.size() || id <= 0)
        throw ApiError(404, "not_found", what);
    return id;
}

std::int64_t Exchange::trailingId(const std::string& what) const {
    return positiveId(path_.substr(path_.rfind('/') + 1), what);
}

std::optional<std::int64_t> Exchange::queryTime(const std::string& name, bool endOfDay) const {
    auto text = query(name);
    if (!text) return std::nullopt;
    auto ms = util::parseIsoTime(*text, endOfDay);
    if (!ms)
        throw ApiError(
            400, "invalid_parameter",
            "'" + name + "' must be an ISO 8601 date or date-time, e.g. 2026-02-25T10:30:00Z");
    return ms;
}

const std::string& Exchange::pathParam(const std::string& name) const {
    auto it = pathParams_.find(name);
    if (it == pathParams_.end()) throw std::logic_error("route has no path parameter " + name);
    return it->second;
}

std::optional<std::string> Exchange::bearerToken() const {
    if (!request_.has("Authorization")) return std::nullopt;
    const std::string& value = request_.get("Authorization");
    if (value.size() <= 7 || Poco::icompare(value.substr(0, 7), std::string("Bearer ")) != 0)
        return std::nullopt;
    return Poco::trim(value.substr(7));
}

void Exchange::sendText(int status, const std::string& contentType, const std::string& body) {
    response_.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
    response_.setContentType(contentType);
    response_.setContentLength(static_cast<std::streamsize>(body.size()));
    response_.set("Cache-Control", "no-store");
    response_.send() << body;
    sent_ = true;
}

void Exchange::sendJson(int status, const Poco::Dynamic::Var& json) {
    sendText(status, "application/json; charset=utf-8", util::toJson(json));
}

void Exchange::sendError(int status, const std::string& code, const std::string& message) {
    Poco::JSON::Object::Ptr error = new Poco::JSON::Object;
    error->set("code", code);
    error->set("message", message);
    Poco::JSON::Object::Ptr root = new Poco::JSON::Object;
    root->set("error", error);
    sendJson(status, root);
}

}  // namespace switchboard::http
