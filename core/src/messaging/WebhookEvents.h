#pragma once

#include "switchboard/sdk/Types.h"

#include <optional>
#include <string>

namespace switchboard::messaging {

/// An inbound message (MO) as a plugin's parse hook reports it (schema version 1).
struct InboundEvent {
    std::string from, to, text, providerMessageId;
    std::string replyContextJson = "{}";
    std::string modem, port;

    /// The host's copy of a decoded event (sdk::abi::decodeEvents): reply context as JSON
    /// text, routing keys "" when the plugin gave none.
    static InboundEvent of(const sdk::InboundMessage& event);
};

/// A delivery receipt (DLR) as a plugin's parse hook reports it (schema version 1).
struct ReceiptEvent {
    std::string providerRef, rawStatus, errorCode, errorMessage;
    /// The provider's own id of this callback, repeated on its retries ("callback_id"; e.g.
    /// Twilio's I-Twilio-Idempotency-Token); empty when it has none.
    std::string callbackId;
    /// Set by the host, not the plugin: "provider:<SHA-256 hex of callbackId>", else
    /// "request:<random id of the HTTP request>:<event index>" — what delivery_events is
    /// unique on (migration 009).
    std::string callbackKey;

    /// The host's copy of a decoded receipt; callbackKey is left for the host to set.
    static ReceiptEvent of(const sdk::DeliveryReceipt& event);
};

}  // namespace switchboard::messaging
