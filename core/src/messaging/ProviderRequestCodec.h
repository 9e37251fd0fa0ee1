#pragma once

#include "messaging/ProviderHttpClient.h"
#include "store/Records.h"

#include "switchboard/sdk/Types.h"

#include <string>

namespace switchboard::messaging {

/// The build_send input document (schema version 1, plugin_abi.h) for a stored outbound
/// message: reply context only for replies that have one; `statusCallbackUrl` (may be
/// empty → null) is where the provider should report delivery status.
std::string outboundMessageJson(const store::Message& message,
                                const std::string& statusCallbackUrl);

/// A plugin's request (decoded by sdk::abi) as the host sends it; no sender → "".
OutgoingRequest outgoingRequestOf(const sdk::ProviderRequest& request);

/// The plugin's build_send output as a request (sdk::abi::decodeRequest). Throws
/// Poco::Exception / std::exception when it is not the documented
/// {"method","url","headers","body"[,"sender"]} object.
OutgoingRequest parseOutgoingRequest(const std::string& json);

/// The request's headers as a JSON object with credentials masked: authorization-like
/// headers keep only their scheme ("Bearer ****"), every other value has configured
/// secrets masked. Used wherever a request is shown instead of sent.
std::string maskedHeadersJson(const OutgoingRequest& request);

}  // namespace switchboard::messaging
