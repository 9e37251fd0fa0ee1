#include "tenancy/TenantAdminService.h"

#include "store/AuditRepository.h"
#include "store/TenantRepository.h"
#include "util/Digest.h"
#include "util/E164.h"
#include "util/JsonText.h"
#include "util/RandomToken.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/Logger.h>

#include <regex>
#include <set>

namespace switchboard::tenancy {
namespace {

using domain::ErrorKind;
using domain::ServiceError;

bool validTenantId(const std::string& id) {
    static const std::regex slug("^[a-z0-9][a-z0-9_-]{0,62}$");
    return std::regex_match(id, slug);
}

void requireName(const std::string& name) {
    if (name.empty() || name.size() > 200)
        throw ServiceError(ErrorKind::InvalidInput, "invalid_field",
                           "'name' must be 1 to 200 characters");
}

void requireProvider(const plugin::ProviderSet& providers, const std::string& instance) {
    if (providers.find(instance) == nullptr)
        throw ServiceError(ErrorKind::InvalidInput, "invalid_field",
                           "'defaultProvider' is not a configured provider instance");
}

void requireNumbers(const std::vector<std::string>& numbers) {
    std::set<std::string> seen;
    for (const auto& n : numbers) {
        if (!util::isE164(n))
            throw ServiceError(ErrorKind::InvalidInput, "invalid_phone",
                               "'numbers' must hold E.164 numbers: '+' and 7 to 15 digits");
        if (!seen.insert(n).second)
            throw ServiceError(ErrorKind::InvalidInput, "invalid_field",
                               "'numbers' lists " + n + " twice");
    }
}

void requireLabel(const std::string& label) {
    if (label.size() > 100)
        throw ServiceError(ErrorKind::InvalidInput, "invalid_field",
                           "'label' is at most 100 bytes");
}

[[noreturn]] void numberTaken(const std::string& number) {
    throw ServiceError(ErrorKind::Conflict, "number_taken",
                       number + " is assigned to another tenant");
}

[[noreturn]] void noActiveKey() {
    throw ServiceError(ErrorKind::NotFound, "not_found", "no such active API key");
}

/// Creates a key inside the caller's transaction; only its hash and prefix are stored.
IssuedKey insertKey(Poco::Data::Session& s, const std::string& tenantId, const std::string& label,
                    store::TimeMs at) {
    IssuedKey k;
    k.key = util::newApiKey();
    k.prefix = k.key.substr(0, util::kApiKeyPrefixLength);
    k.label = label;
    k.createdAt = at;
    k.id = store::TenantRepository::insertKey(s, tenantId, util::sha256Hex(k.key), k.prefix, label,
                                              at);
    return k;
}

void audit(Poco::Data::Session& s, const std::string& tenantId, const std::string& action,
           const std::string& target, const Poco::JSON::Object& detail, store::TimeMs at) {
    store::AuditRepository::append(s, tenantId, "admin", action, target, util::toJson(detail), at);
}

}  // namespace

store::Tenant TenantAdminService::existing(const std::string& tenantId) {
    auto tenant = store::TenantRepository(db_).get(tenantId);
    if (!tenant) throw ServiceError(ErrorKind::NotFound, "not_found", "no such tenant");
    return *tenant;
}

TenantView TenantAdminService::view(const std::string& tenantId, store::TimeMs asOf) {
    store::TenantRepository repo(db_);
    auto tenant = repo.get(tenantId);
    if (!tenant) throw ServiceError(ErrorKind::NotFound, "not_found", "no such tenant");
    return {*tenant, repo.numbersOf(tenantId), repo.keysOf(tenantId), asOf};
}

std::pair<TenantView, IssuedKey> TenantAdminService::create(const NewTenant& request) {
    requireName(request.name);
    requireProvider(providers_, request.defaultProvider);
    requireNumbers(request.numbers);
    requireLabel(request.keyLabel);
    if (!validTenantId(request.id))
        throw ServiceError(ErrorKind::InvalidInput, "invalid_field",
                           "'id' must be 1 to 63 of a-z, 0-9, '-' and '_', starting with a "
                           "letter or digit");
    store::Tenant t;
    t.id = request.id;
    t.name = request.name;
    t.businessName = request.businessName;
    t.defaultProvider = request.defaultProvider;
    const auto at = clock_.nowMs();
    IssuedKey key;
    db_.write([&](Poco::Data::Session& s) {
        if (!store::TenantRepository::create(s, t, at))
            throw ServiceError(ErrorKind::Conflict, "tenant_exists",
                               "a tenant with this id exists");
        if (auto taken = store::TenantRepository::replaceNumbers(s, t.id, request.numbers))
            numberTaken(*taken);
        key = insertKey(s, t.id, request.keyLabel, at);
        Poco::JSON::Object detail;
        detail.set("name", t.name);
        detail.set("defaultProvider", t.defaultProvider);
        detail.set("numbers", static_cast<int>(request.numbers.size()));
        detail.set("apiKeyId", key.id);
        audit(s, t.id, "tenant.create", "tenant:" + t.id, detail, at);
    });
    Poco::Logger::get("admin").information("tenant %s created with key %s…", t.id, key.prefix);
    return {view(t.id, at), key};
}

std::vector<TenantView> TenantAdminService::list(const store::PageRequest& page,
                                                 std::int64_t& total) {
    store::TenantRepository repo(db_);
    const auto at = clock_.nowMs();
    // Numbers and keys of the whole page in two queries, not two per tenant.
    const auto tenants = repo.list(page, total);
    std::vector<std::string> ids;
    for (const auto& t : tenants) ids.push_back(t.id);
    auto numbers = repo.numbersOf(ids);
    auto keys = repo.keysOf(ids);
    std::vector<TenantView> views;
    for (const auto& t : tenants) views.push_back({t, numbers[t.id], keys[t.id], at});
    return views;
}

TenantView TenantAdminService::get(const std::string& tenantId) {
    return view(tenantId, clock_.nowMs());
}

TenantView TenantAdminService::update(const std::string& tenantId, const TenantPatch& patch) {
    store::Tenant t = existing(tenantId);
    Poco::JSON::Object detail;
    if (patch.name) {
        requireName(*patch.name);
        t.name = *patch.name;
        detail.set("name", t.name);
    }
    if (patch.businessName) {
        t.businessName = *patch.businessName;
        detail.set("businessName", t.businessName);
    }
    if (patch.defaultProvider) {
        requireProvider(providers_, *patch.defaultProvider);
        t.defaultProvider = *patch.defaultProvider;
        detail.set("defaultProvider", t.defaultProvider);
    }
    const auto at = clock_.nowMs();
    db_.write([&](Poco::Data::Session& s) {
        if (detail.size() > 0) {
            store::TenantRepository::update(s, t);
            audit(s, t.id, "tenant.update", "tenant:" + t.id, detail, at);
        }
        if (patch.disabled && *patch.disabled != t.disabled) {
            store::TenantRepository::setDisabled(s, t.id, *patch.disabled);
            audit(s, t.id, *patch.disabled ? "tenant.disable" : "tenant.enable", "tenant:" + t.id,
                  Poco::JSON::Object(), at);
        }
    });
    return view(t.id, at);
}

std::vector<std::string> TenantAdminService::replaceNumbers(
    const std::string& tenantId, const std::vector<std::string>& numbers) {
    const store::Tenant t = existing(tenantId);
    requireNumbers(numbers);
    const auto at = clock_.nowMs();
    db_.write([&](Poco::Data::Session& s) {
        if (auto taken = store::TenantRepository::replaceNumbers(s, t.id, numbers))
            numberTaken(*taken);
        Poco::JSON::Object detail;
        Poco::JSON::Array list;
        for (const auto& n : numbers) list.add(n);
        detail.set("numbers", list);
        audit(s, t.id, "tenant.numbers.set", "tenant:" + t.id, detail, at);
    });
    return store::TenantRepository(db_).numbersOf(t.id);
}

IssuedKey TenantAdminService::issueKey(const std::string& tenantId, const std::string& label) {
    const store::Tenant t = existing(tenantId);
    requireLabel(label);
    const auto at = clock_.nowMs();
    IssuedKey key;
    db_.write([&](Poco::Data::Session& s) {
        key = insertKey(s, t.id, label, at);
        Poco::JSON::Object detail;
        detail.set("prefix", key.prefix);
        detail.set("label", label);
        audit(s, t.id, "api_key.create", "api_key:" + std::to_string(key.id), detail, at);
    });
    return key;
}

store::TimeMs TenantAdminService::revokeKey(const std::string& tenantId, std::int64_t keyId) {
    const store::Tenant t = existing(tenantId);
    const auto at = clock_.nowMs();
    db_.write([&](Poco::Data::Session& s) {
        if (!store::TenantRepository::revokeKey(s, t.id, keyId, at, at)) noActiveKey();
        audit(s, t.id, "api_key.revoke", "api_key:" + std::to_string(keyId), Poco::JSON::Object(),
              at);
    });
    return at;
}

RotatedKey TenantAdminService::rotateKey(const std::string& tenantId, std::int64_t keyId,
                                         std::int64_t graceSeconds, const std::string& label) {
    const store::Tenant t = existing(tenantId);
    requireLabel(label);
    if (graceSeconds < 0 || graceSeconds > kMaxGraceSeconds)
        throw ServiceError(
            ErrorKind::InvalidInput, "invalid_field",
            "'graceSeconds' must be an integer from 0 to " + std::to_string(kMaxGraceSeconds));
    const auto at = clock_.nowMs();
    RotatedKey rotated;
    rotated.replacesKeyId = keyId;
    rotated.replacedKeyRevokedAt = at + graceSeconds * 1000;
    db_.write([&](Poco::Data::Session& s) {
        if (!store::TenantRepository::revokeKey(s, t.id, keyId, rotated.replacedKeyRevokedAt, at))
            noActiveKey();
        rotated.key = insertKey(s, t.id, label, at);
        Poco::JSON::Object detail;
        detail.set("newKeyId", rotated.key.id);
        detail.set("graceSeconds", graceSeconds);
        audit(s, t.id, "api_key.rotate", "api_key:" + std::to_string(keyId), detail, at);
    });
    return rotated;
}

}  // namespace switchboard::tenancy
