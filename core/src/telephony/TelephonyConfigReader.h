// Reads the `telephony:` section and hands the carrier table to the telephony provider
// instance, so the plugin gets it as JSON in its instance config and reads no file itself.
#pragma once

#include "config/AppConfig.h"
#include "config/YamlReader.h"

namespace switchboard::telephony {

/// Input: the `telephony:` reader (a null node leaves telephony disabled) and the config
/// whose `providers` are already read. Reads provider (required; an instance id from
/// `providers:`), carriers_file (optional; relative to the config file's directory; absent =
/// the built-in copy of config/carriers.yaml) and code_hash_key (required, ≥ 32 characters,
/// registered as a secret). Then converts the carrier table to JSON and sets it as the
/// instance's `config.carriers`. Throws config::ConfigError naming the key path for an
/// unknown key or provider, a short or missing key, an unreadable or invalid carrier file,
/// or a `carriers` key the operator wrote into the instance config (the host owns it).
void readTelephonyConfig(config::YamlReader reader, config::AppConfig& config);

}  // namespace switchboard::telephony
