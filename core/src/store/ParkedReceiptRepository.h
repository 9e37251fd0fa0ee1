#pragma once

#include "store/Database.h"
#include "store/Records.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace switchboard::store {

/// An authentic delivery receipt whose provider reference no outbound message carried yet
/// (migration 008): the provider's callback overtook the storing of its send answer.
struct ParkedReceipt {
    std::int64_t id = 0;
    std::string providerInstance;
    std::string providerRef;
    std::string rawStatus;
    std::string errorCode;
    std::string errorMessage;
    std::string rawPayload;  ///< the whole callback body, as received
    std::string ip;          ///< the callback's sender
    /// Set when the callback was signed with this tenant's own credentials: it may apply
    /// only to that tenant's message.
    std::optional<std::string> scopedTenant;
    TimeMs receivedAt = 0;
    std::string callbackKey;  ///< the delivery event's callback_key once applied
};

/// parked_receipts. The methods taking a Session run in the caller's transaction.
class ParkedReceiptRepository {
  public:
    explicit ParkedReceiptRepository(Database& db) : db_(db) {}

    /// Stores `r` (its id is ignored); returns the new id.
    static std::int64_t park(Poco::Data::Session& s, const ParkedReceipt& r);

    /// The receipts parked for (provider instance, provider reference), oldest first.
    static std::vector<ParkedReceipt> forReference(Poco::Data::Session& s,
                                                   const std::string& providerInstance,
                                                   const std::string& providerRef);

    /// How many receipts wait on `providerInstance`.
    static std::int64_t countFor(Poco::Data::Session& s, const std::string& providerInstance);

    /// Deletes receipt `id`; true only for the one caller that deleted it, so of several
    /// processes applying the same receipt exactly one goes on.
    static bool take(Poco::Data::Session& s, std::int64_t id);

    /// Distinct (provider instance, provider reference) pairs of parked receipts that an
    /// outbound message now carries: what a missed hand-over left behind.
    std::vector<std::pair<std::string, std::string>> matchedReferences();

    /// Deletes receipts received before `before` (ms); returns those this call deleted (not
    /// ones another process applied meanwhile), for the log.
    std::vector<ParkedReceipt> dropReceivedBefore(TimeMs before);

  private:
    Database& db_;
};

}  // namespace switchboard::store
