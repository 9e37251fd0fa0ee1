#pragma once

#include "domain/ServiceError.h"
#include "plugin/ProviderSet.h"
#include "store/Database.h"
#include "store/Records.h"
#include "util/Clock.h"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace switchboard::messaging {

/// POST /api/sms/send body, already type-checked by the HTTP layer.
struct SendRequest {
    std::string to;                   ///< E.164 recipient
    std::string text;                 ///< UTF-8 message body
    std::optional<std::string> from;  ///< E.164 sender; nullopt = provider default
};

/// POST /api/sms/reply body: exactly one of inboundMessageId / conversationKey.
struct ReplyRequest {
    std::optional<std::int64_t> inboundMessageId;
    std::optional<std::string> conversationKey;  ///< the contact's phone, E.164
    std::string text;
};

/// One recipient's outcome in a bulk send: a queued message, or why it was refused.
struct BulkResult {
    std::string to;
    std::optional<store::Message> message;
    std::string errorCode;
    std::string errorMessage;
};

/// Validates, stores (status QUEUED, in one transaction with the contact capture and the
/// audit entry) and wakes the dispatcher. Never talks to a provider itself.
class SendService {
  public:
    /// `maxSegments`: bodies costing more SMS parts are refused (messaging.max_segments).
    SendService(store::Database& db, const plugin::ProviderSet& providers, const util::Clock& clock,
                std::function<void()> onQueued, int maxSegments = 10);

    /// An initial send from `tenant`'s default provider. Throws domain::ServiceError InvalidInput
    /// (invalid_phone, invalid_message), PolicyRefused recipient_opted_out (the contact sent STOP
    /// and not START since) or Unavailable (store unavailable, via StoreUnavailable).
    store::Message send(const store::Tenant& tenant, const SendRequest& request);

    /// A reply through the provider and reply context of the inbound message it answers.
    /// Missing context never blocks: the message goes out as a plain send and carries a
    /// warning. Throws domain::ServiceError InvalidInput (invalid input), NotFound
    /// (inbound_not_found) or PolicyRefused recipient_opted_out.
    store::Message reply(const store::Tenant& tenant, const ReplyRequest& request);

    /// One message per recipient (E.164, each at most once) with the same body, all stored
    /// in one transaction. Invalid, repeated or opted-out recipients are reported in their
    /// result (invalid_phone, duplicate_recipient, recipient_opted_out) and do not stop the
    /// others. Throws ServiceError InvalidInput for a bad body or an empty list, and
    /// InvalidInput too_many_recipients above `maxRecipients`.
    std::vector<BulkResult> sendBulk(const store::Tenant& tenant,
                                     const std::vector<std::string>& recipients,
                                     const std::string& text,
                                     const std::optional<std::string>& from,
                                     std::size_t maxRecipients);

    /// The reply message `reply` would queue — validated, routed through the inbound's
    /// provider and reply context, warning set — without storing anything. Same errors.
    store::Message prepareReply(const store::Tenant& tenant, const ReplyRequest& request) const;

  private:
    store::Message enqueue(const store::Tenant& tenant, store::Message message,
                           const std::string& action);
    /// Stores all `messages` (QUEUED, contacts captured, audited) in one transaction.
    void enqueueAll(const store::Tenant& tenant, std::vector<store::Message>& messages,
                    const std::string& action);
    /// Checks the body (valid UTF-8, not empty, at most maxSegments_ parts) and records its
    /// encoding and segment count on `m`.
    void measureText(store::Message& m) const;

    store::Database& db_;
    const plugin::ProviderSet& providers_;
    const util::Clock& clock_;
    std::function<void()> onQueued_;
    int maxSegments_;
};

}  // namespace switchboard::messaging
