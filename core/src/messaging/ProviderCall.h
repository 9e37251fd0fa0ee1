// One provider call, shared by everything that sends what a plugin built: the outbox
// dispatcher (MTs), the verification call placer (voice calls) and the admin reply-readiness
// check (shown, never sent). They differ only in what they store.
#pragma once

#include "messaging/ProviderHttpClient.h"
#include "plugin/ProviderInstance.h"

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace switchboard::messaging {

/// A provider request with its secrets replaced by "****": what a dry run records and the
/// reply-readiness check shows instead of sending.
struct ShownRequest {
    std::string method;
    std::string url;
    /// A JSON object; authorization-like headers keep only their scheme ("Bearer ****").
    std::string headersJson;
    std::string body;
};

/// How the provider answered one request: the plugin's parse_send_response /
/// parse_verification_call_response document (plugin_abi.h: {"outcome", "provider_ref",
/// "error_code", "error_message", "retry_after_s"}), decoded.
struct ProviderAnswer {
    enum class Kind {
        Unreachable,  ///< no HTTP answer (connect or read failure, timeout): may not have arrived
        Unreadable,   ///< an answer the plugin could not classify: it may have been acted on
        Accepted,     ///< outcome ACCEPTED
        Rejected,     ///< outcome REJECTED: final
        Throttled,    ///< outcome THROTTLED
        RetryLater,   ///< outcome RETRY, or any outcome the ABI does not name
    };
    Kind kind = Kind::Unreachable;
    int httpStatus = 0;             ///< the provider's HTTP status; 0 when Unreachable
    std::int64_t elapsedMs = 0;     ///< request start to answer read, in milliseconds
    std::string providerRef;        ///< Accepted: the provider's id (may be empty)
    std::int64_t retryAfterMs = 0;  ///< the provider's retry_after_s in milliseconds; 0 = none
    /// Masked, for error_detail and logs: the network error (Unreachable);
    /// "HTTP <status>: <why>" (Unreadable); else "HTTP <status>[ <error_code>][: <message>]".
    std::string detail;
};

/// The instance hook that classifies an answer: HTTP status, headers (names lowercase) and
/// body (bytes) in; the hook's result out.
using AnswerParser = std::function<plugin::HookResult(
    int status, const std::vector<std::pair<std::string, std::string>>& headers,
    const std::string& body)>;

/// A request a plugin built, on its way to the provider. Holds a reference: `request` must
/// outlive the call. Thread-safe for concurrent const use.
class ProviderCall {
  public:
    /// Replaces the call's own secrets (a tenant's credentials, a verification code) in a
    /// text with "****". Configured secrets (util::SecretMasker) are masked regardless.
    using Masker = std::function<std::string(std::string)>;

    /// `ownSecrets` may be empty (no secrets beyond the configured ones).
    ProviderCall(const OutgoingRequest& request, Masker ownSecrets)
        : request_(request), ownSecrets_(std::move(ownSecrets)) {}

    const OutgoingRequest& request() const { return request_; }

    /// `text` with every secret this call knows of replaced by "****".
    std::string mask(std::string text) const;

    /// The request as it is recorded or shown instead of sent.
    ShownRequest shown() const;

    /// Sends the request once (retrying is the caller's decision) and classifies the answer
    /// with `parse`. Never throws for a network or plugin failure: they come back as
    /// Unreachable and Unreadable.
    ProviderAnswer send(const ProviderHttpClient& http, const AnswerParser& parse) const;

  private:
    const OutgoingRequest& request_;
    Masker ownSecrets_;
};

/// The Kind's name for logs: "UNREACHABLE", "UNREADABLE", "ACCEPTED", "REJECTED",
/// "THROTTLED", "RETRY".
const char* kindName(ProviderAnswer::Kind kind);

}  // namespace switchboard::messaging
