#include "messaging/WebhookEvents.h"

#include "util/JsonText.h"

namespace switchboard::messaging {

InboundEvent InboundEvent::fromJson(const Poco::JSON::Object::Ptr& e) {
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

ReceiptEvent ReceiptEvent::fromJson(const Poco::JSON::Object::Ptr& e) {
    ReceiptEvent r;
    r.providerRef = e->optValue<std::string>("provider_ref", "");
    r.rawStatus = e->optValue<std::string>("raw_status", "");
    r.errorCode = e->optValue<std::string>("error_code", "");
    r.errorMessage = e->optValue<std::string>("error_message", "");
    r.callbackId = e->optValue<std::string>("callback_id", "");
    return r;
}

}  // namespace switchboard::messaging
