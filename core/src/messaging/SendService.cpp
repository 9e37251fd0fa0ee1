#include "messaging/SendService.h"

#include "messaging/SmsSegmenter.h"
#include "store/AuditRepository.h"
#include "store/ContactRepository.h"
#include "store/MessageRepository.h"
#include "util/E164.h"
#include "util/JsonText.h"

#include <Poco/Logger.h>

#include <set>

namespace switchboard::messaging {

using domain::ErrorKind;
using domain::ServiceError;
using store::Message;

namespace {

std::string optedOutMessage(const std::string& phone) {
    return phone +
           " has opted out of messages (replied with an opt-out keyword such as STOP); it can "
           "opt back in by texting START";
}

}  // namespace

SendService::SendService(store::Database& db, const plugin::ProviderSet& providers,
                         const util::Clock& clock, std::function<void()> onQueued, int maxSegments)
    : db_(db),
      providers_(providers),
      clock_(clock),
      onQueued_(std::move(onQueued)),
      maxSegments_(maxSegments) {}

void SendService::measureText(Message& m) const {
    auto count = countSegments(m.body);
    if (!count)
        throw ServiceError(ErrorKind::InvalidInput, "invalid_message",
                           "message is not valid UTF-8");
    if (count->segments == 0)
        throw ServiceError(ErrorKind::InvalidInput, "invalid_message", "message must not be empty");
    if (count->segments > static_cast<std::size_t>(maxSegments_))
        throw ServiceError(ErrorKind::InvalidInput, "message_too_long",
                           "message needs " + std::to_string(count->segments) + " SMS segments (" +
                               count->encoding + "); the maximum is " +
                               std::to_string(maxSegments_));
    m.encoding = count->encoding;
    m.segments = static_cast<int>(count->segments);
}

Message SendService::send(const store::Tenant& tenant, const SendRequest& request) {
    if (!util::isE164(request.to))
        throw ServiceError(
            ErrorKind::InvalidInput, "invalid_phone",
            "'to' must be an E.164 number: '+' and 7 to 15 digits, e.g. +15550100001");
    if (request.from && !util::isE164(*request.from))
        throw ServiceError(ErrorKind::InvalidInput, "invalid_phone",
                           "'from' must be an E.164 number: '+' and 7 to 15 digits");
    Message m;
    m.direction = "outbound";
    m.kind = "initial";
    m.toNumber = request.to;
    m.fromNumber = request.from.value_or("");
    m.body = request.text;
    measureText(m);
    m.providerInstance = tenant.defaultProvider;
    return enqueue(tenant, std::move(m), "sms.send");
}

Message SendService::reply(const store::Tenant& tenant, const ReplyRequest& request) {
    return enqueue(tenant, prepareReply(tenant, request), "sms.reply");
}

Message SendService::prepareReply(const store::Tenant& tenant, const ReplyRequest& request) const {
    if (request.inboundMessageId.has_value() == request.conversationKey.has_value())
        throw ServiceError(ErrorKind::InvalidInput, "invalid_request",
                           "give exactly one of 'inboundMessageId' or 'conversationKey'");
    if (request.conversationKey && !util::isE164(*request.conversationKey))
        throw ServiceError(ErrorKind::InvalidInput, "invalid_phone",
                           "'conversationKey' must be the contact's E.164 number");
    Message m;
    m.direction = "outbound";
    m.kind = "reply";
    m.body = request.text;
    measureText(m);

    store::MessageRepository messages(db_);
    std::optional<Message> inbound;
    if (request.inboundMessageId) {
        inbound = messages.get(tenant.id, *request.inboundMessageId);
        if (!inbound || inbound->direction != "inbound")
            throw ServiceError(ErrorKind::NotFound, "inbound_not_found",
                               "no inbound message " + std::to_string(*request.inboundMessageId));
    } else {
        inbound = messages.latestInboundFrom(tenant.id, *request.conversationKey);
    }

    if (!inbound) {
        // A conversation with no inbound message yet: reply as a plain send, never block.
        m.toNumber = *request.conversationKey;
        m.providerInstance = tenant.defaultProvider;
        m.warning = "no inbound message from this contact; sent without reply context";
        return m;
    }
    m.toNumber = inbound->fromNumber;
    m.replyToMessageId = inbound->id;
    if (util::isE164(inbound->toNumber)) m.fromNumber = inbound->toNumber;
    if (providers_.find(inbound->providerInstance) != nullptr) {
        m.providerInstance = inbound->providerInstance;
        m.replyContextJson = inbound->replyContextJson.empty() ? "{}" : inbound->replyContextJson;
        if (m.replyContextJson == "{}")
            m.warning = "the inbound message carried no reply context; sent without it";
    } else {
        m.providerInstance = tenant.defaultProvider;
        m.warning =
            "the inbound message's provider is no longer configured; sent without reply context";
    }
    if (!util::isE164(m.toNumber))
        throw ServiceError(ErrorKind::InvalidInput, "invalid_phone",
                           "the inbound message's sender is not an E.164 number; cannot reply");
    return m;
}

Message SendService::enqueue(const store::Tenant& tenant, Message m, const std::string& action) {
    std::vector<Message> one{std::move(m)};
    enqueueAll(tenant, one, action);
    return one.front();
}

void SendService::enqueueAll(const store::Tenant& tenant, std::vector<Message>& messages,
                             const std::string& action) {
    for (const auto& m : messages) {
        if (providers_.find(m.providerInstance) == nullptr)
            throw ServiceError(ErrorKind::Unavailable, "sending_unavailable",
                               "sending is not configured for this account");
    }
    const store::TimeMs now = clock_.nowMs();
    db_.write([&](Poco::Data::Session& s) {
        for (auto& m : messages) {
            m.tenantId = tenant.id;
            m.status = store::status::kQueued;
            m.createdAt = m.updatedAt = now;
            m.nextAttemptAt = now;
            // Checked in the same transaction that queues the message, so a STOP stored just
            // before cannot be overtaken.
            const auto known = store::ContactRepository::find(s, tenant.id, m.toNumber);
            if (known && known->optedOut)
                throw ServiceError(ErrorKind::PolicyRefused, "recipient_opted_out",
                                   optedOutMessage(m.toNumber));
            m.contactId = known ? known->id
                                : store::ContactRepository::ensure(s, tenant.id, m.toNumber,
                                                                   tenant.businessName, now);
            m.id = store::MessageRepository::insert(s, m);
            Poco::JSON::Object detail;
            detail.set("kind", m.kind);
            detail.set("to", m.toNumber);
            if (m.replyToMessageId) detail.set("replyTo", *m.replyToMessageId);
            if (!m.warning.empty()) detail.set("warning", m.warning);
            store::AuditRepository::append(s, tenant.id, tenant.auditActor(), action,
                                           "message:" + std::to_string(m.id), util::toJson(detail),
                                           now);
        }
    });
    for (const auto& m : messages) {
        if (!m.warning.empty())
            Poco::Logger::get("messaging")
                .warning("message %s (tenant %s): %s", std::to_string(m.id), tenant.id, m.warning);
    }
    // Woken only once the messages are committed, also when the caller's transaction encloses
    // this one (Idempotency-Key), or the dispatcher would look before they exist.
    if (onQueued_ && !messages.empty()) db_.afterCommit(onQueued_);
}

std::vector<BulkResult> SendService::sendBulk(const store::Tenant& tenant,
                                              const std::vector<std::string>& recipients,
                                              const std::string& text,
                                              const std::optional<std::string>& from,
                                              std::size_t maxRecipients) {
    if (recipients.empty())
        throw ServiceError(ErrorKind::InvalidInput, "invalid_field",
                           "'recipients' must list at least one number");
    if (recipients.size() > maxRecipients)
        throw ServiceError(ErrorKind::InvalidInput, "too_many_recipients",
                           "at most " + std::to_string(maxRecipients) +
                               " recipients per request, got " + std::to_string(recipients.size()));
    if (from && !util::isE164(*from))
        throw ServiceError(ErrorKind::InvalidInput, "invalid_phone",
                           "'from' must be an E.164 number: '+' and 7 to 15 digits");
    Message base;
    base.direction = "outbound";
    base.kind = "initial";
    base.fromNumber = from.value_or("");
    base.body = text;
    base.providerInstance = tenant.defaultProvider;
    measureText(base);

    std::vector<BulkResult> results;
    std::vector<Message> queued;
    std::set<std::string> seen;
    const std::set<std::string> optedOut = store::ContactRepository(db_).optedOutPhones(tenant.id);
    for (const auto& to : recipients) {
        BulkResult r{to, std::nullopt, "", ""};
        if (!util::isE164(to)) {
            r.errorCode = "invalid_phone";
            r.errorMessage = "not an E.164 number: '+' and 7 to 15 digits";
        } else if (!seen.insert(to).second) {
            r.errorCode = "duplicate_recipient";
            r.errorMessage = "already listed in this request";
        } else if (optedOut.count(to)) {
            r.errorCode = "recipient_opted_out";
            r.errorMessage = optedOutMessage(to);
        } else {
            Message m = base;
            m.toNumber = to;
            queued.push_back(std::move(m));
        }
        results.push_back(std::move(r));
    }
    enqueueAll(tenant, queued, "sms.bulk");
    auto next = queued.begin();
    for (auto& r : results) {
        if (r.errorCode.empty()) r.message = *next++;
    }
    return results;
}

}  // namespace switchboard::messaging
