// Where the carrier table comes from: the file telephony.carriers_file names, or the copy
// of config/carriers.yaml compiled into the binary. The core reads and converts it; the
// telephony plugin only ever sees the JSON (plugins do no I/O and read no YAML).
#pragma once

#include <string>

namespace switchboard::telephony {

/// config/carriers.yaml as it was when this binary was built.
const std::string& builtInCarriersYaml();

/// Input: YAML text of a carrier table and a name for messages (a path or "built-in").
/// Output: the same document as compact JSON. Mappings keep their key order; plain scalars
/// that read as integers become JSON integers, true/false booleans, null/~ null; quoted
/// scalars always stay strings (so "**21*{number}#" is never mistaken for anything else).
/// Throws std::invalid_argument naming `source` for invalid YAML or an empty document. The
/// table's shape is checked by the plugin, which reports the path of a bad entry.
std::string carriersJsonFromYaml(const std::string& yaml, const std::string& source);

}  // namespace switchboard::telephony
