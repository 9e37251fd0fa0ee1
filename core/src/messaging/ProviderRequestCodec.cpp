#include "messaging/ProviderRequestCodec.h"

#include "util/JsonText.h"
#include "util/SecretMasker.h"

#include <Poco/String.h>

namespace switchboard::messaging {

std::string outboundMessageJson(const store::Message& m, const std::string& statusCallbackUrl) {
    Poco::JSON::Object o;
    o.set("message_id", std::to_string(m.id));
    o.set("to", m.toNumber);
    o.set("from", m.fromNumber.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(m.fromNumber));
    o.set("text", m.body);
    o.set("kind", m.kind.empty() ? std::string("initial") : m.kind);
    if (m.kind == "reply" && !m.replyContextJson.empty() && m.replyContextJson != "{}") {
        o.set("reply_context", util::parseObject(m.replyContextJson));
    } else {
        o.set("reply_context", Poco::Dynamic::Var());
    }
    o.set("status_callback_url",
          statusCallbackUrl.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(statusCallbackUrl));
    return util::toJson(o);
}

OutgoingRequest parseOutgoingRequest(const std::string& json) {
    auto o = util::parseObject(json);
    OutgoingRequest r;
    r.method = o->optValue<std::string>("method", "POST");
    r.url = o->getValue<std::string>("url");
    r.body = o->optValue<std::string>("body", "");
    r.sender = o->optValue<std::string>("sender", "");
    if (auto headers = o->getObject("headers")) {
        for (const auto& [name, value] : *headers)
            r.headers.emplace_back(name, value.convert<std::string>());
    }
    return r;
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
