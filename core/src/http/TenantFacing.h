#pragma once

#include "http/ServiceContext.h"

#include <string>
#include <vector>

namespace switchboard::http {

/// Proxy mode: what tenants see of the providers behind the gateway. Tenants never see a
/// provider instance id, plugin name, URL, provider error text or credential; each instance
/// shows as its `label` from YAML ("channel"), or the product name when it has none.

/// The channel name tenants see for a provider instance id.
std::string channelName(const ServiceContext& ctx, const std::string& providerInstance);

/// The provider instance ids shown to tenants as `channel` (empty when none is).
std::vector<std::string> instancesForChannel(const ServiceContext& ctx, const std::string& channel);

}  // namespace switchboard::http
