#include "http/Routes.h"

namespace switchboard::http {

void addHealthRoutes(Router& router, ServiceContext& ctx) {
    router.add("GET", "/healthz", [](Exchange& ex) {
        Poco::JSON::Object::Ptr root = new Poco::JSON::Object;
        root->set("status", "ok");
        ex.sendJson(200, root);
    });
    router.add("GET", "/readyz", [&ctx](Exchange& ex) {
        const bool up = ctx.storeReachable();
        Poco::JSON::Object::Ptr root = new Poco::JSON::Object;
        root->set("status", up ? "ready" : "unavailable");
        root->set("database", up ? "up" : "down");
        ex.sendJson(up ? 200 : 503, root);
    });
}

}  // namespace switchboard::http
