#pragma once

#include "credentials/CredentialCipher.h"
#include "store/TenantCredentialRepository.h"

#include <string>

namespace switchboard::credentials {

/// The associated data every tenant credential is sealed with: a format label, the tenant
/// id and the tenant-facing provider name, NUL-separated (ids cannot contain NUL). A row
/// copied onto another tenant or provider therefore fails to open.
std::string associatedData(const std::string& tenantId, const std::string& provider);

/// Seals `fieldsJson` (the tenant's fields as a JSON object) for (tenantId, provider) under
/// the cipher's active key. Output: a row with tenantId, provider, keyId, nonce, ciphertext
/// and tag set (version and times are the repository's). Throws like CredentialCipher::seal.
store::StoredCredential sealFields(const CredentialCipher& cipher, const std::string& tenantId,
                                   const std::string& provider, const std::string& fieldsJson);

/// Opens a stored row. Output: the fields JSON text (wipe() it when done). Throws
/// DecryptError when the row's key is not configured or the row does not authenticate.
std::string openFields(const CredentialCipher& cipher, const store::StoredCredential& row);

}  // namespace switchboard::credentials
