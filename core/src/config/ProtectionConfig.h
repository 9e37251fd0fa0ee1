#pragma once

#include "config/AppConfig.h"
#include "config/YamlReader.h"

#include <string>
#include <vector>

namespace switchboard::config {

/// Reads the top-level `limits:` section into `limits`:
///   max_header_count (8..100, default 64),
///   tenant_rate_limit {requests_per_second (> 0), burst (≥ 1, default ⌈rate⌉)} — absent: off,
///   webhook_rate_limit {per_source_per_minute (≥ 1), burst (≥ 1, default rate/6)} — the
///   default of routes without their own rate_limit.
/// Throws ConfigError naming the key path (unknown keys included).
void readLimits(YamlReader reader, LimitsConfig& limits);

/// Reads a route's protection keys from `route` (the reader of one `routes[]` entry) into
/// `rc`: `auth` {signature, shared_secret {header, value}, allow_ips, none}, `rate_limit`
/// {per_source_per_minute, burst} and `max_body_bytes` (256..server.max_body_bytes).
/// A route whose checks are all off (signature: false, no shared secret, no allow-list) is
/// refused unless it says `none: true`, and `none: true` next to any check is refused too.
/// The shared secret (≥ 16 characters) is appended to `secrets` for the log masker.
/// Throws ConfigError naming the key path.
void readRouteProtection(YamlReader& route, const ServerConfig& server, const LimitsConfig& limits,
                         RouteConfig& rc, std::vector<std::string>& secrets);

}  // namespace switchboard::config
