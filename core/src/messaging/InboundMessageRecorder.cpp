#include "messaging/InboundMessageRecorder.h"

#include "messaging/SmsSegmenter.h"
#include "messaging/WebhookReasonCodes.h"
#include "store/AuditRepository.h"
#include "store/ContactRepository.h"
#include "store/MessageRepository.h"
#include "store/ModemRouteRepository.h"
#include "store/TenantRepository.h"
#include "store/WebhookEventRepository.h"
#include "util/JsonText.h"

using namespace Poco::Data::Keywords;

namespace switchboard::messaging {
namespace {

bool alreadyStored(Poco::Data::Session& s, const std::string& providerInstance,
                   const std::string& providerRef) {
    if (providerRef.empty()) return false;
    Poco::Int64 count = 0;
    // provider_ref, not inbound_ref: rows a not yet upgraded process stores during a rolling
    // upgrade have no inbound_ref, and must still be found.
    s << "SELECT COUNT(*) FROM messages WHERE direction = 'inbound' AND provider_instance = $1 "
         "AND provider_ref = $2",
        bind(providerInstance), bind(providerRef), into(count), now;
    return count > 0;
}

}  // namespace

std::string InboundMessageRecorder::record(Poco::Data::Session& s, store::Database& db,
                                           const plugin::Provider& provider, const InboundEvent& in,
                                           store::WebhookEventRecord webhook,
                                           const OptOutKeywords& keywords, store::TimeMs at) {
    const std::string& instance = provider.config.id;
    store::TenantRepository tenants(db);
    std::optional<std::string> tenantId = tenants.tenantForNumber(in.to);
    const bool byNumber = tenantId.has_value();
    if (!tenantId && (!in.modem.empty() || !in.port.empty()))
        tenantId = store::ModemRouteRepository(db).tenantFor(instance, in.modem, in.port);

    Poco::JSON::Object routing;
    routing.set("modem", in.modem);
    routing.set("port", in.port);
    routing.set("routedBy", byNumber ? "number" : (tenantId ? "modem_route" : "unlinked"));
    webhook.routingJson = util::toJson(routing);
    webhook.tenantId = tenantId.value_or("");

    auto duplicate = [&] {
        webhook.outcome = "duplicate";
        webhook.reasonCode = reason::kDuplicate;
        webhook.reason = "inbound " + in.providerMessageId + " already stored";
        store::WebhookEventRepository::insert(s, webhook);
        return " duplicate=" + in.providerMessageId;
    };
    // The usual repeat (a provider retry) is found here before anything is touched; one
    // racing on another process or thread is caught by insertInbound's unique index.
    if (alreadyStored(s, instance, in.providerMessageId)) return duplicate();

    store::Message m;
    m.tenantId = tenantId;
    m.direction = "inbound";
    m.fromNumber = in.from;
    m.toNumber = in.to;
    m.body = in.text;
    m.status = store::status::kReceived;
    m.providerInstance = instance;
    m.providerRef = in.providerMessageId;
    m.replyContextJson = in.replyContextJson;
    m.routingModem = in.modem;
    m.routingPort = in.port;
    m.createdAt = m.updatedAt = at;
    if (auto count = countSegments(m.body)) {
        m.encoding = count->encoding;
        m.segments = static_cast<int>(count->segments);
    }
    if (tenantId) {
        auto tenant = tenants.get(*tenantId);
        m.contactId = store::ContactRepository::ensure(s, *tenantId, in.from,
                                                       tenant ? tenant->businessName : "", at);
        if (byNumber && (!in.modem.empty() || !in.port.empty()))
            store::ModemRouteRepository::learn(s, instance, in.modem, in.port, *tenantId, at);
    }
    webhook.messageId = store::MessageRepository::insertInbound(s, m);
    if (!webhook.messageId) return duplicate();
    webhook.outcome = "accepted";
    store::WebhookEventRepository::insert(s, webhook);
    std::string consent;
    std::string keyword;
    auto intent = keywords.classify(m.body, keyword);
    if (tenantId && m.contactId && intent != OptOutKeywords::Intent::None) {
        const bool out = intent == OptOutKeywords::Intent::OptOut;
        if (store::ContactRepository::setOptedOut(s, *tenantId, *m.contactId, out, at)) {
            Poco::JSON::Object detail;
            detail.set("keyword", keyword);
            detail.set("messageId", *webhook.messageId);
            store::AuditRepository::append(
                s, *tenantId, "contact:" + m.fromNumber, out ? "contact.opt_out" : "contact.opt_in",
                "contact:" + std::to_string(*m.contactId), util::toJson(detail), at);
            consent = out ? " opted_out=yes" : " opted_in=yes";
        }
    }
    return " message=" + std::to_string(*webhook.messageId) + consent +
           " tenant=" + tenantId.value_or("unlinked") + " from=" + m.fromNumber +
           " modem=" + (in.modem.empty() ? "-" : in.modem) +
           " port=" + (in.port.empty() ? "-" : in.port);
}

}  // namespace switchboard::messaging
