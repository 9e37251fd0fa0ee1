#include "credentials/MasterKey.h"

#include <Poco/Base64Decoder.h>
#include <Poco/String.h>

#include <sstream>

namespace switchboard::credentials {
namespace {

int hexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::optional<std::string> fromHex(const std::string& text) {
    if (text.size() != 2 * kMasterKeyBytes) return std::nullopt;
    std::string bytes;
    bytes.reserve(kMasterKeyBytes);
    for (std::size_t i = 0; i < text.size(); i += 2) {
        int high = hexValue(text[i]);
        int low = hexValue(text[i + 1]);
        if (high < 0 || low < 0) return std::nullopt;
        bytes.push_back(static_cast<char>(high * 16 + low));
    }
    return bytes;
}

std::optional<std::string> fromBase64(const std::string& text) {
    // Poco's decoder skips characters outside the alphabet, so the alphabet and padding are
    // checked here: a typo must not silently decode to a different key.
    if (text.empty() || text.size() % 4 != 0) return std::nullopt;
    const std::size_t padding = text.size() - text.find_last_not_of('=') - 1;
    if (padding > 2) return std::nullopt;
    for (std::size_t i = 0; i < text.size() - padding; ++i) {
        const char c = text[i];
        const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                        (c >= '0' && c <= '9') || c == '+' || c == '/';
        if (!ok) return std::nullopt;
    }
    std::istringstream in(text);
    Poco::Base64Decoder decoder(in);
    std::string bytes((std::istreambuf_iterator<char>(decoder)), std::istreambuf_iterator<char>());
    if (bytes.size() != kMasterKeyBytes) return std::nullopt;
    return bytes;
}

}  // namespace

std::optional<std::string> decodeMasterKey(const std::string& text) {
    const std::string trimmed = Poco::trim(text);
    try {
        if (auto hex = fromHex(trimmed)) return hex;
        return fromBase64(trimmed);
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

}  // namespace switchboard::credentials
