#include "messaging/ProviderRequestCodec.h"

#include "util/JsonText.h"
#include "util/SecretMasker.h"

#include "switchboard/sdk/AbiCodec.h"

#include <Poco/String.h>

namespace switchboard::messaging {

std::string outboundMessageJson(const store::Message& m, const std::string& statusCallbackUrl) {
    sdk::OutboundMessage message;
    message.messageId = std::to_string(m.id);
    message.to = m.toNumber;
    if (!m.fromNumber.empty()) message.from = m.fromNumber;
    message.text = m.body;
    message.kind = m.kind;
    if (m.kind == "reply" && !m.replyContextJson.empty() && m.replyContextJson != "{}")
        message.replyContext = sdk::abi::stringMapOf(*sdk::abi::objectOf(m.replyContextJson));
    if (!statusCallbackUrl.empty()) message.statusCallbackUrl = statusCallbackUrl;
    return sdk::abi::encodeOutbound(message);
}

OutgoingRequest outgoingRequestOf(const sdk::ProviderRequest& r) {
    return {r.method, r.url, r.headers, r.body, r.sender.value_or("")};
}

OutgoingRequest parseOutgoingRequest(const std::string& json) {
    return outgoingRequestOf(sdk::abi::decodeRequest(json));
}

namespace {

bool sensitiveHeader(const std::string& name) {
    std::string n = Poco::toLower(name);
    return n == "authorization" || n == "proxy-authorization" ||
           n.find("token") != std::string::npos || n.find("secret") != std::string::npos ||
           n.find("key") != std::string::npos || n.find("signature") != std::string::npos;
}

}  // namespace

// The auth scheme is kept so an operator can still see that e.g. "Bearer" auth would be sent.
std::string maskedHeadersJson(const OutgoingRequest& r) {
    Poco::JSON::Object headers(Poco::JSON_PRESERVE_KEY_ORDER);
    for (const auto& [name, value] : r.headers) {
        if (sensitiveHeader(name)) {
            auto space = value.find(' ');
            headers.set(name, space == std::string::npos ? std::string("****")
                                                         : value.substr(0, space) + " ****");
        } else {
            headers.set(name, util::SecretMasker::instance().mask(value));
        }
    }
    return util::toJson(headers);
}

}  // namespace switchboard::messaging
