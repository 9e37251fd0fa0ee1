#include "messaging/MessageQueryService.h"

#include "store/ContactRepository.h"
#include "store/MessageRepository.h"

namespace switchboard::messaging {

using domain::ErrorKind;
using domain::ServiceError;

std::vector<store::Message> MessageQueryService::list(const std::string& tenantId,
                                                      const std::string& direction,
                                                      const store::PageRequest& page,
                                                      std::int64_t& total) {
    if (!direction.empty() && direction != "inbound" && direction != "outbound")
        throw ServiceError(ErrorKind::InvalidInput, "invalid_parameter",
                           "'direction' must be inbound (inbox) or outbound (outbox)");
    return store::MessageRepository(db_).list(tenantId, direction, page, total);
}

store::Message MessageQueryService::get(const std::string& tenantId, std::int64_t id) {
    auto message = store::MessageRepository(db_).get(tenantId, id);
    if (!message) throw ServiceError(ErrorKind::NotFound, "not_found", "no such message");
    return *message;
}

std::vector<store::Contact> MessageQueryService::contacts(const std::string& tenantId,
                                                          const store::PageRequest& page,
                                                          std::int64_t& total) {
    return store::ContactRepository(db_).list(tenantId, page, total);
}

}  // namespace switchboard::messaging
