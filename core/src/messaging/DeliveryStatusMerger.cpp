#include "messaging/DeliveryStatusMerger.h"

namespace switchboard::messaging {

int statusRank(const std::string& status) {
    if (status == "QUEUED") return 0;
    if (status == "PENDING") return 1;
    if (status == "SENT") return 2;
    if (status == "DELIVERED" || status == "UNDELIVERED" || status == "FAILED") return 3;
    return -1;
}

StatusMerge mergeStatus(const std::string& current, const std::string& incoming) {
    StatusMerge merge{false, current, false};
    const int to = statusRank(incoming);
    if (to < 0 || to <= statusRank(current)) return merge;
    merge.changes = true;
    merge.status = incoming;
    merge.becameFailure = incoming == "FAILED" || incoming == "UNDELIVERED";
    return merge;
}

}  // namespace switchboard::messaging
