#pragma once

#include <Poco/AutoPtr.h>
#include <Poco/Channel.h>

#include <mutex>
#include <string>
#include <vector>

namespace switchboard::util {

/// Replaces every occurrence of registered secret values with "****". One process-wide
/// instance feeds the logging channel, dry-run records and anything else that may echo
/// provider requests. Secrets shorter than 4 bytes are ignored (they would mask noise).
class SecretMasker {
  public:
    static SecretMasker& instance();

    void add(const std::string& secret);
    void clear();
    std::string mask(std::string text) const;

  private:
    mutable std::mutex mutex_;
    std::vector<std::string> secrets_;
};

/// `text` with every occurrence of each non-empty value in `secrets` replaced by "****"
/// (secrets that belong to one request or tenant, not the process-wide list).
std::string maskValues(std::string text, const std::vector<std::string>& secrets);

/// A Poco channel that masks secrets in every message before passing it on, so no log line
/// can carry a secret regardless of who logged it (core or plugin).
class MaskingChannel : public Poco::Channel {
  public:
    explicit MaskingChannel(Poco::AutoPtr<Poco::Channel> next) : next_(std::move(next)) {}
    void log(const Poco::Message& message) override;
    void open() override { next_->open(); }
    void close() override { next_->close(); }

  private:
    Poco::AutoPtr<Poco::Channel> next_;
};

}  // namespace switchboard::util
