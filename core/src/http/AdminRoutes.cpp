#include "http/JsonFields.h"
#include "http/JsonViews.h"
#include "http/Routes.h"
#include "store/AuditRepository.h"
#include "store/DryRunRepository.h"
#include "store/ModemRouteRepository.h"
#include "store/TenantRepository.h"
#include "store/WebhookEventRepository.h"
#include "util/JsonText.h"

namespace switchboard::http {

void addAdminRoutes(Router& router, ServiceContext& ctx, const Authenticator& auth) {
    router.add("GET", "/api/admin/webhook/events", [&ctx, &auth](Exchange& ex) {
        auth.admin(ex);
        int limit = static_cast<int>(ex.queryInt("limit", 50, 1, 500));
        Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
        for (const auto& e : store::WebhookEventRepository(ctx.db).latest(limit))
            items->add(webhookEventJson(e));
        Poco::JSON::Object::Ptr root = new Poco::JSON::Object;
        root->set("data", items);
        ex.sendJson(200, root);
    });

    router.add("GET", "/api/admin/webhook/last", [&ctx, &auth](Exchange& ex) {
        auth.admin(ex);
        auto latest = store::WebhookEventRepository(ctx.db).latest(1);
        Poco::JSON::Object::Ptr root = new Poco::JSON::Object;
        root->set("event", latest.empty() ? Poco::Dynamic::Var()
                                          : Poco::Dynamic::Var(webhookEventJson(latest.front())));
        ex.sendJson(200, root);
    });

    router.add("GET", "/api/admin/dry-run", [&ctx, &auth](Exchange& ex) {
        auth.admin(ex);
        int limit = static_cast<int>(ex.queryInt("limit", 20, 1, 500));
        std::optional<std::int64_t> messageId;
        if (ex.query("messageId")) messageId = ex.queryInt("messageId", 0, 1, INT64_MAX);
        Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
        for (const auto& r : store::DryRunRepository(ctx.db).latest(limit, messageId))
            items->add(dryRunJson(r));
        Poco::JSON::Object::Ptr root = new Poco::JSON::Object;
        root->set("data", items);
        ex.sendJson(200, root);
    });

    router.add("GET", "/api/admin/modem-routes", [&ctx, &auth](Exchange& ex) {
        auth.admin(ex);
        Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
        for (const auto& r : store::ModemRouteRepository(ctx.db).all())
            items->add(modemRouteJson(r));
        Poco::JSON::Object::Ptr root = new Poco::JSON::Object;
        root->set("data", items);
        ex.sendJson(200, root);
    });

    router.add("PUT", "/api/admin/modem-routes", [&ctx, &auth](Exchange& ex) {
        auth.admin(ex);
        JsonFields fields(ex.jsonBody());
        store::ModemRoute route;
        route.providerInstance = fields.string("provider");
        route.modem = fields.string("modem");
        route.port = fields.string("port");
        route.tenantId = fields.string("tenantId");
        fields.finish();
        if (ctx.providers.find(route.providerInstance) == nullptr)
            throw ApiError(400, "invalid_field",
                           "'provider' is not a configured provider instance");
        if (!store::TenantRepository(ctx.db).get(route.tenantId))
            throw ApiError(400, "invalid_field", "'tenantId' is not a known tenant");
        route.source = "manual";
        route.updatedAt = ctx.clock.nowMs();
        store::ModemRouteRepository(ctx.db).setManual(route);
        ctx.db.write([&](Poco::Data::Session& s) {
            store::AuditRepository::append(
                s, route.tenantId, "admin", "modem_route.set",
                route.providerInstance + "/" + route.modem + "/" + route.port,
                util::toJson(modemRouteJson(route)), route.updatedAt);
        });
        ex.sendJson(200, modemRouteJson(route));
    });
}

}  // namespace switchboard::http
