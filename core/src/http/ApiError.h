#pragma once

#include <stdexcept>
#include <string>

namespace switchboard::http {

/// An error a tenant or admin client sees as {"error": {"code", "message"}} with `status`.
/// Messages never carry provider names, URLs, provider error text or secrets (proxy mode).
class ApiError : public std::runtime_error {
  public:
    ApiError(int status, std::string code, const std::string& message)
        : std::runtime_error(message), status_(status), code_(std::move(code)) {}

    int status() const { return status_; }
    const std::string& code() const { return code_; }

  private:
    int status_;
    std::string code_;
};

}  // namespace switchboard::http
