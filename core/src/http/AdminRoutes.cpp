#include "http/JsonFields.h"
#include "http/JsonViews.h"
#include "http/Routes.h"
#include "messaging/ProviderRequestCodec.h"
#include "messaging/SendRequestBuilder.h"
#include "store/AuditRepository.h"
#include "store/DryRunRepository.h"
#include "store/MessageRepository.h"
#include "store/ModemRouteRepository.h"
#include "store/TenantRepository.h"
#include "store/WebhookEventRepository.h"
#include "util/IsoTime.h"
#include "util/JsonText.h"
#include "util/SecretMasker.h"

namespace switchboard::http {
namespace {

constexpr store::TimeMs kRefusalWindowMs = 24LL * 3600 * 1000;

}  // namespace

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
        store::WebhookEventRepository events(ctx.db);
        auto latest = events.latest(1);
        Poco::JSON::Object::Ptr root = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        root->set("event", latest.empty() ? Poco::Dynamic::Var()
                                          : Poco::Dynamic::Var(webhookEventJson(latest.front())));
        // Refused callbacks of the last 24 h by cause, so a misconfigured route (wrong
        // secret, missing allow-list entry) shows without reading the event list.
        const store::TimeMs since = ctx.clock.nowMs() - kRefusalWindowMs;
        Poco::JSON::Object::Ptr byReason = new Poco::JSON::Object;
        std::int64_t total = 0;
        for (const auto& [code, count] : events.refusalsByReason(since)) {
            byReason->set(code, count);
            total += count;
        }
        Poco::JSON::Object::Ptr refusals = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        refusals->set("since", util::isoTime(since));
        refusals->set("total", total);
        refusals->set("byReason", byReason);
        root->set("refusals", refusals);
        ex.sendJson(200, root);
    });

    // Trace a provider's id (an outbound provider reference or an inbound MO id) to the
    // message without database access, across tenants.
    router.add("GET", "/api/admin/messages", [&ctx, &auth](Exchange& ex) {
        auth.admin(ex);
        store::AdminMessageFilter filter;
        filter.providerRef = ex.query("providerRef").value_or("");
        filter.providerInstance = ex.query("provider").value_or("");
        filter.direction = ex.query("direction").value_or("");
        filter.tenantId = ex.query("tenantId").value_or("");
        if (!filter.direction.empty() && filter.direction != "inbound" &&
            filter.direction != "outbound")
            throw ApiError(400, "invalid_parameter", "'direction' must be inbound or outbound");
        const store::PageRequest page = ex.page();
        std::int64_t total = 0;
        Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
        for (const auto& m : store::MessageRepository(ctx.db).search(filter, page, total))
            items->add(adminMessageJson(m));
        ex.sendJson(200, pageJson(items, page, total));
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

    // Seed 000's "Test Reply Readiness": builds the exact provider request a reply to the
    // tenant's latest inbound message would send — through the same code as a real reply —
    // and shows it (secrets masked) without storing or sending anything.
    router.add("GET", "/api/admin/reply-readiness", [&ctx, &auth](Exchange& ex) {
        auth.admin(ex);
        auto tenantId = ex.query("tenantId");
        if (!tenantId || tenantId->empty())
            throw ApiError(400, "invalid_parameter", "'tenantId' is required");
        auto tenant = store::TenantRepository(ctx.db).get(*tenantId);
        if (!tenant) throw ApiError(404, "not_found", "no such tenant");
        std::int64_t total = 0;
        auto latest = store::MessageRepository(ctx.db).list(tenant->id, "inbound", {1, 1}, total);
        if (latest.empty())
            throw ApiError(404, "no_inbound", "the tenant has no inbound message to reply to yet");
        messaging::ReplyRequest request;
        request.inboundMessageId = latest.front().id;
        request.text = "Reply readiness check";
        store::Message reply = ctx.sends.prepareReply(*tenant, request);
        reply.tenantId = tenant->id;  // set when queued; the tenant's credentials depend on it

        Poco::JSON::Object::Ptr root = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        root->set("tenantId", tenant->id);
        root->set("inboundMessageId", latest.front().id);
        root->set("provider", reply.providerInstance);
        root->set(
            "replyContext",
            util::parseObject(reply.replyContextJson.empty() ? "{}" : reply.replyContextJson));
        root->set("warning",
                  reply.warning.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(reply.warning));
        // Built as the dispatcher would, so a tenant with its own carrier account is
        // shown its own request (and its secrets stay masked).
        messaging::BuiltSendRequest built;
        try {
            built = messaging::SendRequestBuilder(ctx.providers, ctx.tenantProviders).build(reply);
        } catch (const messaging::SendRequestError& e) {
            root->set("ready", false);
            root->set("reason", util::SecretMasker::instance().mask(e.what()));
            ex.sendJson(200, root);
            return;
        }
        const auto& outgoing = built.request;
        Poco::JSON::Object::Ptr shown = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        shown->set("method", outgoing.method);
        shown->set("url", util::SecretMasker::instance().mask(built.mask(outgoing.url)));
        shown->set("headers",
                   util::parseObject(built.mask(messaging::maskedHeadersJson(outgoing))));
        shown->set("body", util::SecretMasker::instance().mask(built.mask(outgoing.body)));
        root->set("credentials", built.tenantProvider ? "tenant" : "operator");
        root->set("ready", reply.warning.empty());
        root->set("request", shown);
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
