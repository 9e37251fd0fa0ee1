#include "http/JsonViews.h"
#include "http/Routes.h"
#include "util/JsonText.h"

namespace switchboard::http {
namespace {

Poco::JSON::Object::Ptr entryJson(const store::AuditEntry& e) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("id", e.id);
    o->set("at", util::isoTime(e.at));
    o->set("tenantId", e.tenantId.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(e.tenantId));
    o->set("actor", e.actor);
    o->set("action", e.action);
    o->set("target", e.target);
    try {
        o->set("detail", util::parseObject(e.detailJson));
    } catch (const Poco::Exception&) {
        o->set("detail", e.detailJson);
    }
    return o;
}

}  // namespace

void addAuditRoutes(Router& router, ServiceContext& ctx, const Authenticator& auth) {
    router.add("GET", "/api/admin/audit", [&audit = ctx.audit, &auth](Exchange& ex) {
        auth.admin(ex);
        store::AuditFilter filter;
        filter.tenantId = ex.query("tenantId").value_or("");
        filter.actor = ex.query("actor").value_or("");
        filter.action = ex.query("action").value_or("");
        filter.target = ex.query("target").value_or("");
        filter.from = ex.queryTime("from", false);
        filter.to = ex.queryTime("to", true);
        store::PageRequest page = ex.page();
        std::int64_t total = 0;
        Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
        for (const auto& e : audit.list(filter, page, total)) items->add(entryJson(e));
        ex.sendJson(200, pageJson(items, page, total));
    });
}

}  // namespace switchboard::http
