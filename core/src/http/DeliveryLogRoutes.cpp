#include "http/JsonViews.h"
#include "http/Routes.h"
#include "http/TenantFacing.h"
#include "util/IsoTime.h"
#include "util/JsonText.h"

#include <cmath>

namespace switchboard::http {
namespace {

/// The filters shared by the tenant and admin views. `provider` names a channel for
/// tenants (proxy mode) and a provider instance id for the admin.
store::DeliveryLogFilter filterOf(const ServiceContext& ctx, const Exchange& ex, bool admin) {
    store::DeliveryLogFilter f;
    if (ex.query("contactId")) f.contactId = ex.queryInt("contactId", 0, 1, INT64_MAX);
    f.status = ex.query("status").value_or("");
    if (auto provider = ex.query("provider"); provider && !provider->empty()) {
        f.providerInstances =
            admin ? std::vector<std::string>{*provider} : instancesForChannel(ctx, *provider);
    }
    f.providerRef = ex.query("providerRef").value_or("");
    f.from = ex.queryTime("from", false);
    f.to = ex.queryTime("to", true);
    return f;
}

Poco::JSON::Object::Ptr contactOf(const store::DeliveryEvent& e) {
    if (!e.contactId) return nullptr;
    Poco::JSON::Object::Ptr c = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    c->set("id", *e.contactId);
    c->set("name", e.contactName);
    c->set("phone", e.contactPhone);
    return c;
}

/// An event as the tenant sees it (proxy mode): the channel name instead of the provider
/// instance, and none of the provider's raw status, error code, payload or callback address.
Poco::JSON::Object::Ptr tenantEventJson(const ServiceContext& ctx, const store::DeliveryEvent& e,
                                        bool withContact) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("id", e.id);
    o->set("messageId", e.messageId);
    o->set("providerRef", e.providerRef);
    o->set("channel", channelName(ctx, e.providerInstance));
    o->set("status", e.status);
    o->set("applied", e.applied);
    o->set("receivedAt", util::isoTime(e.receivedAt));
    if (withContact) {
        auto contact = contactOf(e);
        o->set("contact", contact ? Poco::Dynamic::Var(contact) : Poco::Dynamic::Var());
    }
    return o;
}

/// An event as the operator sees it: everything the provider sent.
Poco::JSON::Object::Ptr adminEventJson(const store::DeliveryEvent& e) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("id", e.id);
    o->set("messageId", e.messageId);
    o->set("tenantId", e.tenantId);
    o->set("providerRef", e.providerRef);
    o->set("provider", e.providerInstance);
    o->set("status", e.status);
    o->set("rawStatus", e.rawStatus);
    o->set("errorCode",
           e.errorCode.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(e.errorCode));
    o->set("applied", e.applied);
    o->set("receivedAt", util::isoTime(e.receivedAt));
    o->set("ip", e.ip);
    o->set("rawPayload", e.rawPayload);
    auto contact = contactOf(e);
    o->set("contact", contact ? Poco::Dynamic::Var(contact) : Poco::Dynamic::Var());
    return o;
}

double percent(std::int64_t part, std::int64_t total) {
    return total == 0
               ? 0.0
               : std::round(10000.0 * static_cast<double>(part) / static_cast<double>(total)) /
                     100.0;
}

/// The tenant whose log the admin reads: `tenantId` query parameter, required.
std::string adminTenantOf(ServiceContext& ctx, const Exchange& ex) {
    auto tenantId = ex.query("tenantId");
    if (!tenantId || tenantId->empty())
        throw ApiError(400, "invalid_parameter", "'tenantId' is required");
    ctx.deliveryLog.requireTenant(*tenantId);
    return *tenantId;
}

Poco::JSON::Object::Ptr summaryJson(const store::DeliverySummary& summary) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("totalEvents", summary.totalEvents);
    o->set("delivered", summary.delivered);
    o->set("deliveredPercent", percent(summary.delivered, summary.totalEvents));
    o->set("failed", summary.failed);
    o->set("failedPercent", percent(summary.failed, summary.totalEvents));
    o->set("meanSecondsToDeliver", summary.meanSecondsToDeliver
                                       ? Poco::Dynamic::Var(*summary.meanSecondsToDeliver)
                                       : Poco::Dynamic::Var());
    return o;
}

/// One outbound message of `tenantId` with all its events, oldest first; 404 otherwise.
void sendMessageLog(ServiceContext& ctx, Exchange& ex, const std::string& tenantId, std::int64_t id,
                    bool admin) {
    const auto log = ctx.deliveryLog.messageLog(tenantId, id);
    const store::Message* message = &log.message;
    const auto& events = log.events;
    Poco::JSON::Object::Ptr m = messageJson(*message);
    m->set("providerRef", message->providerRef.empty() ? Poco::Dynamic::Var()
                                                       : Poco::Dynamic::Var(message->providerRef));
    if (admin) {
        m->set("provider", message->providerInstance);
        m->set("errorDetail", message->errorDetail.empty()
                                  ? Poco::Dynamic::Var()
                                  : Poco::Dynamic::Var(message->errorDetail));
    } else {
        m->set("channel", channelName(ctx, message->providerInstance));
    }
    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
    for (const auto& e : events)
        items->add(admin ? adminEventJson(e) : tenantEventJson(ctx, e, false));
    Poco::JSON::Object::Ptr root = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    root->set("message", m);
    root->set("events", items);
    ex.sendJson(200, root);
}

}  // namespace

void addDeliveryLogRoutes(Router& router, ServiceContext& ctx, const Authenticator& auth) {
    router.add("GET", "/api/sms-delivery-log", [&ctx, &auth](Exchange& ex) {
        store::Tenant tenant = auth.tenant(ex);
        store::DeliveryLogFilter filter = filterOf(ctx, ex, false);
        store::PageRequest page = ex.page();
        std::int64_t total = 0;
        auto events = ctx.deliveryLog.events(tenant.id, filter, page, total);
        Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
        for (const auto& e : events) items->add(tenantEventJson(ctx, e, true));
        ex.sendJson(200, pageJson(items, page, total));
    });

    router.add("GET", "/api/sms-delivery-log/summary", [&ctx, &auth](Exchange& ex) {
        store::Tenant tenant = auth.tenant(ex);
        ex.sendJson(200, summaryJson(ctx.deliveryLog.summary(tenant.id, filterOf(ctx, ex, false))));
    });

    router.addWithId("GET", "/api/sms-delivery-log", [&ctx, &auth](Exchange& ex) {
        store::Tenant tenant = auth.tenant(ex);
        sendMessageLog(ctx, ex, tenant.id, ex.trailingId("no such message"), false);
    });

    // The operator's view of one tenant's log: provider instances, raw statuses and error
    // codes, callback addresses and raw payloads — everything proxy mode hides from tenants.
    router.add("GET", "/api/admin/sms-delivery-log", [&ctx, &auth](Exchange& ex) {
        auth.admin(ex);
        const std::string tenantId = adminTenantOf(ctx, ex);
        store::DeliveryLogFilter filter = filterOf(ctx, ex, true);
        store::PageRequest page = ex.page();
        std::int64_t total = 0;
        auto events = ctx.deliveryLog.events(tenantId, filter, page, total);
        Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
        for (const auto& e : events) items->add(adminEventJson(e));
        ex.sendJson(200, pageJson(items, page, total));
    });

    router.add("GET", "/api/admin/sms-delivery-log/summary", [&ctx, &auth](Exchange& ex) {
        auth.admin(ex);
        const std::string tenantId = adminTenantOf(ctx, ex);
        ex.sendJson(200, summaryJson(ctx.deliveryLog.summary(tenantId, filterOf(ctx, ex, true))));
    });

    router.addWithId("GET", "/api/admin/sms-delivery-log", [&ctx, &auth](Exchange& ex) {
        auth.admin(ex);
        const std::string tenantId = adminTenantOf(ctx, ex);
        sendMessageLog(ctx, ex, tenantId, ex.trailingId("no such message"), true);
    });

    router.add("GET", "/api/admin/failure-events", [&ctx, &auth](Exchange& ex) {
        auth.admin(ex);
        int limit = static_cast<int>(ex.queryInt("limit", 50, 1, 500));
        Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
        for (const auto& f : ctx.deliveryLog.latestFailures(limit)) {
            Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
            o->set("id", f.id);
            o->set("at", util::isoTime(f.at));
            o->set("tenantId", f.tenantId);
            o->set("messageId", f.messageId);
            o->set("status", f.status);
            o->set("source", f.source);
            o->set("detail", f.detail);
            items->add(o);
        }
        ex.sendJson(200, listJson(items));
    });
}

}  // namespace switchboard::http
