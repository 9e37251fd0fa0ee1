#include "http/Router.h"

namespace switchboard::http {

void Router::add(const std::string& method, const std::string& path, Handler handler) {
    exact_[path][method] = std::move(handler);
}

void Router::addWithId(const std::string& method, const std::string& prefix, Handler handler) {
    prefixed_[prefix][method] = std::move(handler);
}

void Router::dispatch(Exchange& exchange, std::string& id) const {
    const std::string& path = exchange.path();
    const std::string& method = exchange.request().getMethod();
    const std::map<std::string, Handler>* methods = nullptr;
    if (auto it = exact_.find(path); it != exact_.end()) {
        methods = &it->second;
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
