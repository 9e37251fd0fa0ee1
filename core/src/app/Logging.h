#pragma once

#include <string>

namespace switchboard::app {

/// Routes every Poco logger to stderr through the secret-masking channel, one line per
/// message: "2026-11-21 10:30:00.123 [information] dispatch: ...". `level` is a Poco level
/// name (trace … fatal) from logging.level.
void configureLogging(const std::string& level);

}  // namespace switchboard::app
