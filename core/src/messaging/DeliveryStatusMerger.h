#pragma once

#include <string>

namespace switchboard::messaging {

/// What a delivery receipt does to its message.
struct StatusMerge {
    bool changes = false;        ///< the message's status moves to `status`
    std::string status;          ///< the status after the receipt (unchanged if !changes)
    bool becameFailure = false;  ///< moved into FAILED or UNDELIVERED just now
};

/// The status model of DESIGN.md: QUEUED(0) < PENDING(1) < SENT(2) <
/// {DELIVERED, UNDELIVERED, FAILED}(3). A message only moves up the ranks, so a late SENT
/// after DELIVERED, a duplicate, or a second terminal status changes nothing (the first
/// terminal status wins); UNKNOWN never changes a status. Every receipt is still logged.
StatusMerge mergeStatus(const std::string& current, const std::string& incoming);

/// Rank of a canonical status; -1 for UNKNOWN and anything unrecognised.
int statusRank(const std::string& status);

}  // namespace switchboard::messaging
