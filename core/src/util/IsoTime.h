#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace switchboard::util {

/// Parses an ISO 8601 date or date-time ("2026-02-25", "2026-02-25T10:30:00Z",
/// "2026-02-25T10:30:00.123+01:00") to milliseconds since the Unix epoch (UTC). A bare date
/// means its first millisecond, or its last when `endOfDay` (so "to=2026-02-25" includes
/// that whole day). nullopt for anything else.
std::optional<std::int64_t> parseIsoTime(const std::string& text, bool endOfDay = false);

}  // namespace switchboard::util
