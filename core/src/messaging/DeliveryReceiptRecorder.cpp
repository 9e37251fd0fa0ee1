#include "messaging/DeliveryReceiptRecorder.h"

#include "messaging/DeliveryStatusMerger.h"
#include "store/DeliveryEventRepository.h"
#include "store/FailureEventRepository.h"
#include "store/MessageRepository.h"
#include "store/WebhookEventRepository.h"

#include <Poco/Logger.h>

namespace switchboard::messaging {

std::string DeliveryReceiptRecorder::record(Poco::Data::Session& s,
                                            const plugin::Provider& provider,
                                            const ReceiptEvent& receipt,
                                            store::WebhookEventRecord webhook, store::TimeMs now) {
    auto message =
        store::MessageRepository::findOutboundByRef(s, provider.config.id, receipt.providerRef);
    if (!message) {
        webhook.outcome = "ignored";
        webhook.reason = "unknown provider reference '" + receipt.providerRef + "'";
        store::WebhookEventRepository::insert(s, webhook);
        Poco::Logger::get("webhook").warning(
            "delivery receipt provider=%s ref=%s status=%s: unknown reference, discarded",
            provider.config.id, receipt.providerRef, receipt.rawStatus);
        return " dlr=" + receipt.providerRef + ":unknown_reference";
    }

    const std::string canonical = provider.statuses.normalise(receipt.rawStatus);
    const StatusMerge merge = mergeStatus(message->status, canonical);
    const bool applied = merge.changes && store::MessageRepository::applyDeliveryStatus(
                                              s, message->id, message->status, merge.status, now);

    store::DeliveryEvent event;
    event.messageId = message->id;
    event.tenantId = message->tenantId.value_or("");
    event.providerInstance = provider.config.id;
    event.providerRef = receipt.providerRef;
    event.status = canonical;
    event.rawStatus = receipt.rawStatus;
    event.errorCode = receipt.errorCode;
    event.rawPayload = webhook.payload;
    event.receivedAt = now;
    event.ip = webhook.remoteAddr;
    event.applied = applied;
    store::DeliveryEventRepository::append(s, event);

    if (applied && merge.becameFailure) {
        std::string detail = receipt.rawStatus;
        if (!receipt.errorCode.empty()) detail += " " + receipt.errorCode;
        if (!receipt.errorMessage.empty()) detail += ": " + receipt.errorMessage;
        store::FailureEventRepository::append(
            s, {0, now, event.tenantId, message->id, merge.status, "delivery_receipt", detail});
        Poco::Logger::get("webhook").warning("message %s ended %s (%s)",
                                             std::to_string(message->id), merge.status, detail);
    }

    webhook.outcome = "accepted";
    webhook.tenantId = event.tenantId;
    webhook.messageId = message->id;
    webhook.reason =
        applied ? "" : "status stays " + message->status + " (received " + canonical + ")";
    store::WebhookEventRepository::insert(s, webhook);
    return " dlr=" + receipt.providerRef + ":" + receipt.rawStatus + "->" + canonical +
           (applied ? "" : "(unchanged:" + message->status + ")") +
           " message=" + std::to_string(message->id);
}

}  // namespace switchboard::messaging
