#include "admin/AdminService.h"

#include "store/AuditRepository.h"
#include "store/DryRunRepository.h"
#include "store/ModemRouteRepository.h"
#include "store/TenantRepository.h"
#include "store/WebhookEventRepository.h"
#include "util/IsoTime.h"
#include "util/JsonText.h"
#include "util/SecretMasker.h"

#include <Poco/JSON/Object.h>

namespace switchboard::admin {
namespace {

using domain::ErrorKind;
using domain::ServiceError;

constexpr store::TimeMs kRefusalWindowMs = 24LL * 3600 * 1000;

}  // namespace

std::vector<store::WebhookEventRecord> AdminService::latestWebhookEvents(int limit) {
    return store::WebhookEventRepository(db_).latest(limit);
}

WebhookRefusals AdminService::recentRefusals() {
    WebhookRefusals refusals;
    refusals.since = clock_.nowMs() - kRefusalWindowMs;
    refusals.byReason = store::WebhookEventRepository(db_).refusalsByReason(refusals.since);
    for (const auto& [code, count] : refusals.byReason) refusals.total += count;
    return refusals;
}

std::vector<store::Message> AdminService::searchMessages(const store::AdminMessageFilter& filter,
                                                         const store::PageRequest& page,
                                                         std::int64_t& total) {
    if (!filter.direction.empty() && filter.direction != "inbound" &&
        filter.direction != "outbound")
        throw ServiceError(ErrorKind::InvalidInput, "invalid_parameter",
                           "'direction' must be inbound or outbound");
    return store::MessageRepository(db_).search(filter, page, total);
}

std::vector<store::DryRunRecord> AdminService::latestDryRuns(
    int limit, std::optional<std::int64_t> messageId) {
    return store::DryRunRepository(db_).latest(limit, messageId);
}

ReplyReadiness AdminService::replyReadiness(const std::string& tenantId) {
    auto tenant = store::TenantRepository(db_).get(tenantId);
    if (!tenant) throw ServiceError(ErrorKind::NotFound, "not_found", "no such tenant");
    std::int64_t total = 0;
    auto latest = store::MessageRepository(db_).list(tenant->id, "inbound", {1, 1}, total);
    if (latest.empty())
        throw ServiceError(ErrorKind::NotFound, "no_inbound",
                           "the tenant has no inbound message to reply to yet");
    ReplyReadiness readiness;
    readiness.tenantId = tenant->id;
    readiness.inboundMessageId = latest.front().id;
    messaging::ReplyRequest request;
    request.inboundMessageId = latest.front().id;
    request.text = "Reply readiness check";
    readiness.reply = sends_.prepareReply(*tenant, request);
    readiness.reply.tenantId =
        tenant->id;  // set when queued; the tenant's credentials depend on it
    // Built as the dispatcher would, so a tenant with its own carrier account is shown its
    // own request (and its secrets stay masked).
    try {
        const auto built =
            messaging::SendRequestBuilder(providers_, tenantProviders_).build(readiness.reply);
        readiness.request = messaging::ProviderCall(built.request, [&built](std::string text) {
                                return built.mask(std::move(text));
                            }).shown();
        readiness.tenantCredentials = built.tenantProvider != nullptr;
    } catch (const messaging::SendRequestError& e) {
        readiness.notBuiltReason = util::SecretMasker::instance().mask(e.what());
    }
    return readiness;
}

std::vector<store::ModemRoute> AdminService::modemRoutes() {
    return store::ModemRouteRepository(db_).all();
}

store::ModemRoute AdminService::setModemRoute(store::ModemRoute route) {
    if (providers_.find(route.providerInstance) == nullptr)
        throw ServiceError(ErrorKind::InvalidInput, "invalid_field",
                           "'provider' is not a configured provider instance");
    if (!store::TenantRepository(db_).get(route.tenantId))
        throw ServiceError(ErrorKind::InvalidInput, "invalid_field",
                           "'tenantId' is not a known tenant");
    route.source = "manual";
    route.updatedAt = clock_.nowMs();
    store::ModemRouteRepository(db_).setManual(route);
    Poco::JSON::Object detail(Poco::JSON_PRESERVE_KEY_ORDER);
    detail.set("provider", route.providerInstance);
    detail.set("modem", route.modem);
    detail.set("port", route.port);
    detail.set("tenantId", route.tenantId);
    detail.set("source", route.source);
    detail.set("updatedAt", util::isoTime(route.updatedAt));
    db_.write([&](Poco::Data::Session& s) {
        store::AuditRepository::append(
            s, route.tenantId, "admin", "modem_route.set",
            route.providerInstance + "/" + route.modem + "/" + route.port, util::toJson(detail),
            route.updatedAt);
    });
    return route;
}

}  // namespace switchboard::admin
