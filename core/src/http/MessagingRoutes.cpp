#include "http/JsonFields.h"
#include "http/JsonViews.h"
#include "http/Routes.h"
#include "store/ContactRepository.h"
#include "store/MessageRepository.h"

#include <charconv>

namespace switchboard::http {
namespace {

store::PageRequest pageOf(const Exchange& exchange) {
    store::PageRequest page;
    page.page = static_cast<int>(exchange.queryInt("page", 1, 1, 1'000'000));
    // Above the maximum is clamped rather than refused: clients asking for "all" get the most.
    page.limit =
        static_cast<int>(std::min<long long>(exchange.queryInt("limit", 50, 1, 1'000'000), 100));
    return page;
}

}  // namespace

void addMessagingRoutes(Router& router, ServiceContext& ctx, const Authenticator& auth) {
    router.add("POST", "/api/sms/send", [&ctx, &auth](Exchange& ex) {
        store::Tenant tenant = auth.tenant(ex);
        JsonFields fields(ex.jsonBody());
        messaging::SendRequest request;
        request.to = fields.string("to");
        request.text = fields.string("message");
        request.from = fields.optString("from");
        fields.finish();
        ex.sendJson(202, messageJson(ctx.sends.send(tenant, request)));
    });

    router.add("POST", "/api/sms/reply", [&ctx, &auth](Exchange& ex) {
        store::Tenant tenant = auth.tenant(ex);
        JsonFields fields(ex.jsonBody());
        messaging::ReplyRequest request;
        request.inboundMessageId = fields.optId("inboundMessageId");
        request.conversationKey = fields.optString("conversationKey");
        request.text = fields.string("message");
        fields.finish();
        ex.sendJson(202, messageJson(ctx.sends.reply(tenant, request)));
    });

    router.add("GET", "/api/messages", [&ctx, &auth](Exchange& ex) {
        store::Tenant tenant = auth.tenant(ex);
        std::string direction = ex.query("direction").value_or("");
        if (direction == "inbox") direction = "inbound";
        if (direction == "outbox") direction = "outbound";
        if (!direction.empty() && direction != "inbound" && direction != "outbound")
            throw ApiError(400, "invalid_parameter",
                           "'direction' must be inbound (inbox) or outbound (outbox)");
        store::PageRequest page = pageOf(ex);
        std::int64_t total = 0;
        auto messages = store::MessageRepository(ctx.db).list(tenant.id, direction, page, total);
        Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
        for (const auto& m : messages) items->add(messageJson(m));
        ex.sendJson(200, pageJson(items, page, total));
    });

    router.addWithId("GET", "/api/messages", [&ctx, &auth](Exchange& ex) {
        store::Tenant tenant = auth.tenant(ex);
        const std::string idText = ex.path().substr(ex.path().rfind('/') + 1);
        std::int64_t id = 0;
        auto [end, ec] = std::from_chars(idText.data(), idText.data() + idText.size(), id);
        if (ec != std::errc() || end != idText.data() + idText.size() || id <= 0)
            throw ApiError(404, "not_found", "no such message");
        auto message = store::MessageRepository(ctx.db).get(tenant.id, id);
        if (!message) throw ApiError(404, "not_found", "no such message");
        ex.sendJson(200, messageJson(*message));
    });

    router.add("GET", "/api/contacts", [&ctx, &auth](Exchange& ex) {
        store::Tenant tenant = auth.tenant(ex);
        store::PageRequest page = pageOf(ex);
        std::int64_t total = 0;
        auto contacts = store::ContactRepository(ctx.db).list(tenant.id, page, total);
        Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
        for (const auto& c : contacts) items->add(contactJson(c));
        ex.sendJson(200, pageJson(items, page, total));
    });
}

}  // namespace switchboard::http
