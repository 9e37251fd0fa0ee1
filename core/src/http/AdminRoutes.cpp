#include "http/JsonFields.h"
#include "http/JsonViews.h"
#include "http/Routes.h"
#include "util/IsoTime.h"
#include "util/JsonText.h"

namespace switchboard::http {
namespace {

Poco::JSON::Object::Ptr refusalsJson(const admin::WebhookRefusals& r) {
    Poco::JSON::Object::Ptr byReason = new Poco::JSON::Object;
    for (const auto& [code, count] : r.byReason) byReason->set(code, count);
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("since", util::isoTime(r.since));
    o->set("total", r.total);
    o->set("byReason", byReason);
    return o;
}

Poco::JSON::Object::Ptr readinessJson(const admin::ReplyReadiness& r) {
    const store::Message& reply = r.reply;
    Poco::JSON::Object::Ptr root = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    root->set("tenantId", r.tenantId);
    root->set("inboundMessageId", r.inboundMessageId);
    root->set("provider", reply.providerInstance);
    root->set("replyContext",
              util::parseObject(reply.replyContextJson.empty() ? "{}" : reply.replyContextJson));
    root->set("warning",
              reply.warning.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(reply.warning));
    if (!r.request) {
        root->set("ready", false);
        root->set("reason", r.notBuiltReason);
        return root;
    }
    Poco::JSON::Object::Ptr shown = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    shown->set("method", r.request->method);
    shown->set("url", r.request->url);
    shown->set("headers", util::parseObject(r.request->headersJson));
    shown->set("body", r.request->body);
    root->set("credentials", r.tenantCredentials ? "tenant" : "operator");
    root->set("ready", reply.warning.empty());
    root->set("request", shown);
    return root;
}

}  // namespace

void addAdminRoutes(Router& router, ServiceContext& ctx, const Authenticator& auth) {
    auto& admin = ctx.admin;
    router.add("GET", "/api/admin/webhook/events", [&admin, &auth](Exchange& ex) {
        auth.admin(ex);
        int limit = static_cast<int>(ex.queryInt("limit", 50, 1, 500));
        Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
        for (const auto& e : admin.latestWebhookEvents(limit)) items->add(webhookEventJson(e));
        ex.sendJson(200, listJson(items));
    });

    router.add("GET", "/api/admin/webhook/last", [&admin, &auth](Exchange& ex) {
        auth.admin(ex);
        auto latest = admin.latestWebhookEvents(1);
        Poco::JSON::Object::Ptr root = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        root->set("event", latest.empty() ? Poco::Dynamic::Var()
                                          : Poco::Dynamic::Var(webhookEventJson(latest.front())));
        root->set("refusals", refusalsJson(admin.recentRefusals()));
        ex.sendJson(200, root);
    });

    // Trace a provider's id (an outbound provider reference or an inbound MO id) to the
    // message without database access, across tenants.
    router.add("GET", "/api/admin/messages", [&admin, &auth](Exchange& ex) {
        auth.admin(ex);
        store::AdminMessageFilter filter;
        filter.providerRef = ex.query("providerRef").value_or("");
        filter.providerInstance = ex.query("provider").value_or("");
        filter.direction = ex.query("direction").value_or("");
        filter.tenantId = ex.query("tenantId").value_or("");
        const store::PageRequest page = ex.page();
        std::int64_t total = 0;
        Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
        for (const auto& m : admin.searchMessages(filter, page, total))
            items->add(adminMessageJson(m));
        ex.sendJson(200, pageJson(items, page, total));
    });

    router.add("GET", "/api/admin/dry-run", [&admin, &auth](Exchange& ex) {
        auth.admin(ex);
        int limit = static_cast<int>(ex.queryInt("limit", 20, 1, 500));
        std::optional<std::int64_t> messageId;
        if (ex.query("messageId")) messageId = ex.queryInt("messageId", 0, 1, INT64_MAX);
        Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
        for (const auto& r : admin.latestDryRuns(limit, messageId)) items->add(dryRunJson(r));
        ex.sendJson(200, listJson(items));
    });

    // Seed 000's "Test Reply Readiness": the exact provider request a reply to the tenant's
    // latest inbound message would send (secrets masked), neither stored nor sent.
    router.add("GET", "/api/admin/reply-readiness", [&admin, &auth](Exchange& ex) {
        auth.admin(ex);
        auto tenantId = ex.query("tenantId");
        if (!tenantId || tenantId->empty())
            throw ApiError(400, "invalid_parameter", "'tenantId' is required");
        ex.sendJson(200, readinessJson(admin.replyReadiness(*tenantId)));
    });

    router.add("GET", "/api/admin/modem-routes", [&admin, &auth](Exchange& ex) {
        auth.admin(ex);
        Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
        for (const auto& r : admin.modemRoutes()) items->add(modemRouteJson(r));
        ex.sendJson(200, listJson(items));
    });

    router.add("PUT", "/api/admin/modem-routes", [&admin, &auth](Exchange& ex) {
        auth.admin(ex);
        JsonFields fields(ex.jsonBody());
        store::ModemRoute route;
        route.providerInstance = fields.string("provider");
        route.modem = fields.string("modem");
        route.port = fields.string("port");
        route.tenantId = fields.string("tenantId");
        fields.finish();
        ex.sendJson(200, modemRouteJson(admin.setModemRoute(route)));
    });
}

}  // namespace switchboard::http
