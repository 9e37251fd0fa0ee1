#include "credentials/TenantProviderCache.h"

#include "credentials/SealedCredentials.h"
#include "store/TenantCredentialRepository.h"
#include "util/JsonText.h"
#include "util/SecretMasker.h"

#include <Poco/JSON/Parser.h>

namespace switchboard::credentials {

TenantProvider::~TenantProvider() {
    for (auto& value : secretValues) wipe(value);
}

std::string TenantProvider::mask(std::string text) const {
    return util::maskValues(std::move(text), secretValues);
}

std::string mergeConfig(const std::string& configJson, const Poco::JSON::Object& tenantFields) {
    auto merged = util::parseObject(configJson);
    for (const auto& [key, value] : tenantFields) merged->set(key, value);
    return util::toJson(*merged);
}

std::shared_ptr<TenantProvider> buildTenantProvider(const plugin::Provider& provider,
                                                    const Poco::JSON::Object& tenantFields,
                                                    std::int64_t version) {
    auto built = std::make_shared<TenantProvider>();
    built->version = version;
    for (const auto& field : provider.tenantSecretFields) {
        if (tenantFields.has(field) && tenantFields.get(field).isString())
            built->secretValues.push_back(tenantFields.getValue<std::string>(field));
    }
    std::string merged = mergeConfig(provider.config.configJson, tenantFields);
    try {
        built->instance = std::make_unique<plugin::ProviderInstance>(provider.instance->library(),
                                                                     provider.config.id, merged);
    } catch (...) {
        wipe(merged);
        throw;
    }
    wipe(merged);
    return built;
}

TenantProviderCache::TenantProviderCache(store::Database& db, const CredentialCipher& cipher,
                                         std::size_t capacity)
    : db_(db), cipher_(cipher), capacity_(capacity == 0 ? 1 : capacity) {}

std::shared_ptr<const TenantProvider> TenantProviderCache::resolve(
    const std::string& tenantId, const plugin::Provider& provider) {
    if (!provider.acceptsTenantCredentials() || tenantId.empty()) return nullptr;
    const std::string& name = provider.config.tenantCredentialName;
    const Key key{tenantId, provider.config.id};
    auto row = store::TenantCredentialRepository(db_).find(tenantId, name);
    std::lock_guard<std::mutex> lock(mutex_);
    auto cached = entries_.find(key);
    if (!row) {
        if (cached != entries_.end()) {
            recency_.erase(cached->second.recency);
            entries_.erase(cached);
        }
        return nullptr;
    }
    if (cached != entries_.end() && cached->second.value->version == row->version) {
        recency_.splice(recency_.begin(), recency_, cached->second.recency);
        return cached->second.value;
    }

    const std::string what = "credentials of tenant " + tenantId + " for " + name;
    if (!cipher_.enabled())
        throw CredentialsUnavailable(what + " are stored, but no master key is configured");
    std::string plaintext;
    Poco::JSON::Object::Ptr fields;
    try {
        plaintext = openFields(cipher_, *row);
        fields = util::parseObject(plaintext);
    } catch (const DecryptError& e) {
        throw CredentialsUnavailable(what + " cannot be decrypted: " + e.what());
    } catch (const Poco::Exception&) {
        wipe(plaintext);
        throw CredentialsUnavailable(what + " decrypted to something that is not a JSON object");
    }
    wipe(plaintext);
    std::shared_ptr<TenantProvider> built;
    try {
        built = buildTenantProvider(provider, *fields, row->version);
    } catch (const std::exception& e) {
        throw CredentialsUnavailable(what + ": the plugin refused them (" + e.what() + ")");
    }
    fields->clear();

    if (cached != entries_.end()) {
        cached->second.value = built;
        recency_.splice(recency_.begin(), recency_, cached->second.recency);
        return built;
    }
    if (entries_.size() >= capacity_) {
        entries_.erase(recency_.back());
        recency_.pop_back();
    }
    recency_.push_front(key);
    entries_.emplace(key, Entry{built, name, recency_.begin()});
    return built;
}

void TenantProviderCache::forget(const std::string& tenantId, const std::string& providerName) {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto it = entries_.begin(); it != entries_.end();) {
        if (it->first.first == tenantId && it->second.providerName == providerName) {
            recency_.erase(it->second.recency);
            it = entries_.erase(it);
        } else {
            ++it;
        }
    }
}

}  // namespace switchboard::credentials
