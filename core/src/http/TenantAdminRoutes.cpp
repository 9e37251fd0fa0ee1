#include "http/JsonFields.h"
#include "http/JsonViews.h"
#include "http/Routes.h"
#include "util/IsoTime.h"
#include "util/JsonText.h"

#include <Poco/JSON/Array.h>

namespace switchboard::http {
namespace {

Poco::JSON::Object::Ptr keyJson(const store::ApiKeyInfo& k, store::TimeMs nowMs) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("id", k.id);
    o->set("prefix", k.prefix);
    o->set("label", k.label);
    o->set("source", k.source);
    o->set("createdAt", util::isoTime(k.createdAt));
    o->set("revokedAt", util::isoTimeOrNull(k.revokedAt));
    o->set("active", !k.revokedAt || *k.revokedAt > nowMs);
    return o;
}

Poco::JSON::Object::Ptr tenantJson(const tenancy::TenantView& v) {
    const store::Tenant& t = v.tenant;
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("id", t.id);
    o->set("name", t.name);
    o->set("businessName", t.businessName);
    o->set("defaultProvider", t.defaultProvider);
    o->set("disabled", t.disabled);
    o->set("disabledBy",
           t.disabledBy.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(t.disabledBy));
    o->set("source", t.source);
    o->set("createdAt", util::isoTime(t.createdAt));
    Poco::JSON::Array::Ptr nums = new Poco::JSON::Array;
    for (const auto& n : v.numbers) nums->add(n);
    o->set("numbers", nums);
    int active = 0;
    for (const auto& k : v.keys) active += (!k.revokedAt || *k.revokedAt > v.asOf) ? 1 : 0;
    o->set("activeKeys", active);
    return o;
}

Poco::JSON::Object::Ptr issuedKeyJson(const tenancy::IssuedKey& k) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("id", k.id);
    o->set("key", k.key);
    o->set("prefix", k.prefix);
    o->set("label", k.label);
    o->set("createdAt", util::isoTime(k.createdAt));
    o->set("notice", "store this key now: it is shown only once");
    return o;
}

Poco::JSON::Object::Ptr numbersJson(const std::vector<std::string>& numbers) {
    Poco::JSON::Object::Ptr root = new Poco::JSON::Object;
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    for (const auto& n : numbers) list->add(n);
    root->set("numbers", list);
    return root;
}

Poco::JSON::Array::Ptr keysJson(const tenancy::TenantView& v) {
    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
    for (const auto& k : v.keys) items->add(keyJson(k, v.asOf));
    return items;
}

tenancy::NewTenant newTenantOf(JsonFields& fields) {
    tenancy::NewTenant t;
    t.id = fields.string("id");
    t.name = fields.string("name");
    t.businessName = fields.optString("businessName").value_or("");
    t.defaultProvider = fields.string("defaultProvider");
    if (fields.has("numbers")) t.numbers = fields.stringList("numbers");
    t.keyLabel = fields.optString("label").value_or("");
    fields.finish();
    return t;
}

tenancy::TenantPatch patchOf(JsonFields& fields) {
    tenancy::TenantPatch patch;
    patch.name = fields.optString("name");
    patch.businessName = fields.optString("businessName");
    patch.defaultProvider = fields.optString("defaultProvider");
    patch.disabled = fields.optBool("disabled");
    fields.finish();
    return patch;
}

/// Tenants: create, list, show, edit/disable, assign numbers.
void addTenantRoutes(Router& router, tenancy::TenantAdminService& tenants,
                     const Authenticator& auth) {
    router.add("POST", "/api/admin/tenants", [&tenants, &auth](Exchange& ex) {
        auth.admin(ex);
        JsonFields fields(ex.jsonBody());
        auto [tenant, key] = tenants.create(newTenantOf(fields));
        Poco::JSON::Object::Ptr root = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        root->set("tenant", tenantJson(tenant));
        root->set("apiKey", issuedKeyJson(key));
        ex.sendJson(201, root);
    });

    router.add("GET", "/api/admin/tenants", [&tenants, &auth](Exchange& ex) {
        auth.admin(ex);
        store::PageRequest page = ex.page();
        std::int64_t total = 0;
        Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
        for (const auto& t : tenants.list(page, total)) items->add(tenantJson(t));
        ex.sendJson(200, pageJson(items, page, total));
    });

    router.add("GET", "/api/admin/tenants/{tenantId}", [&tenants, &auth](Exchange& ex) {
        auth.admin(ex);
        const tenancy::TenantView t = tenants.get(ex.pathParam("tenantId"));
        auto o = tenantJson(t);
        o->set("keys", keysJson(t));
        ex.sendJson(200, o);
    });

    // Edits the profile and enables/disables the tenant.
    router.add("PATCH", "/api/admin/tenants/{tenantId}", [&tenants, &auth](Exchange& ex) {
        auth.admin(ex);
        const std::string tenantId = ex.pathParam("tenantId");
        tenants.get(tenantId);  // 404 before the body is judged, as for every tenant path
        JsonFields fields(ex.jsonBody());
        ex.sendJson(200, tenantJson(tenants.update(tenantId, patchOf(fields))));
    });

    router.add("PUT", "/api/admin/tenants/{tenantId}/numbers", [&tenants, &auth](Exchange& ex) {
        auth.admin(ex);
        const std::string tenantId = ex.pathParam("tenantId");
        tenants.get(tenantId);
        JsonFields fields(ex.jsonBody());
        auto numbers = fields.stringList("numbers");
        fields.finish();
        ex.sendJson(200, numbersJson(tenants.replaceNumbers(tenantId, numbers)));
    });
}

/// A tenant's API keys: list, issue, revoke, rotate.
void addKeyRoutes(Router& router, tenancy::TenantAdminService& tenants, const Authenticator& auth) {
    router.add("GET", "/api/admin/tenants/{tenantId}/keys", [&tenants, &auth](Exchange& ex) {
        auth.admin(ex);
        ex.sendJson(200, listJson(keysJson(tenants.get(ex.pathParam("tenantId")))));
    });

    router.add("POST", "/api/admin/tenants/{tenantId}/keys", [&tenants, &auth](Exchange& ex) {
        auth.admin(ex);
        const std::string tenantId = ex.pathParam("tenantId");
        tenants.get(tenantId);
        JsonFields fields(ex.jsonBody());
        const std::string label = fields.optString("label").value_or("");
        fields.finish();
        ex.sendJson(201, issuedKeyJson(tenants.issueKey(tenantId, label)));
    });

    router.add("DELETE", "/api/admin/tenants/{tenantId}/keys/{keyId}",
               [&tenants, &auth](Exchange& ex) {
                   auth.admin(ex);
                   const std::string tenantId = ex.pathParam("tenantId");
                   tenants.get(tenantId);
                   const std::int64_t keyId = ex.pathId("keyId", "no such API key");
                   const store::TimeMs at = tenants.revokeKey(tenantId, keyId);
                   Poco::JSON::Object::Ptr root = new Poco::JSON::Object;
                   root->set("id", keyId);
                   root->set("revokedAt", util::isoTime(at));
                   ex.sendJson(200, root);
               });

    // Rotation: a new key now, the old one revoked after an optional grace period so clients
    // can switch without an outage.
    router.add("POST", "/api/admin/tenants/{tenantId}/keys/{keyId}/rotate",
               [&tenants, &auth](Exchange& ex) {
                   auth.admin(ex);
                   const std::string tenantId = ex.pathParam("tenantId");
                   tenants.get(tenantId);
                   const std::int64_t oldId = ex.pathId("keyId", "no such API key");
                   JsonFields fields(ex.jsonBody());
                   const std::int64_t grace =
                       fields
                           .optInt("graceSeconds", 0, tenancy::TenantAdminService::kMaxGraceSeconds)
                           .value_or(0);
                   const std::string label = fields.optString("label").value_or("");
                   fields.finish();
                   const auto rotated = tenants.rotateKey(tenantId, oldId, grace, label);
                   auto o = issuedKeyJson(rotated.key);
                   o->set("replacesKeyId", rotated.replacesKeyId);
                   o->set("replacedKeyRevokedAt", util::isoTime(rotated.replacedKeyRevokedAt));
                   ex.sendJson(201, o);
               });
}

}  // namespace

void addTenantAdminRoutes(Router& router, ServiceContext& ctx, const Authenticator& auth) {
    addTenantRoutes(router, ctx.tenantAdmin, auth);
    addKeyRoutes(router, ctx.tenantAdmin, auth);
}

}  // namespace switchboard::http
