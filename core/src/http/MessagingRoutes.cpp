#include "http/IdempotentResponder.h"
#include "http/JsonFields.h"
#include "http/JsonViews.h"
#include "http/Routes.h"

#include <memory>

namespace switchboard::http {
namespace {

/// The bulk send's answer: one item per recipient, accepted or rejected with its error.
Poco::JSON::Object::Ptr bulkJson(const std::vector<messaging::BulkResult>& results) {
    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
    int accepted = 0;
    for (const auto& r : results) {
        Poco::JSON::Object::Ptr item = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        item->set("to", r.to);
        if (r.message) {
            ++accepted;
            item->set("status", r.message->status);
            item->set("messageId", r.message->id);
        } else {
            Poco::JSON::Object::Ptr error = new Poco::JSON::Object;
            error->set("code", r.errorCode);
            error->set("message", r.errorMessage);
            item->set("status", "REJECTED");
            item->set("error", error);
        }
        items->add(item);
    }
    Poco::JSON::Object::Ptr root = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    root->set("accepted", accepted);
    root->set("rejected", static_cast<int>(results.size()) - accepted);
    if (!results.empty() && results.front().message) {
        root->set("encoding", results.front().message->encoding);
        root->set("segments", results.front().message->segments);
    }
    root->set("results", items);
    return root;
}

}  // namespace

void addMessagingRoutes(Router& router, ServiceContext& ctx, const Authenticator& auth) {
    auto idempotent = std::make_shared<IdempotentResponder>(ctx.idempotency);

    router.add("POST", "/api/sms/send", [&ctx, &auth, idempotent](Exchange& ex) {
        store::Tenant tenant = auth.tenant(ex);
        JsonFields fields(ex.jsonBody());
        messaging::SendRequest request;
        request.to = fields.string("to");
        request.text = fields.string("message");
        request.from = fields.optString("from");
        fields.finish();
        idempotent->respond(ex, tenant.id, [&] {
            return std::pair<int, Poco::Dynamic::Var>(202,
                                                      messageJson(ctx.sends.send(tenant, request)));
        });
    });

    router.add("POST", "/api/sms/reply", [&ctx, &auth, idempotent](Exchange& ex) {
        store::Tenant tenant = auth.tenant(ex);
        JsonFields fields(ex.jsonBody());
        messaging::ReplyRequest request;
        request.inboundMessageId = fields.optId("inboundMessageId");
        request.conversationKey = fields.optString("conversationKey");
        request.text = fields.string("message");
        fields.finish();
        idempotent->respond(ex, tenant.id, [&] {
            return std::pair<int, Poco::Dynamic::Var>(
                202, messageJson(ctx.sends.reply(tenant, request)));
        });
    });

    router.add("POST", "/api/sms/bulk", [&ctx, &auth, idempotent](Exchange& ex) {
        store::Tenant tenant = auth.tenant(ex);
        JsonFields fields(ex.jsonBody());
        std::vector<std::string> recipients = fields.stringList("recipients");
        std::string text = fields.string("message");
        std::optional<std::string> from = fields.optString("from");
        fields.finish();
        idempotent->respond(ex, tenant.id, [&] {
            auto results = ctx.sends.sendBulk(
                tenant, recipients, text, from,
                static_cast<std::size_t>(ctx.config.messaging.bulkMaxRecipients));
            return std::pair<int, Poco::Dynamic::Var>(202, bulkJson(results));
        });
    });

    router.add("GET", "/api/messages", [&ctx, &auth](Exchange& ex) {
        store::Tenant tenant = auth.tenant(ex);
        std::string direction = ex.query("direction").value_or("");
        if (direction == "inbox") direction = "inbound";
        if (direction == "outbox") direction = "outbound";
        store::PageRequest page = ex.page();
        std::int64_t total = 0;
        auto messages = ctx.messages.list(tenant.id, direction, page, total);
        Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
        for (const auto& m : messages) items->add(messageJson(m));
        ex.sendJson(200, pageJson(items, page, total));
    });

    router.addWithId("GET", "/api/messages", [&ctx, &auth](Exchange& ex) {
        store::Tenant tenant = auth.tenant(ex);
        const std::int64_t id = ex.trailingId("no such message");
        ex.sendJson(200, messageJson(ctx.messages.get(tenant.id, id)));
    });

    router.add("GET", "/api/contacts", [&ctx, &auth](Exchange& ex) {
        store::Tenant tenant = auth.tenant(ex);
        store::PageRequest page = ex.page();
        std::int64_t total = 0;
        auto contacts = ctx.messages.contacts(tenant.id, page, total);
        Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
        for (const auto& c : contacts) items->add(contactJson(c));
        ex.sendJson(200, pageJson(items, page, total));
    });
}

}  // namespace switchboard::http
