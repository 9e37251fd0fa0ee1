#include "messaging/WebhookEvents.h"

#include "util/JsonText.h"

#include "switchboard/sdk/AbiCodec.h"

namespace switchboard::messaging {

InboundEvent InboundEvent::of(const sdk::InboundMessage& e) {
    InboundEvent in;
    in.from = e.from;
    in.to = e.to;
    in.text = e.text;
    in.providerMessageId = e.providerMessageId;
    in.replyContextJson = util::toJson(*sdk::abi::stringMapJson(e.replyContext));
    in.modem = e.routingModem.value_or("");
    in.port = e.routingPort.value_or("");
    return in;
}

ReceiptEvent ReceiptEvent::of(const sdk::DeliveryReceipt& e) {
    ReceiptEvent r;
    r.providerRef = e.providerRef;
    r.rawStatus = e.rawStatus;
    r.errorCode = e.errorCode;
    r.errorMessage = e.errorMessage;
    r.callbackId = e.callbackId;
    return r;
}

}  // namespace switchboard::messaging
