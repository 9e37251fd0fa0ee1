#pragma once

#include <Poco/DigestEngine.h>
#include <Poco/SHA2Engine.h>

#include <string>
#include <string_view>

namespace switchboard::util {

/// Lowercase hex SHA-256 of `data` (Poco::SHA2Engine). Used for API-key hashes: keys are long
/// random strings, so a fast unsalted hash is enough to make a leaked table useless.
inline std::string sha256Hex(std::string_view data) {
    Poco::SHA2Engine engine(Poco::SHA2Engine::SHA_256);
    engine.update(data.data(), static_cast<unsigned>(data.size()));
    return Poco::DigestEngine::digestToHex(engine.digest());
}

/// Constant-time string equality (length mismatch returns false at once).
inline bool constantTimeEquals(std::string_view a, std::string_view b) {
    Poco::DigestEngine::Digest da(a.begin(), a.end());
    Poco::DigestEngine::Digest db(b.begin(), b.end());
    return Poco::DigestEngine::constantTimeEquals(da, db);
}

}  // namespace switchboard::util
