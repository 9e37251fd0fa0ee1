#include "credentials/SealedCredentials.h"

namespace switchboard::credentials {

std::string associatedData(const std::string& tenantId, const std::string& provider) {
    std::string aad = "switchboard.tenant_credentials.v1";
    aad.push_back('\0');
    aad += tenantId;
    aad.push_back('\0');
    aad += provider;
    return aad;
}

store::StoredCredential sealFields(const CredentialCipher& cipher, const std::string& tenantId,
                                   const std::string& provider, const std::string& fieldsJson) {
    Sealed sealed = cipher.seal(fieldsJson, associatedData(tenantId, provider));
    store::StoredCredential row;
    row.tenantId = tenantId;
    row.provider = provider;
    row.keyId = std::move(sealed.keyId);
    row.nonce = std::move(sealed.nonce);
    row.ciphertext = std::move(sealed.ciphertext);
    row.tag = std::move(sealed.tag);
    return row;
}

std::string openFields(const CredentialCipher& cipher, const store::StoredCredential& row) {
    return cipher.open({row.keyId, row.nonce, row.ciphertext, row.tag},
                       associatedData(row.tenantId, row.provider));
}

}  // namespace switchboard::credentials
