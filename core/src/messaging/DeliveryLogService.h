#pragma once

#include "domain/ServiceError.h"
#include "store/Database.h"
#include "store/DeliveryEventRepository.h"
#include "store/FailureEventRepository.h"
#include "store/Records.h"

#include <cstdint>
#include <string>
#include <vector>

namespace switchboard::messaging {

/// One outbound message with every delivery event recorded for it, oldest first.
struct MessageDeliveryLog {
    store::Message message;
    std::vector<store::DeliveryEvent> events;
};

/// The delivery log: the delivery receipts (DLRs) and status changes recorded per outbound
/// message, for a tenant's own view and the operator's. Which fields each audience sees is
/// the HTTP layer's concern (proxy mode); this returns everything. Thread-safe.
///
/// Errors: domain::ServiceError InvalidInput invalid_parameter (a filter whose `status` is
/// not a canonical status, or whose `from` is after `to`), NotFound not_found;
/// store::StoreUnavailable.
class DeliveryLogService {
  public:
    explicit DeliveryLogService(store::Database& db) : db_(db) {}

    /// NotFound not_found unless tenant `tenantId` exists (the operator names tenants).
    void requireTenant(const std::string& tenantId);

    /// One page of `tenantId`'s events matching `filter`, newest first; `total` receives
    /// the match count.
    std::vector<store::DeliveryEvent> events(const std::string& tenantId,
                                             const store::DeliveryLogFilter& filter,
                                             const store::PageRequest& page, std::int64_t& total);

    /// Delivered/failed counts and mean time to delivery over the events matching `filter`.
    store::DeliverySummary summary(const std::string& tenantId,
                                   const store::DeliveryLogFilter& filter);

    /// Outbound message `messageId` of `tenantId` with its events; NotFound not_found for
    /// another tenant's message, an inbound one, or none.
    MessageDeliveryLog messageLog(const std::string& tenantId, std::int64_t messageId);

    /// The `limit` (1–500) latest failure events (messages that ended FAILED/UNDELIVERED or
    /// could not be sent), across tenants, newest first.
    std::vector<store::FailureEvent> latestFailures(int limit);

  private:
    store::Database& db_;
};

}  // namespace switchboard::messaging
