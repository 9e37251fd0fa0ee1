#include "credentials/TenantCredentialService.h"

#include "credentials/SealedCredentials.h"
#include "store/AuditRepository.h"
#include "util/JsonText.h"
#include "util/SecretMasker.h"

#include <Poco/JSON/Array.h>
#include <Poco/Logger.h>

namespace switchboard::credentials {
namespace {

using domain::ErrorKind;
using domain::ServiceError;

// Far above any real provider credential; keeps a tenant from storing megabytes per row.
constexpr std::size_t kMaxValueBytes = 4096;
constexpr int kRotationBatch = 100;

Poco::Logger& logger() { return Poco::Logger::get("credentials"); }

void requireEnabled(const CredentialCipher& cipher) {
    if (!cipher.enabled())
        throw ServiceError(ErrorKind::NotEnabled, "byoc_disabled",
                           "storing your own provider credentials is not enabled on this service");
}

// The tenant's fields, checked against what the operator allows and copied in a canonical
// form. Errors name the field, never its value.
Poco::JSON::Object checkedFields(const plugin::Provider& provider,
                                 const Poco::JSON::Object& fields) {
    for (const auto& [key, value] : fields) {
        if (!provider.tenantCredentialTypes.count(key))
            throw ServiceError(ErrorKind::InvalidInput, "unknown_field",
                               "field '" + key + "' cannot be stored for these credentials");
    }
    Poco::JSON::Object checked;
    for (const auto& [key, type] : provider.tenantCredentialTypes) {
        if (!fields.has(key) || fields.isNull(key))
            throw ServiceError(ErrorKind::InvalidInput, "missing_field",
                               "'" + key + "' is required");
        const Poco::Dynamic::Var value = fields.get(key);
        if (type == "integer") {
            if (!value.isInteger())
                throw ServiceError(ErrorKind::InvalidInput, "invalid_field",
                                   "'" + key + "' must be an integer");
            checked.set(key, value.convert<Poco::Int64>());
        } else if (type == "boolean") {
            if (!value.isBoolean())
                throw ServiceError(ErrorKind::InvalidInput, "invalid_field",
                                   "'" + key + "' must be true or false");
            checked.set(key, value.convert<bool>());
        } else {
            if (!value.isString())
                throw ServiceError(ErrorKind::InvalidInput, "invalid_field",
                                   "'" + key + "' must be a string");
            std::string text = value.convert<std::string>();
            if (text.empty())
                throw ServiceError(ErrorKind::InvalidInput, "invalid_field",
                                   "'" + key + "' must not be empty");
            if (text.size() > kMaxValueBytes)
                throw ServiceError(
                    ErrorKind::InvalidInput, "invalid_field",
                    "'" + key + "' is longer than " + std::to_string(kMaxValueBytes) + " bytes");
            checked.set(key, text);
        }
    }
    return checked;
}

// The plugin's reason without the operator's instance id (which tenants must not see), and
// with every value the tenant sent masked.
std::string tenantFacingReason(const std::string& error, const Poco::JSON::Object& fields) {
    static const std::string kMarker = "refused its configuration: ";
    auto at = error.find(kMarker);
    std::string reason =
        at == std::string::npos ? std::string("refused") : error.substr(at + kMarker.size());
    for (const auto& [key, value] : fields) {
        const std::string text = value.convert<std::string>();
        if (text.size() < 4) continue;
        for (auto pos = reason.find(text); pos != std::string::npos;
             pos = reason.find(text, pos + 4))
            reason.replace(pos, text.size(), "****");
    }
    return util::SecretMasker::instance().mask(reason);
}

std::string fieldNamesJson(const Poco::JSON::Object& fields, std::int64_t version,
                           const std::string& keyId) {
    Poco::JSON::Array::Ptr names = new Poco::JSON::Array;
    for (const auto& [key, value] : fields) names->add(key);
    Poco::JSON::Object detail(Poco::JSON_PRESERVE_KEY_ORDER);
    detail.set("fields", names);
    detail.set("version", version);
    detail.set("keyId", keyId);
    return util::toJson(detail);
}

}  // namespace

TenantCredentialService::TenantCredentialService(store::Database& db,
                                                 const plugin::ProviderSet& providers,
                                                 const CredentialCipher& cipher,
                                                 TenantProviderCache& cache,
                                                 const util::Clock& clock)
    : db_(db), providers_(providers), cipher_(cipher), cache_(cache), clock_(clock) {}

store::CredentialSummary TenantCredentialService::put(const store::Tenant& tenant,
                                                      const std::string& name,
                                                      const Poco::JSON::Object& fields) {
    requireEnabled(cipher_);
    const plugin::Provider* described = providers_.findByTenantCredentialName(name);
    if (described == nullptr)
        throw ServiceError(ErrorKind::NotFound, "not_found",
                           "no provider accepts your own credentials under this name");
    Poco::JSON::Object checked = checkedFields(*described, fields);

    // Every instance offering this name must accept them: a send may go through any of them.
    for (const auto& [id, provider] : providers_.all()) {
        if (!provider.acceptsTenantCredentials() || provider.config.tenantCredentialName != name)
            continue;
        try {
            buildTenantProvider(provider, checked, 0);
        } catch (const std::exception& e) {
            throw ServiceError(
                ErrorKind::InvalidInput, "invalid_credentials",
                "these credentials were refused: " + tenantFacingReason(e.what(), checked));
        }
    }

    std::string plaintext = util::toJson(checked);
    store::StoredCredential row;
    try {
        row = sealFields(cipher_, tenant.id, name, plaintext);
    } catch (...) {
        wipe(plaintext);
        throw;
    }
    wipe(plaintext);
    const store::TimeMs at = clock_.nowMs();
    std::int64_t version = 0;
    db_.write([&](Poco::Data::Session& s) {
        version = store::TenantCredentialRepository::put(s, row, at);
        store::AuditRepository::append(s, tenant.id, tenant.auditActor(), "credentials.put",
                                       "credentials:" + name,
                                       fieldNamesJson(checked, version, row.keyId), at);
    });
    cache_.forget(tenant.id, name);
    logger().information("credentials tenant=%s provider=%s stored (version %s, key %s)", tenant.id,
                         name, std::to_string(version), row.keyId);
    auto stored = store::TenantCredentialRepository(db_).find(tenant.id, name);
    return {name, stored ? stored->createdAt : at, stored ? stored->updatedAt : at};
}

void TenantCredentialService::remove(const store::Tenant& tenant, const std::string& name) {
    requireEnabled(cipher_);
    bool removed = false;
    const store::TimeMs at = clock_.nowMs();
    db_.write([&](Poco::Data::Session& s) {
        removed = store::TenantCredentialRepository::remove(s, tenant.id, name);
        if (removed)
            store::AuditRepository::append(s, tenant.id, tenant.auditActor(), "credentials.delete",
                                           "credentials:" + name, "{}", at);
    });
    cache_.forget(tenant.id, name);
    if (!removed)
        throw ServiceError(ErrorKind::NotFound, "not_found",
                           "no credentials are stored under this name");
    logger().information("credentials tenant=%s provider=%s deleted", tenant.id, name);
}

std::vector<store::CredentialSummary> TenantCredentialService::list(const store::Tenant& tenant) {
    requireEnabled(cipher_);
    return store::TenantCredentialRepository(db_).list(tenant.id);
}

RotationReport TenantCredentialService::rotate(const std::string& actor) {
    RotationReport report;
    report.activeKeyId = cipher_.activeKeyId();
    if (!cipher_.enabled()) return report;
    store::TenantCredentialRepository repo(db_);
    std::string afterTenant, afterProvider;
    for (;;) {
        auto batch =
            repo.notSealedUnder(report.activeKeyId, afterTenant, afterProvider, kRotationBatch);
        if (batch.empty()) break;
        afterTenant = batch.back().tenantId;
        afterProvider = batch.back().provider;
        for (const auto& row : batch) {
            std::string plaintext;
            try {
                plaintext = openFields(cipher_, row);
            } catch (const DecryptError& e) {
                ++report.failed;
                logger().warning(
                    "credentials rotation: tenant=%s provider=%s key=%s left as is: %s",
                    row.tenantId, row.provider, row.keyId, std::string(e.what()));
                continue;
            }
            store::StoredCredential resealed;
            try {
                resealed = sealFields(cipher_, row.tenantId, row.provider, plaintext);
            } catch (...) {
                wipe(plaintext);
                throw;
            }
            wipe(plaintext);
            bool replaced = false;
            const store::TimeMs at = clock_.nowMs();
            db_.write([&](Poco::Data::Session& s) {
                replaced = store::TenantCredentialRepository::reseal(s, row, resealed);
                if (!replaced) return;
                Poco::JSON::Object detail(Poco::JSON_PRESERVE_KEY_ORDER);
                detail.set("fromKey", row.keyId);
                detail.set("toKey", resealed.keyId);
                store::AuditRepository::append(s, row.tenantId, actor, "credentials.reseal",
                                               "credentials:" + row.provider, util::toJson(detail),
                                               at);
            });
            ++(replaced ? report.resealed : report.skipped);
        }
    }
    if (report.resealed + report.skipped + report.failed > 0)
        logger().information(
            "credentials rotation to key %s: %d re-encrypted, %d changed concurrently, %d failed",
            report.activeKeyId, report.resealed, report.skipped, report.failed);
    return report;
}

std::map<std::string, std::int64_t> TenantCredentialService::rowsPerKey() {
    return store::TenantCredentialRepository(db_).countByKey();
}

}  // namespace switchboard::credentials
