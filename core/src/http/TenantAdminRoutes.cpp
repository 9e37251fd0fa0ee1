#include "http/JsonFields.h"
#include "http/JsonViews.h"
#include "http/Routes.h"
#include "store/AuditRepository.h"
#include "store/TenantRepository.h"
#include "util/Digest.h"
#include "util/E164.h"
#include "util/JsonText.h"
#include "util/RandomToken.h"

#include <Poco/JSON/Array.h>
#include <Poco/Logger.h>

#include <regex>
#include <set>

namespace switchboard::http {
namespace {

constexpr std::int64_t kMaxGraceSeconds = 7 * 24 * 3600;

bool validTenantId(const std::string& id) {
    static const std::regex slug("^[a-z0-9][a-z0-9_-]{0,62}$");
    return std::regex_match(id, slug);
}

std::string requireName(const std::string& name) {
    if (name.empty() || name.size() > 200)
        throw ApiError(400, "invalid_field", "'name' must be 1 to 200 characters");
    return name;
}

std::string requireProvider(const ServiceContext& ctx, const std::string& instance) {
    if (ctx.providers.find(instance) == nullptr)
        throw ApiError(400, "invalid_field",
                       "'defaultProvider' is not a configured provider instance");
    return instance;
}

std::vector<std::string> requireNumbers(const std::vector<std::string>& numbers) {
    std::set<std::string> seen;
    for (const auto& n : numbers) {
        if (!util::isE164(n))
            throw ApiError(400, "invalid_phone",
                           "'numbers' must hold E.164 numbers: '+' and 7 to 15 digits");
        if (!seen.insert(n).second)
            throw ApiError(400, "invalid_field", "'numbers' lists " + n + " twice");
    }
    return numbers;
}

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

Poco::JSON::Object::Ptr tenantJson(const store::Tenant& t, const std::vector<std::string>& numbers,
                                   const std::vector<store::ApiKeyInfo>& keys,
                                   store::TimeMs nowMs) {
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
    for (const auto& n : numbers) nums->add(n);
    o->set("numbers", nums);
    int active = 0;
    for (const auto& k : keys) active += (!k.revokedAt || *k.revokedAt > nowMs) ? 1 : 0;
    o->set("activeKeys", active);
    return o;
}

/// The tenant named by the path, or 404.
store::Tenant tenantOf(ServiceContext& ctx, Exchange& ex) {
    auto tenant = store::TenantRepository(ctx.db).get(ex.pathParam("tenantId"));
    if (!tenant) throw ApiError(404, "not_found", "no such tenant");
    return *tenant;
}

struct IssuedKey {
    std::int64_t id = 0;
    std::string key;
    std::string prefix;
    std::string label;
};

/// Creates a key inside the caller's transaction; only its hash and prefix are stored.
IssuedKey issueKey(Poco::Data::Session& s, const std::string& tenantId, const std::string& label,
                   store::TimeMs at) {
    IssuedKey k;
    k.key = util::newApiKey();
    k.prefix = k.key.substr(0, util::kApiKeyPrefixLength);
    k.label = label;
    k.id = store::TenantRepository::insertKey(s, tenantId, util::sha256Hex(k.key), k.prefix, label,
                                              at);
    return k;
}

Poco::JSON::Object::Ptr issuedKeyJson(const IssuedKey& k, store::TimeMs at) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("id", k.id);
    o->set("key", k.key);
    o->set("prefix", k.prefix);
    o->set("label", k.label);
    o->set("createdAt", util::isoTime(at));
    o->set("notice", "store this key now: it is shown only once");
    return o;
}

std::string labelOf(JsonFields& fields) {
    std::string label = fields.optString("label").value_or("");
    if (label.size() > 100) throw ApiError(400, "invalid_field", "'label' is at most 100 bytes");
    return label;
}

void audit(Poco::Data::Session& s, const std::string& tenantId, const std::string& action,
           const std::string& target, const Poco::JSON::Object& detail, store::TimeMs at) {
    store::AuditRepository::append(s, tenantId, "admin", action, target, util::toJson(detail), at);
}

}  // namespace

void addTenantAdminRoutes(Router& router, ServiceContext& ctx, const Authenticator& auth) {
    router.add("POST", "/api/admin/tenants", [&ctx, &auth](Exchange& ex) {
        auth.admin(ex);
        JsonFields fields(ex.jsonBody());
        store::Tenant t;
        t.id = fields.string("id");
        t.name = requireName(fields.string("name"));
        t.businessName = fields.optString("businessName").value_or("");
        t.defaultProvider = requireProvider(ctx, fields.string("defaultProvider"));
        std::vector<std::string> numbers;
        if (fields.has("numbers")) numbers = requireNumbers(fields.stringList("numbers"));
        const std::string label = labelOf(fields);
        fields.finish();
        if (!validTenantId(t.id))
            throw ApiError(400, "invalid_field",
                           "'id' must be 1 to 63 of a-z, 0-9, '-' and '_', starting with a "
                           "letter or digit");
        const auto at = ctx.clock.nowMs();
        IssuedKey key;
        ctx.db.write([&](Poco::Data::Session& s) {
            if (!store::TenantRepository::create(s, t, at))
                throw ApiError(409, "tenant_exists", "a tenant with this id exists");
            if (auto taken = store::TenantRepository::replaceNumbers(s, t.id, numbers))
                throw ApiError(409, "number_taken", *taken + " is assigned to another tenant");
            key = issueKey(s, t.id, label, at);
            Poco::JSON::Object detail;
            detail.set("name", t.name);
            detail.set("defaultProvider", t.defaultProvider);
            detail.set("numbers", static_cast<int>(numbers.size()));
            detail.set("apiKeyId", key.id);
            audit(s, t.id, "tenant.create", "tenant:" + t.id, detail, at);
        });
        Poco::Logger::get("admin").information("tenant %s created with key %s…", t.id, key.prefix);
        store::TenantRepository repo(ctx.db);
        Poco::JSON::Object::Ptr root = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        root->set("tenant",
                  tenantJson(*repo.get(t.id), repo.numbersOf(t.id), repo.keysOf(t.id), at));
        root->set("apiKey", issuedKeyJson(key, at));
        ex.sendJson(201, root);
    });

    router.add("GET", "/api/admin/tenants", [&ctx, &auth](Exchange& ex) {
        auth.admin(ex);
        store::PageRequest page = ex.page();
        store::TenantRepository repo(ctx.db);
        std::int64_t total = 0;
        Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
        const auto at = ctx.clock.nowMs();
        // Numbers and keys of the whole page in two queries, not two per tenant.
        const auto tenants = repo.list(page, total);
        std::vector<std::string> ids;
        for (const auto& t : tenants) ids.push_back(t.id);
        auto numbers = repo.numbersOf(ids);
        auto keys = repo.keysOf(ids);
        for (const auto& t : tenants) items->add(tenantJson(t, numbers[t.id], keys[t.id], at));
        ex.sendJson(200, pageJson(items, page, total));
    });

    router.add("GET", "/api/admin/tenants/{tenantId}", [&ctx, &auth](Exchange& ex) {
        auth.admin(ex);
        store::Tenant t = tenantOf(ctx, ex);
        store::TenantRepository repo(ctx.db);
        auto keys = repo.keysOf(t.id);
        const auto at = ctx.clock.nowMs();
        auto o = tenantJson(t, repo.numbersOf(t.id), keys, at);
        Poco::JSON::Array::Ptr keyItems = new Poco::JSON::Array;
        for (const auto& k : keys) keyItems->add(keyJson(k, at));
        o->set("keys", keyItems);
        ex.sendJson(200, o);
    });

    // Edits the profile and enables/disables the tenant. A disabled tenant's keys get 403;
    // its stored data stays.
    router.add("PATCH", "/api/admin/tenants/{tenantId}", [&ctx, &auth](Exchange& ex) {
        auth.admin(ex);
        store::Tenant t = tenantOf(ctx, ex);
        JsonFields fields(ex.jsonBody());
        Poco::JSON::Object detail;
        if (auto name = fields.optString("name")) {
            t.name = requireName(*name);
            detail.set("name", t.name);
        }
        if (auto business = fields.optString("businessName")) {
            t.businessName = *business;
            detail.set("businessName", t.businessName);
        }
        if (auto provider = fields.optString("defaultProvider")) {
            t.defaultProvider = requireProvider(ctx, *provider);
            detail.set("defaultProvider", t.defaultProvider);
        }
        auto disabled = fields.optBool("disabled");
        fields.finish();
        const auto at = ctx.clock.nowMs();
        ctx.db.write([&](Poco::Data::Session& s) {
            if (detail.size() > 0) {
                store::TenantRepository::update(s, t);
                audit(s, t.id, "tenant.update", "tenant:" + t.id, detail, at);
            }
            if (disabled && *disabled != t.disabled) {
                store::TenantRepository::setDisabled(s, t.id, *disabled);
                audit(s, t.id, *disabled ? "tenant.disable" : "tenant.enable", "tenant:" + t.id,
                      Poco::JSON::Object(), at);
            }
        });
        store::TenantRepository repo(ctx.db);
        ex.sendJson(200, tenantJson(*repo.get(t.id), repo.numbersOf(t.id), repo.keysOf(t.id), at));
    });

    router.add("PUT", "/api/admin/tenants/{tenantId}/numbers", [&ctx, &auth](Exchange& ex) {
        auth.admin(ex);
        store::Tenant t = tenantOf(ctx, ex);
        JsonFields fields(ex.jsonBody());
        auto numbers = requireNumbers(fields.stringList("numbers"));
        fields.finish();
        const auto at = ctx.clock.nowMs();
        ctx.db.write([&](Poco::Data::Session& s) {
            if (auto taken = store::TenantRepository::replaceNumbers(s, t.id, numbers))
                throw ApiError(409, "number_taken", *taken + " is assigned to another tenant");
            Poco::JSON::Object detail;
            Poco::JSON::Array list;
            for (const auto& n : numbers) list.add(n);
            detail.set("numbers", list);
            audit(s, t.id, "tenant.numbers.set", "tenant:" + t.id, detail, at);
        });
        Poco::JSON::Object::Ptr root = new Poco::JSON::Object;
        Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
        for (const auto& n : store::TenantRepository(ctx.db).numbersOf(t.id)) list->add(n);
        root->set("numbers", list);
        ex.sendJson(200, root);
    });

    router.add("GET", "/api/admin/tenants/{tenantId}/keys", [&ctx, &auth](Exchange& ex) {
        auth.admin(ex);
        store::Tenant t = tenantOf(ctx, ex);
        const auto at = ctx.clock.nowMs();
        Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
        for (const auto& k : store::TenantRepository(ctx.db).keysOf(t.id))
            items->add(keyJson(k, at));
        Poco::JSON::Object::Ptr root = new Poco::JSON::Object;
        root->set("data", items);
        ex.sendJson(200, root);
    });

    router.add("POST", "/api/admin/tenants/{tenantId}/keys", [&ctx, &auth](Exchange& ex) {
        auth.admin(ex);
        store::Tenant t = tenantOf(ctx, ex);
        JsonFields fields(ex.jsonBody());
        const std::string label = labelOf(fields);
        fields.finish();
        const auto at = ctx.clock.nowMs();
        IssuedKey key;
        ctx.db.write([&](Poco::Data::Session& s) {
            key = issueKey(s, t.id, label, at);
            Poco::JSON::Object detail;
            detail.set("prefix", key.prefix);
            detail.set("label", label);
            audit(s, t.id, "api_key.create", "api_key:" + std::to_string(key.id), detail, at);
        });
        ex.sendJson(201, issuedKeyJson(key, at));
    });

    router.add("DELETE", "/api/admin/tenants/{tenantId}/keys/{keyId}", [&ctx, &auth](Exchange& ex) {
        auth.admin(ex);
        store::Tenant t = tenantOf(ctx, ex);
        const std::int64_t keyId = ex.pathId("keyId", "no such API key");
        const auto at = ctx.clock.nowMs();
        ctx.db.write([&](Poco::Data::Session& s) {
            if (!store::TenantRepository::revokeKey(s, t.id, keyId, at, at))
                throw ApiError(404, "not_found", "no such active API key");
            audit(s, t.id, "api_key.revoke", "api_key:" + std::to_string(keyId),
                  Poco::JSON::Object(), at);
        });
        Poco::JSON::Object::Ptr root = new Poco::JSON::Object;
        root->set("id", keyId);
        root->set("revokedAt", util::isoTime(at));
        ex.sendJson(200, root);
    });

    // Rotation: a new key now, the old one revoked after an optional grace period so clients
    // can switch without an outage.
    router.add(
        "POST", "/api/admin/tenants/{tenantId}/keys/{keyId}/rotate", [&ctx, &auth](Exchange& ex) {
            auth.admin(ex);
            store::Tenant t = tenantOf(ctx, ex);
            const std::int64_t oldId = ex.pathId("keyId", "no such API key");
            JsonFields fields(ex.jsonBody());
            const std::int64_t grace =
                fields.optInt("graceSeconds", 0, kMaxGraceSeconds).value_or(0);
            const std::string label = labelOf(fields);
            fields.finish();
            const auto at = ctx.clock.nowMs();
            const auto revokeAt = at + grace * 1000;
            IssuedKey key;
            ctx.db.write([&](Poco::Data::Session& s) {
                if (!store::TenantRepository::revokeKey(s, t.id, oldId, revokeAt, at))
                    throw ApiError(404, "not_found", "no such active API key");
                key = issueKey(s, t.id, label, at);
                Poco::JSON::Object detail;
                detail.set("newKeyId", key.id);
                detail.set("graceSeconds", grace);
                audit(s, t.id, "api_key.rotate", "api_key:" + std::to_string(oldId), detail, at);
            });
            auto o = issuedKeyJson(key, at);
            o->set("replacesKeyId", oldId);
            o->set("replacedKeyRevokedAt", util::isoTime(revokeAt));
            ex.sendJson(201, o);
        });
}

}  // namespace switchboard::http
