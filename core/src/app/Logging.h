#pragma once

#include <string>

namespace switchboard::app {

/// Routes every Poco logger through the secret-masking channel to stderr, or to `file` when
/// given (rotated at 50 MB, 5 archives kept), one line per message:
/// "2026-11-21 10:30:00.123 [Information] dispatch: ...". `level` is a Poco level name
/// (trace … fatal) from logging.level.
void configureLogging(const std::string& level, const std::string& file = "");

}  // namespace switchboard::app
