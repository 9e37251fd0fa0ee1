#include "http/Router.h"

#include <Poco/URI.h>

namespace switchboard::http {
namespace {

std::vector<std::string> splitPath(const std::string& path) {
    std::vector<std::string> segments;
    std::size_t start = 1;  // paths start with '/'
    while (start <= path.size()) {
        auto slash = path.find('/', start);
        if (slash == std::string::npos) slash = path.size();
        segments.push_back(path.substr(start, slash - start));
        start = slash + 1;
    }
    return segments;
}

bool isParameter(const std::string& segment) {
    return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

}  // namespace

void Router::add(const std::string& method, const std::string& path, Handler handler) {
    if (path.find('{') == std::string::npos) {
        exact_[path][method] = std::move(handler);
        return;
    }
    auto segments = splitPath(path);
    for (auto& t : templates_) {
        if (t.segments == segments) {
            t.methods[method] = std::move(handler);
            return;
        }
    }
    Template t;
    t.segments = std::move(segments);
    for (const auto& s : t.segments) t.literals += isParameter(s) ? 0 : 1;
    t.methods[method] = std::move(handler);
    templates_.push_back(std::move(t));
}

const Router::Template* Router::matchTemplate(const std::vector<std::string>& segments,
                                              std::map<std::string, std::string>& params) const {
    const Template* best = nullptr;
    for (const auto& t : templates_) {
        if (t.segments.size() != segments.size()) continue;
        if (best != nullptr && best->literals >= t.literals) continue;
        bool matches = true;
        for (std::size_t i = 0; i < segments.size() && matches; ++i) {
            matches =
                isParameter(t.segments[i]) ? !segments[i].empty() : t.segments[i] == segments[i];
        }
        if (matches) best = &t;
    }
    if (best == nullptr) return nullptr;
    for (std::size_t i = 0; i < segments.size(); ++i) {
        const auto& s = best->segments[i];
        if (!isParameter(s)) continue;
        std::string decoded;
        try {
            Poco::URI::decode(segments[i], decoded);
        } catch (const std::exception&) {
            decoded = segments[i];
        }
        params[s.substr(1, s.size() - 2)] = decoded;
    }
    return best;
}

void Router::addWithId(const std::string& method, const std::string& prefix, Handler handler) {
    prefixed_[prefix][method] = std::move(handler);
}

void Router::dispatch(Exchange& exchange, std::string& id) const {
    const std::string& path = exchange.path();
    const std::string& method = exchange.request().getMethod();
    const std::map<std::string, Handler>* methods = nullptr;
    std::map<std::string, std::string> params;
    if (auto it = exact_.find(path); it != exact_.end()) {
        methods = &it->second;
    } else if (const Template* t = matchTemplate(splitPath(path), params)) {
        methods = &t->methods;
        for (auto& [name, value] : params) exchange.setPathParam(name, value);
    } else {
        auto slash = path.rfind('/');
        if (slash != std::string::npos && slash + 1 < path.size()) {
            if (auto p = prefixed_.find(path.substr(0, slash)); p != prefixed_.end()) {
                methods = &p->second;
                id = path.substr(slash + 1);
            }
        }
    }
    if (methods == nullptr) throw ApiError(404, "not_found", "no such endpoint");
    auto handler = methods->find(method);
    if (handler == methods->end()) {
        std::string allowed;
        for (const auto& [m, h] : *methods) allowed += (allowed.empty() ? "" : ", ") + m;
        exchange.response().set("Allow", allowed);
        throw ApiError(405, "method_not_allowed", "use " + allowed + " on this endpoint");
    }
    handler->second(exchange);
}

}  // namespace switchboard::http
