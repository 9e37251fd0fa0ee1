#include "messaging/DeliveryLogService.h"

#include "messaging/StatusTable.h"
#include "store/MessageRepository.h"
#include "store/TenantRepository.h"

namespace switchboard::messaging {
namespace {

using domain::ErrorKind;
using domain::ServiceError;

void validate(const store::DeliveryLogFilter& f) {
    if (!f.status.empty() && !isCanonicalStatus(f.status))
        throw ServiceError(ErrorKind::InvalidInput, "invalid_parameter",
                           "'status' must be one of QUEUED, PENDING, SENT, DELIVERED, "
                           "UNDELIVERED, FAILED, UNKNOWN");
    if (f.from && f.to && *f.from > *f.to)
        throw ServiceError(ErrorKind::InvalidInput, "invalid_parameter",
                           "'from' must not be after 'to'");
}

}  // namespace

void DeliveryLogService::requireTenant(const std::string& tenantId) {
    if (!store::TenantRepository(db_).get(tenantId))
        throw ServiceError(ErrorKind::NotFound, "not_found", "no such tenant");
}

std::vector<store::DeliveryEvent> DeliveryLogService::events(const std::string& tenantId,
                                                             const store::DeliveryLogFilter& filter,
                                                             const store::PageRequest& page,
                                                             std::int64_t& total) {
    validate(filter);
    return store::DeliveryEventRepository(db_).list(tenantId, filter, page, total);
}

store::DeliverySummary DeliveryLogService::summary(const std::string& tenantId,
                                                   const store::DeliveryLogFilter& filter) {
    validate(filter);
    return store::DeliveryEventRepository(db_).summary(tenantId, filter);
}

MessageDeliveryLog DeliveryLogService::messageLog(const std::string& tenantId,
                                                  std::int64_t messageId) {
    auto message = store::MessageRepository(db_).get(tenantId, messageId);
    if (!message || message->direction != "outbound")
        throw ServiceError(ErrorKind::NotFound, "not_found", "no such message");
    return {*message, store::DeliveryEventRepository(db_).forMessage(tenantId, messageId)};
}

std::vector<store::FailureEvent> DeliveryLogService::latestFailures(int limit) {
    return store::FailureEventRepository(db_).latest(limit);
}

}  // namespace switchboard::messaging
