#include "util/SecretMasker.h"

#include <Poco/Message.h>

#include <algorithm>

namespace switchboard::util {

SecretMasker& SecretMasker::instance() {
    static SecretMasker masker;
    return masker;
}

void SecretMasker::add(const std::string& secret) {
    if (secret.size() < 4) return;
    std::lock_guard<std::mutex> lock(mutex_);
    if (std::find(secrets_.begin(), secrets_.end(), secret) != secrets_.end()) return;
    secrets_.push_back(secret);
    // Longest first, so a secret containing another is masked whole.
    std::sort(secrets_.begin(), secrets_.end(),
              [](const auto& a, const auto& b) { return a.size() > b.size(); });
}

void SecretMasker::clear() {
    std::lock_guard<std::mutex> lock(mutex_);
    secrets_.clear();
}

std::string SecretMasker::mask(std::string text) const {
    std::lock_guard<std::mutex> lock(mutex_);
    return maskValues(std::move(text), secrets_);
}

std::string maskValues(std::string text, const std::vector<std::string>& secrets) {
    for (const auto& secret : secrets) {
        if (secret.empty()) continue;
        for (std::size_t pos = text.find(secret); pos != std::string::npos;
             pos = text.find(secret, pos + 4))
            text.replace(pos, secret.size(), "****");
    }
    return text;
}

void MaskingChannel::log(const Poco::Message& message) {
    Poco::Message masked(message);
    masked.setText(SecretMasker::instance().mask(message.getText()));
    next_->log(masked);
}

}  // namespace switchboard::util
