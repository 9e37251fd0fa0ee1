#include "http/ClientAddress.h"
#include "http/Routes.h"

#include <memory>

#include <Poco/String.h>

namespace switchboard::http {

void addWebhookRoutes(Router& router, ServiceContext& ctx) {
    auto proxies = std::make_shared<util::CidrSet>();
    for (const auto& proxy : ctx.config.server.trustedProxies) proxies->add(proxy);
    for (const auto& route : ctx.config.routes) {
        router.add("POST", route.path, [&ctx, &route, proxies](Exchange& ex) {
            plugin::WebhookRequest request;
            request.method = ex.request().getMethod();
            request.path = ex.path();
            request.query = ex.rawQuery();
            for (const auto& [name, value] : ex.request())
                request.headers.emplace_back(Poco::toLower(name), value);
            request.body = ex.body();
            request.remoteAddr = clientAddress(ex.request(), *proxies);
            std::string base = ctx.config.server.publicBaseUrl;
            if (base.empty()) base = "http://" + ex.request().getHost();
            request.publicUrl = base + ex.request().getURI();
            request.receivedAtMs = ctx.clock.nowMs();
            messaging::WebhookReply reply = ctx.webhooks.handle(route, request);
            ex.sendText(reply.status, reply.contentType, reply.body);
        });
    }
}

}  // namespace switchboard::http
