#include "credentials/MasterKey.h"

#include "switchboard/sdk/Crypto.h"

#include <Poco/String.h>

namespace switchboard::credentials {
namespace {

std::optional<std::string> ofKeySize(std::optional<std::string> bytes) {
    if (!bytes || bytes->size() != kMasterKeyBytes) return std::nullopt;
    return bytes;
}

}  // namespace

std::optional<std::string> decodeMasterKey(const std::string& text) {
    const std::string trimmed = Poco::trim(text);
    try {
        if (auto hex = ofKeySize(sdk::fromHex(trimmed))) return hex;
        return ofKeySize(sdk::fromBase64(trimmed));
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

}  // namespace switchboard::credentials
