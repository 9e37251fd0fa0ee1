#include "http/JsonViews.h"

#include "util/JsonText.h"

namespace switchboard::http {
namespace {

Poco::Dynamic::Var orNull(const std::string& s) {
    return s.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(s);
}

template <class T>
Poco::Dynamic::Var orNull(const std::optional<T>& v) {
    return v ? Poco::Dynamic::Var(*v) : Poco::Dynamic::Var();
}

Poco::Dynamic::Var parsedOrText(const std::string& json) {
    try {
        return util::parseObject(json);
    } catch (const Poco::Exception&) {
        return json;
    }
}

}  // namespace

Poco::JSON::Object::Ptr messageJson(const store::Message& m) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("id", m.id);
    o->set("direction", m.direction);
    o->set("kind", orNull(m.kind));
    o->set("from", orNull(m.fromNumber));
    o->set("to", m.toNumber);
    o->set("message", m.body);
    o->set("status", m.status);
    o->set("contactId", orNull(m.contactId));
    o->set("replyToMessageId", orNull(m.replyToMessageId));
    o->set("encoding", orNull(m.encoding));
    o->set("segments", m.segments);
    o->set("attempts", m.attempts);
    o->set("errorCode", orNull(m.errorCode));
    o->set("warning", orNull(m.warning));
    o->set("createdAt", util::isoTime(m.createdAt));
    o->set("updatedAt", util::isoTime(m.updatedAt));
    o->set("sentAt", util::isoTimeOrNull(m.sentAt));
    o->set("deliveredAt", util::isoTimeOrNull(m.deliveredAt));
    o->set("failedAt", util::isoTimeOrNull(m.failedAt));
    return o;
}

Poco::JSON::Object::Ptr adminMessageJson(const store::Message& m) {
    Poco::JSON::Object::Ptr o = messageJson(m);
    o->set("tenantId", orNull(m.tenantId));
    o->set("provider", m.providerInstance);
    o->set("providerRef", orNull(m.providerRef));
    o->set("errorDetail", orNull(m.errorDetail));
    return o;
}

Poco::JSON::Object::Ptr contactJson(const store::Contact& c) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("id", c.id);
    o->set("phone", c.phone);
    o->set("name", c.name);
    o->set("business", c.businessName);
    o->set("optedOut", c.optedOut);
    o->set("createdAt", util::isoTime(c.createdAt));
    return o;
}

Poco::JSON::Object::Ptr webhookEventJson(const store::WebhookEventRecord& e) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("id", e.id);
    o->set("receivedAt", util::isoTime(e.receivedAt));
    o->set("route", e.routePath);
    o->set("provider", orNull(e.providerInstance));
    o->set("remoteAddr", e.remoteAddr);
    o->set("outcome", e.outcome);
    o->set("reasonCode", orNull(e.reasonCode));
    o->set("reason", orNull(e.reason));
    o->set("tenantId", orNull(e.tenantId));
    o->set("messageId", orNull(e.messageId));
    o->set("routing", parsedOrText(e.routingJson));
    o->set("payload", e.payload);
    return o;
}

Poco::JSON::Object::Ptr dryRunJson(const store::DryRunRecord& r) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("id", r.id);
    o->set("messageId", r.messageId);
    o->set("tenantId", orNull(r.tenantId));
    o->set("provider", r.providerInstance);
    o->set("method", r.method);
    o->set("url", r.url);
    o->set("headers", parsedOrText(r.headersJson));
    o->set("body", r.body);
    o->set("createdAt", util::isoTime(r.createdAt));
    return o;
}

Poco::JSON::Object::Ptr modemRouteJson(const store::ModemRoute& r) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("provider", r.providerInstance);
    o->set("modem", r.modem);
    o->set("port", r.port);
    o->set("tenantId", r.tenantId);
    o->set("source", r.source);
    o->set("updatedAt", util::isoTime(r.updatedAt));
    return o;
}

Poco::JSON::Object::Ptr listJson(const Poco::JSON::Array::Ptr& items) {
    Poco::JSON::Object::Ptr root = new Poco::JSON::Object;
    root->set("data", items);
    return root;
}

Poco::JSON::Object::Ptr pageJson(const Poco::JSON::Array::Ptr& items,
                                 const store::PageRequest& page, std::int64_t total) {
    Poco::JSON::Object::Ptr pagination = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    pagination->set("page", page.page);
    pagination->set("limit", page.limit);
    pagination->set("total", total);
    pagination->set("totalPages", (total + page.limit - 1) / page.limit);
    Poco::JSON::Object::Ptr root = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    root->set("data", items);
    root->set("pagination", pagination);
    return root;
}

}  // namespace switchboard::http
