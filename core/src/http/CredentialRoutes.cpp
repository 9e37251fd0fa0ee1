#include "http/JsonViews.h"
#include "http/Routes.h"
#include "util/JsonText.h"

#include <Poco/JSON/Array.h>

namespace switchboard::http {
namespace {

Poco::JSON::Object::Ptr summaryJson(const store::CredentialSummary& s) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("provider", s.provider);
    o->set("createdAt", util::isoTime(s.createdAt));
    o->set("updatedAt", util::isoTime(s.updatedAt));
    return o;
}

}  // namespace

void addCredentialRoutes(Router& router, const Authenticator& auth,
                         credentials::TenantCredentialService& service) {
    router.add("PUT", "/api/credentials/{provider}", [&auth, &service](Exchange& ex) {
        store::Tenant tenant = auth.tenant(ex);
        auto body = ex.jsonBody();
        ex.sendJson(200, summaryJson(service.put(tenant, ex.pathParam("provider"), *body)));
    });

    router.add("GET", "/api/credentials", [&auth, &service](Exchange& ex) {
        store::Tenant tenant = auth.tenant(ex);
        Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
        for (const auto& s : service.list(tenant)) items->add(summaryJson(s));
        ex.sendJson(200, listJson(items));
    });

    router.add("DELETE", "/api/credentials/{provider}", [&auth, &service](Exchange& ex) {
        store::Tenant tenant = auth.tenant(ex);
        const std::string& name = ex.pathParam("provider");
        service.remove(tenant, name);
        Poco::JSON::Object::Ptr root = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        root->set("provider", name);
        root->set("deleted", true);
        ex.sendJson(200, root);
    });

    router.add("POST", "/api/admin/credentials/rotate", [&auth, &service](Exchange& ex) {
        auth.admin(ex);
        if (!service.enabled())
            throw ApiError(501, "byoc_disabled", "no master key is configured (credentials)");
        auto report = service.rotate("admin");
        Poco::JSON::Object::Ptr root = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        root->set("activeKeyId", report.activeKeyId);
        root->set("reencrypted", report.resealed);
        root->set("changedConcurrently", report.skipped);
        root->set("failed", report.failed);
        root->set("remainingUnderOtherKeys", [&] {
            std::int64_t remaining = 0;
            for (const auto& [id, rows] : service.rowsPerKey())
                if (id != report.activeKeyId) remaining += rows;
            return remaining;
        }());
        ex.sendJson(200, root);
    });

    router.add("GET", "/api/admin/credentials/keys", [&auth, &service](Exchange& ex) {
        auth.admin(ex);
        auto counts = service.rowsPerKey();
        const auto& cipher = service.cipher();
        Poco::JSON::Array::Ptr keys = new Poco::JSON::Array;
        auto add = [&](const std::string& id, bool configured) {
            Poco::JSON::Object::Ptr k = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
            k->set("id", id);
            k->set("active", id == cipher.activeKeyId());
            k->set("configured", configured);
            auto it = counts.find(id);
            k->set("rows", it == counts.end() ? std::int64_t{0} : it->second);
            keys->add(k);
        };
        for (const auto& id : cipher.keyIds()) add(id, true);
        // Rows sealed under a key that is no longer configured cannot be opened: show them.
        for (const auto& [id, rows] : counts)
            if (!cipher.hasKey(id)) add(id, false);
        Poco::JSON::Object::Ptr root = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        root->set("enabled", service.enabled());
        root->set("activeKeyId", cipher.enabled() ? Poco::Dynamic::Var(cipher.activeKeyId())
                                                  : Poco::Dynamic::Var());
        root->set("keys", keys);
        ex.sendJson(200, root);
    });
}

}  // namespace switchboard::http
