#include "messaging/DeliveryReceiptRecorder.h"

#include "messaging/DeliveryStatusMerger.h"
#include "messaging/WebhookReasonCodes.h"
#include "store/DeliveryEventRepository.h"
#include "store/FailureEventRepository.h"
#include "store/MessageRepository.h"
#include "store/ParkedReceiptRepository.h"
#include "store/WebhookEventRepository.h"

#include <Poco/Logger.h>

namespace switchboard::messaging {
namespace {

Poco::Logger& logger() { return Poco::Logger::get("webhook"); }

/// Where a receipt came from, for its delivery event.
struct ReceiptSource {
    std::string payload;
    std::string ip;
    store::TimeMs receivedAt = 0;
};

enum class Applied { StatusChanged, Unchanged, Duplicate };

/// Appends the delivery event for `message`, merges its status and raises the failure
/// event. The same callback (same callback key) already logged is a Duplicate and changes
/// nothing: a provider retry that repeats its callback id, a re-run of this request's own
/// transaction, or — on PostgreSQL — the same numbered callback handled by another process at
/// the same time, whose event insert then waits for ours and does nothing.
Applied applyTo(Poco::Data::Session& s, const plugin::Provider& provider,
                const store::Message& message, const ReceiptEvent& receipt,
                const ReceiptSource& source, std::string& canonical) {
    canonical = provider.statuses.normalise(receipt.rawStatus);
    if (!receipt.callbackKey.empty() &&
        store::DeliveryEventRepository::contains(s, provider.config.id, receipt.providerRef,
                                                 receipt.callbackKey))
        return Applied::Duplicate;
    const StatusMerge merge = mergeStatus(message.status, canonical);
    // A compare-and-set on the status we read: a concurrent copy of this callback that
    // committed first leaves nothing to change, so at most one of them applies.
    const bool applied =
        merge.changes && store::MessageRepository::applyDeliveryStatus(
                             s, message.id, message.status, merge.status, source.receivedAt);

    store::DeliveryEvent event;
    event.messageId = message.id;
    event.tenantId = message.tenantId.value_or("");
    event.providerInstance = provider.config.id;
    event.providerRef = receipt.providerRef;
    event.status = canonical;
    event.rawStatus = receipt.rawStatus;
    event.errorCode = receipt.errorCode;
    event.rawPayload = source.payload;
    event.receivedAt = source.receivedAt;
    event.ip = source.ip;
    event.applied = applied;
    event.callbackKey = receipt.callbackKey;
    if (!store::DeliveryEventRepository::append(s, event)) {
        // Only a concurrent twin gets here, and its status change is the one that stood.
        if (applied) throw store::StoreUnavailable("delivery receipt raced its own duplicate");
        return Applied::Duplicate;
    }

    if (applied && merge.becameFailure) {
        std::string detail = receipt.rawStatus;
        if (!receipt.errorCode.empty()) detail += " " + receipt.errorCode;
        if (!receipt.errorMessage.empty()) detail += ": " + receipt.errorMessage;
        store::FailureEventRepository::append(s, {0, source.receivedAt, event.tenantId, message.id,
                                                  merge.status, "delivery_receipt", detail});
        logger().warning("message %s ended %s (%s)", std::to_string(message.id), merge.status,
                         detail);
    }
    return applied ? Applied::StatusChanged : Applied::Unchanged;
}

}  // namespace

ReceiptOutcome DeliveryReceiptRecorder::record(Poco::Data::Session& s,
                                               const plugin::Provider& provider,
                                               const ReceiptEvent& receipt,
                                               store::WebhookEventRecord webhook,
                                               const std::optional<std::string>& scopedTenant,
                                               store::TimeMs now) {
    // Asked before the lookup by reference: a send whose answer is stored in between is then
    // either still in flight here or already found below (each statement sees the latest
    // commit), never missed by both.
    const bool sendInFlight = store::MessageRepository::hasSendInFlight(s, provider.config.id);
    auto message =
        store::MessageRepository::findOutboundByRef(s, provider.config.id, receipt.providerRef);
    if (!message) {
        // Nothing is being sent on this instance, so no answer can be about to carry the
        // reference (another system's traffic, or a typo); and parking is bounded.
        std::string refusal;
        if (!sendInFlight)
            refusal = "unknown provider reference '" + receipt.providerRef + "'";
        else if (store::ParkedReceiptRepository::countFor(s, provider.config.id) >=
                 kMaxParkedPerInstance)
            refusal = "unknown provider reference '" + receipt.providerRef + "' (" +
                      std::to_string(kMaxParkedPerInstance) +
                      " receipts already wait for theirs on this instance)";
        if (!refusal.empty()) {
            webhook.outcome = "ignored";
            webhook.reasonCode = reason::kUnknownReference;
            webhook.reason = refusal;
            store::WebhookEventRepository::insert(s, webhook);
            logger().warning("delivery receipt provider=%s ref=%s status=%s: %s, discarded",
                             provider.config.id, receipt.providerRef, receipt.rawStatus, refusal);
            return {" dlr=" + receipt.providerRef + ":unknown_reference", false};
        }
        store::ParkedReceipt parked;
        parked.providerInstance = provider.config.id;
        parked.providerRef = receipt.providerRef;
        parked.rawStatus = receipt.rawStatus;
        parked.errorCode = receipt.errorCode;
        parked.errorMessage = receipt.errorMessage;
        parked.rawPayload = webhook.payload;
        parked.ip = webhook.remoteAddr;
        parked.scopedTenant = scopedTenant;
        parked.callbackKey = receipt.callbackKey;
        parked.receivedAt = now;
        // The same callback parked already: the provider repeated it, or this transaction is
        // a retry of one whose commit went through (Database::write).
        bool repeated = false;
        for (const auto& p : store::ParkedReceiptRepository::forReference(
                 s, parked.providerInstance, parked.providerRef))
            repeated =
                repeated || (p.rawStatus == parked.rawStatus && p.rawPayload == parked.rawPayload);
        if (!repeated) store::ParkedReceiptRepository::park(s, parked);
        webhook.outcome = "parked";
        webhook.reason = "no message carries provider reference '" + receipt.providerRef +
                         "' yet; applied when one does, dropped after 24 h";
        store::WebhookEventRepository::insert(s, webhook);
        logger().information(
            "delivery receipt provider=%s ref=%s status=%s: reference not stored yet, parked",
            provider.config.id, receipt.providerRef, receipt.rawStatus);
        return {" dlr=" + receipt.providerRef + ":parked", true};
    }

    std::string canonical;
    const Applied result = applyTo(s, provider, *message, receipt,
                                   {webhook.payload, webhook.remoteAddr, now}, canonical);
    webhook.tenantId = message->tenantId.value_or("");
    webhook.messageId = message->id;
    if (result == Applied::Duplicate) {
        webhook.outcome = "duplicate";
        webhook.reasonCode = reason::kDuplicate;
        webhook.reason = "delivery receipt " + receipt.providerRef + " " + receipt.rawStatus +
                         " already recorded";
        store::WebhookEventRepository::insert(s, webhook);
        return {" dlr=" + receipt.providerRef + ":duplicate", false};
    }
    const bool applied = result == Applied::StatusChanged;
    webhook.outcome = "accepted";
    webhook.reason =
        applied ? "" : "status stays " + message->status + " (received " + canonical + ")";
    store::WebhookEventRepository::insert(s, webhook);
    return {" dlr=" + receipt.providerRef + ":" + receipt.rawStatus + "->" + canonical +
                (applied ? "" : "(unchanged:" + message->status + ")") +
                " message=" + std::to_string(message->id),
            false};
}

int DeliveryReceiptRecorder::applyParked(store::Database& db, const plugin::Provider& provider,
                                         const std::string& providerRef) {
    // Almost always nothing waits: find that out without taking the writer lock.
    bool waiting = false;
    db.read([&](Poco::Data::Session& s) {
        waiting = !store::ParkedReceiptRepository::forReference(s, provider.config.id, providerRef)
                       .empty();
    });
    if (!waiting) return 0;
    int applied = 0;
    db.write([&](Poco::Data::Session& s) {
        applied = 0;  // the body may run again on a fresh session
        auto parked =
            store::ParkedReceiptRepository::forReference(s, provider.config.id, providerRef);
        if (parked.empty()) return;
        if (!store::MessageRepository::findOutboundByRef(s, provider.config.id, providerRef))
            return;
        for (const auto& r : parked) {
            if (!store::ParkedReceiptRepository::take(s, r.id)) continue;  // another took it
            // Read per receipt: the previous one may have moved the status.
            auto message =
                store::MessageRepository::findOutboundByRef(s, provider.config.id, providerRef);
            if (r.scopedTenant && message->tenantId != r.scopedTenant) {
                logger().warning(
                    "parked delivery receipt provider=%s ref=%s discarded: signed with tenant "
                    "%s's credentials, but the message is another tenant's",
                    provider.config.id, providerRef, *r.scopedTenant);
                continue;
            }
            ReceiptEvent receipt{r.providerRef,  r.rawStatus, r.errorCode,
                                 r.errorMessage, {},          r.callbackKey};
            std::string canonical;
            if (applyTo(s, provider, *message, receipt, {r.rawPayload, r.ip, r.receivedAt},
                        canonical) == Applied::Duplicate) {
                logger().information(
                    "parked delivery receipt provider=%s ref=%s discarded: the same callback "
                    "was recorded meanwhile",
                    provider.config.id, providerRef);
                continue;
            }
            logger().information(
                "parked delivery receipt provider=%s ref=%s status=%s applied to message %s",
                provider.config.id, providerRef, canonical, std::to_string(message->id));
            ++applied;
        }
    });
    return applied;
}

}  // namespace switchboard::messaging
