#include "messaging/WebhookService.h"

#include "store/ContactRepository.h"
#include "store/MessageRepository.h"
#include "store/ModemRouteRepository.h"
#include "store/TenantRepository.h"
#include "store/WebhookEventRepository.h"
#include "util/E164.h"
#include "util/JsonText.h"

#include <Poco/Data/RecordSet.h>
#include <Poco/JSON/Array.h>
#include <Poco/Logger.h>

using namespace Poco::Data::Keywords;

namespace switchboard::messaging {
namespace {

// Payloads are kept for the admin's debugging views, bounded so a hostile sender cannot
// fill the database through the event log.
constexpr std::size_t kMaxStoredPayload = 16 * 1024;

std::string clip(const std::string& payload) {
    return payload.size() <= kMaxStoredPayload
               ? payload
               : payload.substr(0, kMaxStoredPayload) + "…[truncated]";
}

WebhookReply replyFor(const plugin::Provider* provider, const char* result) {
    WebhookReply reply;
    if (provider == nullptr) return reply;
    auto r = provider->instance->webhookResponse(std::string(R"({"result":")") + result + "\"}");
    if (!r.ok()) return reply;
    try {
        auto o = util::parseObject(r.output);
        reply.status = o->optValue<int>("status", 200);
        reply.contentType = o->optValue<std::string>("content_type", reply.contentType);
        reply.body = o->optValue<std::string>("body", reply.body);
    } catch (const Poco::Exception&) {
        // A plugin answering nonsense still gets the provider a plain 200.
    }
    return reply;
}

struct InboundEvent {
    std::string from, to, text, providerMessageId, replyContextJson = "{}", modem, port;
};

InboundEvent inboundOf(const Poco::JSON::Object::Ptr& e) {
    InboundEvent in;
    in.from = e->optValue<std::string>("from", "");
    in.to = e->optValue<std::string>("to", "");
    in.text = e->optValue<std::string>("text", "");
    in.providerMessageId = e->optValue<std::string>("provider_message_id", "");
    if (auto context = e->getObject("reply_context")) in.replyContextJson = util::toJson(context);
    if (auto routing = e->getObject("routing")) {
        in.modem = routing->optValue<std::string>("modem", "");
        in.port = routing->optValue<std::string>("port", "");
    }
    return in;
}

bool alreadyStored(Poco::Data::Session& s, const std::string& providerInstance,
                   const std::string& providerRef) {
    if (providerRef.empty()) return false;
    Poco::Int64 count = 0;
    s << "SELECT COUNT(*) FROM messages WHERE direction = 'inbound' AND provider_instance = $1 AND "
         "provider_ref = $2",
        bind(providerInstance), bind(providerRef), into(count), now;
    return count > 0;
}

}  // namespace

WebhookService::WebhookService(store::Database& db, const plugin::ProviderSet& providers,
                               const util::Clock& clock)
    : db_(db), providers_(providers), clock_(clock) {}

WebhookReply WebhookService::handle(const config::RouteConfig& route,
                                    const plugin::WebhookRequest& request) {
    auto& log = Poco::Logger::get("webhook");
    store::WebhookEventRecord record;
    record.receivedAt = clock_.nowMs();
    record.routePath = route.path;
    record.remoteAddr = request.remoteAddr;
    record.payload = clip(request.body);

    auto finish = [&](const plugin::Provider* provider, const std::string& outcome,
                      const std::string& reason, const char* result) {
        record.outcome = outcome;
        record.reason = reason;
        store::WebhookEventRepository(db_).insert(record);
        log.warning("webhook route=%s provider=%s remote=%s outcome=%s reason=%s", route.path,
                    record.providerInstance.empty() ? std::string("-") : record.providerInstance,
                    request.remoteAddr, outcome, reason);
        return replyFor(provider, result);
    };

    // 1. Which provider instance is this for?
    const plugin::Provider* provider = nullptr;
    if (route.providers.size() == 1) {
        provider = providers_.find(route.providers.front());
    } else {
        for (const auto& id : route.providers) {
            const plugin::Provider* candidate = providers_.find(id);
            if (candidate != nullptr && candidate->instance->detect(request).status == SB_OK) {
                provider = candidate;
                break;
            }
        }
    }
    if (provider == nullptr)
        return finish(nullptr, "ignored", "no provider on this route recognised the payload",
                      "ignored");
    record.providerInstance = provider->config.id;

    // 2. Authentic?
    auto verified = provider->instance->verify(request);
    if (verified.status == SB_REJECTED)
        return finish(provider, "rejected", verified.output, "rejected");
    if (!verified.ok())
        return finish(provider, "error", "verify failed: " + verified.output, "error");

    // 3. Parse into canonical events.
    auto parsed = provider->instance->parse(request);
    if (parsed.status == SB_BAD_INPUT)
        return finish(provider, "rejected", "malformed payload: " + parsed.output, "rejected");
    if (!parsed.ok()) return finish(provider, "error", "parse failed: " + parsed.output, "error");
    Poco::JSON::Array::Ptr events;
    try {
        events = util::parseObject(parsed.output)->getArray("events");
    } catch (const Poco::Exception& e) {
        return finish(provider, "error", "plugin returned unreadable events: " + e.displayText(),
                      "error");
    }
    if (!events || events->size() == 0)
        return finish(provider, "ignored", "no events in payload", "ignored");

    // 4. Route and store, all in one transaction with the webhook record.
    store::TenantRepository tenants(db_);
    store::ModemRouteRepository modemRoutes(db_);
    struct Routed {
        InboundEvent event;
        std::optional<std::string> tenantId;
        bool byNumber = false;
    };
    std::vector<Routed> inbound;
    std::string ignoredReason;
    for (std::size_t i = 0; i < events->size(); ++i) {
        auto e = events->getObject(static_cast<unsigned>(i));
        std::string type = e ? e->optValue<std::string>("type", "") : "";
        if (type == "inbound") {
            Routed r{inboundOf(e), std::nullopt, false};
            if (!util::isE164(r.event.from)) {
                ignoredReason = "inbound event without a valid E.164 sender";
                continue;
            }
            if (auto t = tenants.tenantForNumber(r.event.to)) {
                r.tenantId = t;
                r.byNumber = true;
            } else if (!r.event.modem.empty() || !r.event.port.empty()) {
                r.tenantId =
                    modemRoutes.tenantFor(provider->config.id, r.event.modem, r.event.port);
            }
            inbound.push_back(std::move(r));
        } else {
            // Delivery receipts are handled by the delivery-event log (a later feature);
            // until then they are recorded here and not processed.
            ignoredReason = "event type '" + type + "' is not processed";
        }
    }
    if (inbound.empty()) return finish(provider, "ignored", ignoredReason, "accepted");

    const store::TimeMs now = clock_.nowMs();
    std::string summary;
    db_.write([&](Poco::Data::Session& s) {
        for (auto& r : inbound) {
            store::WebhookEventRecord rec = record;
            Poco::JSON::Object routing;
            routing.set("modem", r.event.modem);
            routing.set("port", r.event.port);
            routing.set("routedBy",
                        r.byNumber ? "number" : (r.tenantId ? "modem_route" : "unlinked"));
            rec.routingJson = util::toJson(routing);
            rec.tenantId = r.tenantId.value_or("");
            if (alreadyStored(s, provider->config.id, r.event.providerMessageId)) {
                rec.outcome = "duplicate";
                rec.reason = "inbound " + r.event.providerMessageId + " already stored";
                store::WebhookEventRepository::insert(s, rec);
                summary += " duplicate=" + r.event.providerMessageId;
                continue;
            }
            store::Message m;
            m.tenantId = r.tenantId;
            m.direction = "inbound";
            m.fromNumber = r.event.from;
            m.toNumber = r.event.to;
            m.body = r.event.text;
            m.status = store::status::kReceived;
            m.providerInstance = provider->config.id;
            m.providerRef = r.event.providerMessageId;
            m.replyContextJson = r.event.replyContextJson;
            m.routingModem = r.event.modem;
            m.routingPort = r.event.port;
            m.createdAt = m.updatedAt = now;
            if (r.tenantId) {
                auto tenant = tenants.get(*r.tenantId);
                m.contactId = store::ContactRepository::ensure(
                    s, *r.tenantId, r.event.from, tenant ? tenant->businessName : "", now);
                if (r.byNumber && (!r.event.modem.empty() || !r.event.port.empty()))
                    store::ModemRouteRepository::learn(s, provider->config.id, r.event.modem,
                                                       r.event.port, *r.tenantId, now);
            }
            rec.messageId = store::MessageRepository::insert(s, m);
            rec.outcome = "accepted";
            store::WebhookEventRepository::insert(s, rec);
            summary += " message=" + std::to_string(*rec.messageId) +
                       " tenant=" + r.tenantId.value_or("unlinked") + " from=" + m.fromNumber +
                       " modem=" + (m.routingModem.empty() ? "-" : m.routingModem) +
                       " port=" + (m.routingPort.empty() ? "-" : m.routingPort);
        }
    });
    log.information("webhook route=%s provider=%s remote=%s outcome=accepted%s", route.path,
                    provider->config.id, request.remoteAddr, summary);
    return replyFor(provider, "accepted");
}

}  // namespace switchboard::messaging
