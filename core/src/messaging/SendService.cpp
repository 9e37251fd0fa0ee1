#include "messaging/SendService.h"

#include "http/ApiError.h"
#include "messaging/SmsSegmenter.h"
#include "store/AuditRepository.h"
#include "store/ContactRepository.h"
#include "store/MessageRepository.h"
#include "util/E164.h"
#include "util/JsonText.h"

#include <Poco/Logger.h>

namespace switchboard::messaging {

using http::ApiError;
using store::Message;

SendService::SendService(store::Database& db, const plugin::ProviderSet& providers,
                         const util::Clock& clock, std::function<void()> onQueued, int maxSegments)
    : db_(db),
      providers_(providers),
      clock_(clock),
      onQueued_(std::move(onQueued)),
      maxSegments_(maxSegments) {}

void SendService::measureText(Message& m) const {
    auto count = countSegments(m.body);
    if (!count) throw ApiError(400, "invalid_message", "message is not valid UTF-8");
    if (count->segments == 0) throw ApiError(400, "invalid_message", "message must not be empty");
    if (count->segments > static_cast<std::size_t>(maxSegments_))
        throw ApiError(400, "message_too_long",
                       "message needs " + std::to_string(count->segments) + " SMS segments (" +
                           count->encoding + "); the maximum is " + std::to_string(maxSegments_));
    m.encoding = count->encoding;
    m.segments = static_cast<int>(count->segments);
}

Message SendService::send(const store::Tenant& tenant, const SendRequest& request) {
    if (!util::isE164(request.to))
        throw ApiError(400, "invalid_phone",
                       "'to' must be an E.164 number: '+' and 7 to 15 digits, e.g. +15550100001");
    if (request.from && !util::isE164(*request.from))
        throw ApiError(400, "invalid_phone",
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
        throw ApiError(400, "invalid_request",
                       "give exactly one of 'inboundMessageId' or 'conversationKey'");
    if (request.conversationKey && !util::isE164(*request.conversationKey))
        throw ApiError(400, "invalid_phone",
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
            throw ApiError(404, "inbound_not_found",
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
        throw ApiError(400, "invalid_phone",
                       "the inbound message's sender is not an E.164 number; cannot reply");
    return m;
}

Message SendService::enqueue(const store::Tenant& tenant, Message m, const std::string& action) {
    if (providers_.find(m.providerInstance) == nullptr)
        throw ApiError(503, "sending_unavailable", "sending is not configured for this account");
    const store::TimeMs now = clock_.nowMs();
    m.tenantId = tenant.id;
    m.status = store::status::kQueued;
    m.createdAt = m.updatedAt = now;
    m.nextAttemptAt = now;
    db_.write([&](Poco::Data::Session& s) {
        m.contactId =
            store::ContactRepository::ensure(s, tenant.id, m.toNumber, tenant.businessName, now);
        m.id = store::MessageRepository::insert(s, m);
        Poco::JSON::Object detail;
        detail.set("kind", m.kind);
        detail.set("to", m.toNumber);
        if (m.replyToMessageId) detail.set("replyTo", *m.replyToMessageId);
        if (!m.warning.empty()) detail.set("warning", m.warning);
        store::AuditRepository::append(s, tenant.id, "tenant:" + tenant.id, action,
                                       "message:" + std::to_string(m.id), util::toJson(detail),
                                       now);
    });
    if (!m.warning.empty())
        Poco::Logger::get("messaging")
            .warning("message %s (tenant %s): %s", std::to_string(m.id), tenant.id, m.warning);
    if (onQueued_) onQueued_();
    return m;
}

}  // namespace switchboard::messaging
