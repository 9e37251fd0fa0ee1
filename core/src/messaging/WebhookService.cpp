#include "messaging/WebhookService.h"

#include "messaging/DeliveryReceiptRecorder.h"
#include "messaging/InboundMessageRecorder.h"
#include "messaging/WebhookReasonCodes.h"

#include "store/MessageRepository.h"
#include "store/TenantRepository.h"
#include "store/WebhookEventRepository.h"
#include "util/Digest.h"
#include "util/E164.h"
#include "util/JsonText.h"
#include "util/RandomToken.h"

#include "switchboard/sdk/AbiCodec.h"

#include <Poco/JSON/Array.h>
#include <Poco/Logger.h>
#include <Poco/URI.h>

#include <algorithm>

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

// routes[].reject_status other than 200: the operator chose to tell the sender why (to
// debug a misconfigured route), in the API's error envelope. Reasons never hold secrets.
WebhookReply refusalReply(int status, const std::string& code, const std::string& reason) {
    Poco::JSON::Object error(Poco::JSON_PRESERVE_KEY_ORDER);
    error.set("code", "webhook_rejected");
    error.set("message", code + ": " + reason);
    Poco::JSON::Object root;
    root.set("error", error);
    return {status, "application/json", util::toJson(root)};
}

sdk::WebhookResult resultNamed(const std::string& result) {
    if (result == "rejected") return sdk::WebhookResult::Rejected;
    if (result == "ignored") return sdk::WebhookResult::Ignored;
    if (result == "error") return sdk::WebhookResult::Error;
    return sdk::WebhookResult::Accepted;
}

WebhookReply replyFor(const plugin::Provider* provider, const char* result) {
    WebhookReply reply;
    if (provider == nullptr) return reply;
    auto r =
        provider->instance->webhookResponse(sdk::abi::encodeWebhookResult(resultNamed(result)));
    if (!r.ok()) return reply;
    try {
        const auto decoded =
            sdk::abi::decodeWebhookReply(r.output, {reply.status, reply.contentType, reply.body});
        reply = {decoded.status, decoded.contentType, decoded.body};
    } catch (const std::exception&) {
        // A plugin answering nonsense still gets the provider a plain 200.
    }
    return reply;
}

// The tenant a bring-your-own-carrier callback names ("tenant=<id>" in the query).
std::optional<std::string> tenantMarker(const std::string& query) {
    if (query.find("tenant=") == std::string::npos) return std::nullopt;
    try {
        Poco::URI uri;
        uri.setRawQuery(query);
        for (const auto& [key, value] : uri.getQueryParameters())
            if (key == "tenant" && !value.empty()) return value;
    } catch (const Poco::Exception&) {
        // A malformed query names no tenant: the operator's instance verifies.
    }
    return std::nullopt;
}

}  // namespace

WebhookService::WebhookService(store::Database& db, const plugin::ProviderSet& providers,
                               const util::Clock& clock, OptOutKeywords keywords)
    : db_(db), providers_(providers), clock_(clock), keywords_(std::move(keywords)) {}

const plugin::Provider* WebhookService::pick(const config::RouteConfig& route,
                                             const plugin::WebhookRequest& request) const {
    if (route.providers.size() == 1) return providers_.find(route.providers.front());
    for (const auto& id : route.providers) {
        const plugin::Provider* candidate = providers_.find(id);
        if (candidate != nullptr && candidate->instance->detect(request).status == SB_OK)
            return candidate;
    }
    return nullptr;
}

store::WebhookEventRecord WebhookService::recordOf(const config::RouteConfig& route,
                                                   const plugin::WebhookRequest& request) const {
    store::WebhookEventRecord record;
    record.receivedAt = clock_.nowMs();
    record.routePath = route.path;
    record.remoteAddr = request.remoteAddr;
    record.payload = clip(request.body);
    return record;
}

WebhookReply WebhookService::conclude(const config::RouteConfig& route,
                                      const plugin::Provider* provider,
                                      store::WebhookEventRecord record, const std::string& outcome,
                                      const std::string& reasonCode, const std::string& reason,
                                      const char* result) {
    record.outcome = outcome;
    record.reasonCode = reasonCode;
    record.reason = reason;
    store::WebhookEventRepository(db_).insert(record);
    Poco::Logger::get("webhook").warning(
        "webhook route=%s provider=%s remote=%s code=%s outcome=%s reason=%s", route.path,
        record.providerInstance.empty() ? std::string("-") : record.providerInstance,
        record.remoteAddr, reasonCode, outcome, reason);
    if (outcome == "rejected" && route.rejectStatus != 200)
        return refusalReply(route.rejectStatus, reasonCode, reason);
    return replyFor(provider, result);
}

WebhookReply WebhookService::reject(const config::RouteConfig& route,
                                    const plugin::WebhookRequest& request,
                                    const std::string& outcome, const std::string& reasonCode,
                                    const std::string& reason) {
    // Detection only picks the reply's shape and names the instance in the record; an
    // unrecognised payload still gets the generic 200.
    const plugin::Provider* provider = pick(route, request);
    store::WebhookEventRecord record = recordOf(route, request);
    record.providerInstance = provider != nullptr ? provider->config.id : "";
    return conclude(route, provider, record, outcome, reasonCode, reason, "rejected");
}

WebhookReply WebhookService::handle(const config::RouteConfig& route,
                                    const plugin::WebhookRequest& request, bool verifySignature) {
    auto& log = Poco::Logger::get("webhook");
    store::WebhookEventRecord record = recordOf(route, request);
    auto finish = [&](const plugin::Provider* provider, const std::string& outcome,
                      const char* reasonCode, const std::string& reason, const char* result) {
        return conclude(route, provider, record, outcome, reasonCode, reason, result);
    };

    // 1. Which provider instance is this for?
    const plugin::Provider* provider = pick(route, request);
    if (provider == nullptr)
        return finish(nullptr, "ignored", reason::kUnrecognised,
                      "no provider on this route recognised the payload", "ignored");
    record.providerInstance = provider->config.id;

    // 1b. Signed with a tenant's own account? (See useTenantCredentials.)
    std::optional<std::string> scopedTenant;
    std::shared_ptr<const credentials::TenantProvider> tenantProvider;
    if (tenantProviders_ != nullptr) {
        if (auto marked = tenantMarker(request.query)) {
            try {
                tenantProvider = tenantProviders_->resolve(*marked, *provider);
            } catch (const credentials::CredentialsUnavailable& e) {
                return finish(provider, "error", reason::kCredentials, e.what(), "error");
            }
            if (tenantProvider) scopedTenant = marked;
        }
    }
    const plugin::ProviderInstance& instance =
        tenantProvider ? *tenantProvider->instance : *provider->instance;

    // 2. Authentic? (The route's own checks already passed; the route may turn the
    // plugin's signature check off when it relies on them instead.)
    if (verifySignature) {
        auto verified = instance.verify(request);
        if (verified.status == SB_REJECTED)
            return finish(provider, "rejected", reason::kSignature, verified.output, "rejected");
        if (!verified.ok())
            return finish(provider, "error", reason::kPluginError,
                          "verify failed: " + verified.output, "error");
    }

    // 3. Parse into canonical events.
    auto parsed = instance.parse(request);
    if (parsed.status == SB_BAD_INPUT)
        return finish(provider, "rejected", reason::kMalformed,
                      "malformed payload: " + parsed.output, "rejected");
    if (!parsed.ok())
        return finish(provider, "error", reason::kPluginError, "parse failed: " + parsed.output,
                      "error");
    std::vector<sdk::abi::DecodedEvent> events;
    try {
        events = sdk::abi::decodeEvents(parsed.output);
    } catch (const Poco::Exception& e) {
        return finish(provider, "error", reason::kPluginError,
                      "plugin returned unreadable events: " + e.displayText(), "error");
    } catch (const std::exception& e) {
        return finish(provider, "error", reason::kPluginError,
                      std::string("plugin returned unreadable events: ") + e.what(), "error");
    }
    if (events.empty())
        return finish(provider, "ignored", reason::kNoEvents, "no events in payload", "ignored");

    // 4. Keep what can be stored; say why anything else is not. A receipt the provider does
    // not number is identified by this request (and its place in it): only a re-run of this
    // request's own transaction can repeat it.
    const std::string requestKey = util::randomHex(16);
    std::vector<InboundEvent> inbound;
    std::vector<ReceiptEvent> receipts;
    std::string droppedOutcome = "ignored";
    const char* droppedCode = reason::kNoEvents;
    std::string droppedReason;
    auto drop = [&](const char* outcome, const char* code, std::string why) {
        droppedOutcome = outcome;
        droppedCode = code;
        droppedReason = std::move(why);
    };
    for (std::size_t i = 0; i < events.size(); ++i) {
        if (const auto* message = std::get_if<sdk::InboundMessage>(&events[i])) {
            InboundEvent in = InboundEvent::of(*message);
            if (util::isE164(in.from)) {
                inbound.push_back(std::move(in));
            } else {
                drop("ignored", reason::kNoEvents, "inbound event without a valid E.164 sender");
            }
        } else if (const auto* receipt = std::get_if<sdk::DeliveryReceipt>(&events[i])) {
            ReceiptEvent r = ReceiptEvent::of(*receipt);
            if (!r.providerRef.empty() && !r.rawStatus.empty()) {
                // Hashed: a provider's id of any length fits the unique index.
                r.callbackKey = r.callbackId.empty()
                                    ? "request:" + requestKey + ":" + std::to_string(i)
                                    : "provider:" + util::sha256Hex(r.callbackId);
                receipts.push_back(std::move(r));
            } else {
                drop("ignored", reason::kNoEvents,
                     "delivery receipt without provider reference or status");
            }
        } else {
            drop("ignored", reason::kNoEvents,
                 "event type '" + std::get<sdk::abi::UnknownEvent>(events[i]).type +
                     "' is not processed");
        }
    }
    // A status callback whose status field is missing, read as an MO, is an empty inbound
    // message carrying the provider reference of a message we sent: malformed, and it must
    // not become an inbound row. Only empty ones: a provider whose MO and MT ids are counted
    // separately (a modem gateway) may well reuse a number for a real message.
    auto namesOutbound = [&](const InboundEvent& in) {
        if (in.providerMessageId.empty() || !in.text.empty()) return false;
        bool found = false;
        db_.read([&](Poco::Data::Session& s) {
            found = store::MessageRepository::findOutboundByRef(s, provider->config.id,
                                                                in.providerMessageId)
                        .has_value();
        });
        return found;
    };
    for (auto it = inbound.begin(); it != inbound.end();) {
        if (!namesOutbound(*it)) {
            ++it;
            continue;
        }
        drop("rejected", reason::kMalformed,
             "malformed payload: empty inbound event carries provider reference '" +
                 it->providerMessageId + "' of an outbound message");
        it = inbound.erase(it);
    }
    if (scopedTenant) {
        // A tenant's own secret vouches only for that tenant's traffic.
        store::TenantRepository tenants(db_);
        auto foreign = [&](const InboundEvent& in) {
            return tenants.tenantForNumber(in.to) != scopedTenant;
        };
        if (std::any_of(inbound.begin(), inbound.end(), foreign)) {
            inbound.erase(std::remove_if(inbound.begin(), inbound.end(), foreign), inbound.end());
            drop("rejected", reason::kForeignTenant,
                 "inbound message to a number not assigned to tenant " + *scopedTenant +
                     ", whose credentials signed it");
        }
    }
    if (inbound.empty() && receipts.empty())
        return finish(provider, droppedOutcome, droppedCode, droppedReason,
                      droppedOutcome == "rejected" ? "rejected" : "accepted");

    // 5. Store every event in one transaction with its webhook record.
    const store::TimeMs now = clock_.nowMs();
    std::string summary;
    std::vector<std::string> parkedRefs;
    db_.write([&](Poco::Data::Session& s) {
        parkedRefs.clear();  // the body may run again on a fresh session
        summary.clear();
        if (!droppedReason.empty()) {
            // Part of the request was refused while the rest is stored: say so too.
            store::WebhookEventRecord dropped = record;
            dropped.outcome = droppedOutcome;
            dropped.reasonCode = droppedCode;
            dropped.reason = droppedReason;
            store::WebhookEventRepository::insert(s, dropped);
        }
        for (const auto& in : inbound)
            summary +=
                InboundMessageRecorder::record(s, db_, *provider, in, record, keywords_, now);
        for (const auto& r : receipts) {
            if (scopedTenant) {
                auto message = store::MessageRepository::findOutboundByRef(s, provider->config.id,
                                                                           r.providerRef);
                if (message && message->tenantId != scopedTenant) {
                    store::WebhookEventRecord refused = record;
                    refused.outcome = "rejected";
                    refused.reasonCode = reason::kForeignTenant;
                    refused.reason = "receipt for another tenant's message, signed with tenant " +
                                     *scopedTenant + "'s credentials";
                    store::WebhookEventRepository::insert(s, refused);
                    summary += " dlr=" + r.providerRef + ":other_tenant(refused)";
                    continue;
                }
            }
            auto outcome =
                DeliveryReceiptRecorder::record(s, *provider, r, record, scopedTenant, now);
            summary += outcome.logFragment;
            if (outcome.parked) parkedRefs.push_back(r.providerRef);
        }
    });
    // The dispatcher may have stored the reference after this transaction looked for it;
    // checking again after our commit means whichever side commits last hands the receipt
    // over (the periodic reconciliation is the backstop).
    for (const auto& ref : parkedRefs) {
        try {
            DeliveryReceiptRecorder::applyParked(db_, *provider, ref);
        } catch (const std::exception& e) {
            log.error("parked receipt ref=%s: %s", ref, std::string(e.what()));
        }
    }
    log.information("webhook route=%s provider=%s remote=%s outcome=accepted%s", route.path,
                    provider->config.id, request.remoteAddr, summary);
    return replyFor(provider, "accepted");
}

}  // namespace switchboard::messaging
