#pragma once

#include <cstddef>
#include <optional>
#include <string>

namespace switchboard::messaging {

/// How a message body travels as SMS and what it costs.
struct SegmentCount {
    std::string encoding;      ///< "GSM-7" or "UCS-2"
    std::size_t units = 0;     ///< GSM-7: septets (extension-table characters count 2);
                               ///< UCS-2: UTF-16 code units (characters outside the BMP count 2)
    std::size_t segments = 0;  ///< SMS parts: 1 if units fit 160 (GSM-7) / 70 (UCS-2), else
                               ///< parts of 153 / 67 with a 2-unit character never split
                               ///< across parts; 0 for an empty body
};

/// Counts the segments of a UTF-8 body per 3GPP TS 23.038 (GSM 03.38 default alphabet and
/// its extension table, § 6.2.1) and TS 23.040 (concatenation UDH: 6 octets, leaving 153
/// septets or 67 UCS-2 characters per part). A body using only the default alphabet and the
/// extension table is GSM-7; anything else makes the whole message UCS-2.
/// nullopt when `utf8` is not valid UTF-8.
std::optional<SegmentCount> countSegments(const std::string& utf8);

}  // namespace switchboard::messaging
