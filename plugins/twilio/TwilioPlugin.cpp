#include "TwilioPlugin.h"

#include "switchboard/sdk/ConfigChecks.h"
#include "switchboard/sdk/ConfigSchema.h"
#include "switchboard/sdk/Crypto.h"
#include "switchboard/sdk/JsonAccess.h"
#include "switchboard/sdk/Plugin.h"
#include "switchboard/sdk/ProviderText.h"
#include "switchboard/sdk/SendResponses.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/String.h>
#include <Poco/TextIterator.h>
#include <Poco/URI.h>
#include <Poco/UTF8Encoding.h>

#include <openssl/evp.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <set>
#include <sstream>
#include <string_view>

namespace switchboard::plugins::twilio {
namespace {

using Poco::JSON::Object;
using sdk::BadInput;
using Params = std::vector<std::pair<std::string, std::string>>;

constexpr const char* kDefaultBaseUrl = "https://api.twilio.com";
constexpr const char* kSignatureHeader = "X-Twilio-Signature";
constexpr const char* kBodyHashParameter = "bodySHA256";
// Node's querystring stops at 1000 pairs and Express's urlencoded parser refuses more
// (parameterLimit); no Twilio webhook comes near it.
constexpr std::size_t kMaxParameters = 1000;
// [create]: at most 10 media per message; 100 leaves room without letting a sender make us
// build arbitrarily large events.
constexpr long long kMaxMedia = 100;
constexpr const char* kEmptyTwiml = R"(<?xml version="1.0" encoding="UTF-8"?><Response/>)";
constexpr const char* kFormType = "application/x-www-form-urlencoded";
constexpr const char* kIdempotencyHeader = "i-twilio-idempotency-token";

// Twilio's raw MessageStatus → canonical status. The host matches exactly, then
// case-insensitively, and applies YAML status_map overrides on top. Sources: the status
// table of [create], [callbacks], and message_enum_status in [openapi].
constexpr const char* kDefaultStatusTable =
    // [callbacks]: the initial status of a message created with a Messaging Service
    // (accepted, or scheduled for a later send time); Twilio still holds the message.
    R"({"accepted":"PENDING","scheduled":"PENDING",)"
    // [create]: queued = waiting in Twilio's queue to be sent; sending = Twilio is handing it
    // to the nearest upstream carrier. Neither means a carrier has it.
    R"("queued":"PENDING","sending":"PENDING",)"
    // [create]: sent = the nearest upstream carrier accepted the message.
    R"("sent":"SENT",)"
    // [create]: delivered = the carrier confirmed delivery to the handset; read = WhatsApp
    // (and other OTT channels) reported the message read, which implies delivered.
    R"("delivered":"DELIVERED","read":"DELIVERED",)"
    // [create]: undelivered = the carrier reported it could not deliver (handset unreachable,
    // carrier filtering): it left Twilio but never arrived.
    R"("undelivered":"UNDELIVERED",)"
    // [create]: failed = the message could not be sent (queue overflow, account suspension,
    // invalid number, ...): it never left Twilio. canceled = a scheduled message was
    // canceled before sending: final, and nothing was delivered.
    R"("failed":"FAILED","canceled":"FAILED",)"
    // receiving/received describe inbound messages; on an outbound message's callback they
    // say nothing about delivery. partially_delivered is in message_enum_status [openapi]
    // but undocumented (twilio/twilio-node#607): no claim beyond "unknown".
    R"("receiving":"UNKNOWN","received":"UNKNOWN","partially_delivered":"UNKNOWN"})";

// ---- text decoding, as Node does it ------------------------------------------------------

// Node turns decoded bytes into a JS string with the WHATWG UTF-8 decoder (each maximal
// ill-formed subsequence becomes one U+FFFD), and signs the re-encoded string: a signature
// over a value with a stray %FF byte covers EF BF BD, not FF.
std::string utf8WithReplacement(std::string_view bytes) {
    static constexpr std::string_view kReplacement = "\xEF\xBF\xBD";
    const auto* b = reinterpret_cast<const unsigned char*>(bytes.data());
    const std::size_t n = bytes.size();
    std::string out;
    out.reserve(n);
    std::size_t i = 0;
    while (i < n) {
        const unsigned char lead = b[i];
        if (lead < 0x80) {
            out.push_back(static_cast<char>(lead));
            ++i;
            continue;
        }
        std::size_t needed = 0;
        unsigned char lower = 0x80;
        unsigned char upper = 0xBF;
        if (lead >= 0xC2 && lead <= 0xDF) {
            needed = 1;
        } else if (lead >= 0xE0 && lead <= 0xEF) {
            needed = 2;
            if (lead == 0xE0) lower = 0xA0;  // overlong
            if (lead == 0xED) upper = 0x9F;  // UTF-16 surrogates
        } else if (lead >= 0xF0 && lead <= 0xF4) {
            needed = 3;
            if (lead == 0xF0) lower = 0x90;  // overlong
            if (lead == 0xF4) upper = 0x8F;  // beyond U+10FFFF
        } else {
            out.append(kReplacement);
            ++i;
            continue;
        }
        std::size_t j = i + 1;
        bool complete = true;
        for (std::size_t k = 0; k < needed; ++k, ++j) {
            if (j >= n || b[j] < lower || b[j] > upper) {
                complete = false;
                break;
            }
            lower = 0x80;
            upper = 0xBF;
        }
        if (complete) {
            out.append(bytes.substr(i, j - i));
        } else {
            out.append(kReplacement);  // the byte that broke the sequence is read again
        }
        i = j;
    }
    return out;
}

bool isHexDigit(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// Percent-decoding is Poco's. Node (querystring.unescape, URLSearchParams) leaves a '%' that
// does not start a valid escape as it is, where Poco throws, so such a '%' is escaped as
// "%25" first and decodes back to itself. '+' is replaced here: Poco's plusAsSpace applies
// only after a '?' in its input.
std::string percentDecode(std::string_view text, bool plusAsSpace) {
    std::string escaped;
    escaped.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (plusAsSpace && text[i] == '+') {
            escaped.push_back(' ');
            continue;
        }
        const bool validEscape = text[i] == '%' && i + 2 < text.size() && isHexDigit(text[i + 1]) &&
                                 isHexDigit(text[i + 2]);
        if (text[i] == '%' && !validEscape) {
            escaped += "%25";
        } else {
            escaped.push_back(text[i]);
        }
    }
    std::string decoded;
    Poco::URI::decode(escaped, decoded);
    return decoded;
}

// Node's querystring.parse (what Express's urlencoded parser and twilio-node's legacy URL
// check use): pairs split on '&' (empty pieces skipped), key and value split at the first
// '=', '+' is a space, escapes decoded leniently, then UTF-8 with replacement. nullopt for
// more than kMaxParameters pairs.
std::optional<Params> parseQuerystring(std::string_view text) {
    Params params;
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t end = std::min(text.find('&', start), text.size());
        std::string_view piece = text.substr(start, end - start);
        if (!piece.empty()) {
            if (params.size() == kMaxParameters) return std::nullopt;
            const std::size_t eq = piece.find('=');
            std::string_view key = piece.substr(0, eq);
            std::string_view value =
                eq == std::string_view::npos ? std::string_view() : piece.substr(eq + 1);
            params.emplace_back(utf8WithReplacement(percentDecode(key, true)),
                                utf8WithReplacement(percentDecode(value, true)));
        }
        start = end + 1;
    }
    return params;
}

// JavaScript's default Array.prototype.sort() order: UTF-16 code units. It differs from
// byte (code point) order only between supplementary characters (surrogate pairs,
// D800-DFFF) and U+E000..U+FFFF, e.g. an emoji sorts before U+FF01 in JS. Inputs are valid
// UTF-8 (they come through utf8WithReplacement).
std::vector<std::uint16_t> utf16Units(const std::string& text) {
    static const Poco::UTF8Encoding utf8;
    std::vector<std::uint16_t> units;
    units.reserve(text.size());
    for (Poco::TextIterator it(text, utf8), end(text); it != end; ++it) {
        const int cp = *it;
        if (cp >= 0x10000) {
            units.push_back(static_cast<std::uint16_t>(0xD800 + ((cp - 0x10000) >> 10)));
            units.push_back(static_cast<std::uint16_t>(0xDC00 + ((cp - 0x10000) & 0x3FF)));
        } else {
            units.push_back(static_cast<std::uint16_t>(cp < 0 ? 0xFFFD : cp));
        }
    }
    return units;
}

bool jsLess(const std::string& a, const std::string& b) { return utf16Units(a) < utf16Units(b); }

// ---- URLs, as twilio-node 6.2.0 handles them [sdk] ---------------------------------------

// splitUrl(): /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)/i, userinfo up to the last '@', the port
// from the first ':' after the last ']' (IPv6 literals), nothing normalised.
struct UrlParts {
    std::string scheme;    // including "://"
    std::string userInfo;  // including the trailing '@', or ""
    std::string host;
    std::string port;  // including the ':', or ""
    std::string rest;  // path, query and fragment exactly as given
};

bool isAsciiAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool isAsciiDigit(char c) { return c >= '0' && c <= '9'; }

std::optional<UrlParts> splitUrl(std::string_view url) {
    if (url.empty() || !isAsciiAlpha(url[0])) return std::nullopt;
    std::size_t i = 1;
    while (i < url.size() && (isAsciiAlpha(url[i]) || isAsciiDigit(url[i]) || url[i] == '+' ||
                              url[i] == '.' || url[i] == '-'))
        ++i;
    if (url.substr(i, 3) != "://") return std::nullopt;
    UrlParts parts;
    parts.scheme = std::string(url.substr(0, i + 3));
    const std::size_t authorityStart = i + 3;
    std::size_t authorityEnd = url.find_first_of("/?#", authorityStart);
    if (authorityEnd == std::string_view::npos) authorityEnd = url.size();
    std::string_view authority = url.substr(authorityStart, authorityEnd - authorityStart);
    const std::size_t at = authority.rfind('@');
    std::string_view hostAndPort = authority;
    if (at != std::string_view::npos) {
        parts.userInfo = std::string(authority.substr(0, at + 1));
        hostAndPort = authority.substr(at + 1);
    }
    const std::size_t bracket = hostAndPort.rfind(']');
    const std::size_t colon =
        hostAndPort.find(':', bracket == std::string_view::npos ? 0 : bracket + 1);
    parts.host = std::string(hostAndPort.substr(0, colon));
    if (colon != std::string_view::npos) parts.port = std::string(hostAndPort.substr(colon));
    parts.rest = std::string(url.substr(authorityEnd));
    return parts;
}

std::string addPort(const std::string& url) {
    auto parts = splitUrl(url);
    if (!parts || !parts->port.empty()) return url;
    const std::string port = Poco::toLower(parts->scheme) == "https://" ? ":443" : ":80";
    return parts->scheme + parts->userInfo + parts->host + port + parts->rest;
}

std::string removePort(const std::string& url) {
    auto parts = splitUrl(url);
    if (!parts) return url;
    return parts->scheme + parts->userInfo + parts->host + parts->rest;
}

// [notes]: Twilio drops user:password@ before signing. twilio-node 6.2.0 keeps them, so this
// only adds candidates; it never removes one the SDK accepts.
std::string withoutCredentials(const std::string& url) {
    auto parts = splitUrl(url);
    if (!parts || parts->userInfo.empty()) return url;
    return parts->scheme + parts->host + parts->port + parts->rest;
}

// ---- new URL(url).toString() (WHATWG URL Standard), for http and https ----------------------

enum class EncodeSet { Path, Query, Fragment, Userinfo };

// The sets as Node 20 applies them (checked against `new URL()`): '^' and '|' stay in paths,
// ' is escaped only in special-scheme queries.
bool mustEncode(unsigned char c, EncodeSet set) {
    if (c < 0x20 || c > 0x7E) return true;  // C0 controls, DEL and every non-ASCII byte
    switch (set) {
        case EncodeSet::Fragment:
            return std::string_view(" \"<>`").find(static_cast<char>(c)) != std::string_view::npos;
        case EncodeSet::Query:
            return std::string_view(" \"#<>'").find(static_cast<char>(c)) != std::string_view::npos;
        case EncodeSet::Path:
            return std::string_view(" \"#<>?`{}").find(static_cast<char>(c)) !=
                   std::string_view::npos;
        case EncodeSet::Userinfo:
            return mustEncode(c, EncodeSet::Path) ||
                   std::string_view("/:;=@[\\]^|").find(static_cast<char>(c)) !=
                       std::string_view::npos;
    }
    return true;
}

void appendEncoded(std::string& out, char c, EncodeSet set) {
    static const char* const kHex = "0123456789ABCDEF";
    const auto byte = static_cast<unsigned char>(c);
    if (!mustEncode(byte, set)) {
        out.push_back(c);
        return;
    }
    out.push_back('%');
    out.push_back(kHex[byte >> 4]);
    out.push_back(kHex[byte & 0x0F]);
}

bool isSingleDot(const std::string& s) { return s == "." || Poco::icompare(s, "%2e") == 0; }
bool isDoubleDot(const std::string& s) {
    return s == ".." || Poco::icompare(s, ".%2e") == 0 || Poco::icompare(s, "%2e.") == 0 ||
           Poco::icompare(s, "%2e%2e") == 0;
}

// One IPv4 part: decimal, 0x-hex or 0-octal; nullopt when not a number in that radix.
std::optional<std::uint64_t> ipv4Number(std::string_view part) {
    if (part.empty()) return std::nullopt;
    int radix = 10;
    if (part.size() >= 2 && part[0] == '0' && (part[1] == 'x' || part[1] == 'X')) {
        part.remove_prefix(2);
        radix = 16;
    } else if (part.size() >= 2 && part[0] == '0') {
        part.remove_prefix(1);
        radix = 8;
    }
    std::uint64_t value = 0;
    for (char c : part) {
        int digit = isAsciiDigit(c)          ? c - '0'
                    : (c >= 'a' && c <= 'f') ? c - 'a' + 10
                    : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                             : 99;
        if (digit >= radix) return std::nullopt;
        // Anything beyond 2^32 fails the range check below; stop before overflowing.
        value = std::min<std::uint64_t>(
            value * static_cast<std::uint64_t>(radix) + static_cast<std::uint64_t>(digit),
            std::uint64_t{1} << 40);
    }
    return value;
}

std::vector<std::string_view> splitOnDots(std::string_view host) {
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    while (true) {
        std::size_t dot = host.find('.', start);
        parts.push_back(
            host.substr(start, dot == std::string_view::npos ? host.npos : dot - start));
        if (dot == std::string_view::npos) break;
        start = dot + 1;
    }
    return parts;
}

bool endsInNumber(std::string_view host) {
    auto parts = splitOnDots(host);
    if (parts.back().empty()) {
        if (parts.size() == 1) return false;
        parts.pop_back();
    }
    std::string_view last = parts.back();
    if (!last.empty() && std::all_of(last.begin(), last.end(), isAsciiDigit)) return true;
    return last.size() >= 2 && last[0] == '0' && (last[1] == 'x' || last[1] == 'X') &&
           std::all_of(last.begin() + 2, last.end(), isHexDigit);
}

// The URL Standard's IPv4 parser; nullopt = failure.
std::optional<std::string> ipv4Host(std::string_view host) {
    auto parts = splitOnDots(host);
    if (parts.back().empty() && parts.size() > 1) parts.pop_back();
    if (parts.size() > 4) return std::nullopt;
    std::vector<std::uint64_t> numbers;
    for (auto part : parts) {
        auto n = ipv4Number(part);
        if (!n) return std::nullopt;
        numbers.push_back(*n);
    }
    for (std::size_t i = 0; i + 1 < numbers.size(); ++i)
        if (numbers[i] > 255) return std::nullopt;
    if (numbers.back() >= (std::uint64_t{1} << (8 * (5 - numbers.size())))) return std::nullopt;
    std::uint64_t address = numbers.back();
    for (std::size_t i = 0; i + 1 < numbers.size(); ++i) address += numbers[i] << (8 * (3 - i));
    return std::to_string((address >> 24) & 0xFF) + "." + std::to_string((address >> 16) & 0xFF) +
           "." + std::to_string((address >> 8) & 0xFF) + "." + std::to_string(address & 0xFF);
}

// Host parsing for ASCII domains and IPv4. IPv6 literals and internationalised domains
// (which need IDNA/Punycode) are not normalised: nullopt, and the caller then offers only
// the as-received candidates.
std::optional<std::string> normalizedHost(std::string_view raw) {
    if (raw.empty() || raw.front() == '[') return std::nullopt;
    std::string host = Poco::toLower(percentDecode(raw, false));
    for (char c : host) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte >= 0x80) return std::nullopt;  // needs IDNA
        if (byte <= 0x20 || byte == 0x7F ||
            std::string_view("#%/:<>?@[\\]^|").find(c) != std::string_view::npos)
            return std::nullopt;  // forbidden domain code point: new URL() throws
    }
    if (endsInNumber(host)) return ipv4Host(host);
    return host;
}

// new URL(input).toString() for http/https; nullopt where the URL Standard fails or where
// the subset above does not reach (other schemes, IPv6, IDNA).
std::optional<std::string> normalizedHref(std::string_view input) {
    // Leading/trailing C0 controls and spaces are trimmed; tabs and newlines anywhere dropped.
    std::string text;
    std::size_t first = 0, last = input.size();
    while (first < last && static_cast<unsigned char>(input[first]) <= 0x20) ++first;
    while (last > first && static_cast<unsigned char>(input[last - 1]) <= 0x20) --last;
    for (char c : input.substr(first, last - first))
        if (c != '\t' && c != '\n' && c != '\r') text.push_back(c);

    std::size_t i = 0;
    if (text.empty() || !isAsciiAlpha(text[0])) return std::nullopt;
    while (i < text.size() && (isAsciiAlpha(text[i]) || isAsciiDigit(text[i]) || text[i] == '+' ||
                               text[i] == '.' || text[i] == '-'))
        ++i;
    if (i >= text.size() || text[i] != ':') return std::nullopt;
    const std::string scheme = Poco::toLower(text.substr(0, i));
    if (scheme != "http" && scheme != "https") return std::nullopt;
    ++i;
    while (i < text.size() && (text[i] == '/' || text[i] == '\\')) ++i;

    std::size_t authorityEnd = text.find_first_of("/\\?#", i);
    if (authorityEnd == std::string::npos) authorityEnd = text.size();
    std::string_view authority = std::string_view(text).substr(i, authorityEnd - i);
    std::string username, password;
    const std::size_t at = authority.rfind('@');
    if (at != std::string_view::npos) {
        bool inPassword = false;
        for (char c : authority.substr(0, at)) {
            std::string& target = inPassword ? password : username;
            if (c == ':' && !inPassword) {
                inPassword = true;
            } else if (c == '@') {
                target += "%40";  // every '@' but the last belongs to the userinfo
            } else {
                appendEncoded(target, c, EncodeSet::Userinfo);
            }
        }
        authority = authority.substr(at + 1);
        if (authority.empty()) return std::nullopt;
    }
    const std::size_t bracket = authority.rfind(']');
    const std::size_t colon =
        authority.find(':', bracket == std::string_view::npos ? 0 : bracket + 1);
    auto host = normalizedHost(authority.substr(0, colon));
    if (!host) return std::nullopt;
    std::string port;
    if (colon != std::string_view::npos) {
        std::string_view digits = authority.substr(colon + 1);
        if (!std::all_of(digits.begin(), digits.end(), isAsciiDigit)) return std::nullopt;
        while (digits.size() > 1 && digits.front() == '0') digits.remove_prefix(1);
        if (digits.size() > 5) return std::nullopt;
        if (!digits.empty()) {
            const int value = std::stoi(std::string(digits));
            if (value > 65535) return std::nullopt;
            const int defaultPort = scheme == "https" ? 443 : 80;
            if (value != defaultPort) port = ":" + std::to_string(value);
        }
    }

    std::string_view rest = std::string_view(text).substr(authorityEnd);
    std::vector<std::string> segments;
    std::string segment;
    std::size_t p = (!rest.empty() && (rest[0] == '/' || rest[0] == '\\')) ? 1 : 0;
    for (;; ++p) {
        const bool atEnd = p >= rest.size() || rest[p] == '?' || rest[p] == '#';
        const bool slash = !atEnd && (rest[p] == '/' || rest[p] == '\\');
        if (atEnd || slash) {
            if (isDoubleDot(segment)) {
                if (!segments.empty()) segments.pop_back();
                if (!slash) segments.emplace_back();
            } else if (isSingleDot(segment)) {
                if (!slash) segments.emplace_back();
            } else {
                segments.push_back(segment);
            }
            segment.clear();
            if (atEnd) break;
        } else {
            appendEncoded(segment, rest[p], EncodeSet::Path);
        }
    }

    std::string href = scheme + "://";
    if (!username.empty() || !password.empty())
        href += username + (password.empty() ? "" : ":" + password) + "@";
    href += *host + port;
    for (const auto& s : segments) href += "/" + s;
    if (p < rest.size() && rest[p] == '?') {
        href.push_back('?');
        for (++p; p < rest.size() && rest[p] != '#'; ++p)
            appendEncoded(href, rest[p], EncodeSet::Query);
    }
    if (p < rest.size() && rest[p] == '#') {
        href.push_back('#');
        for (++p; p < rest.size(); ++p) appendEncoded(href, rest[p], EncodeSet::Fragment);
    }
    return href;
}

// ---- Node's legacy querystring re-encoding [sdk] withLegacyQuerystring -------------------

// querystring.escape: everything but A-Z a-z 0-9 - . _ ~ ! ' ( ) * as %XX of its UTF-8.
std::string legacyEscape(const std::string& text) {
    std::string out;
    for (char c : text) {
        const bool keep = isAsciiAlpha(c) || isAsciiDigit(c) ||
                          std::string_view("-._~!'()*").find(c) != std::string_view::npos;
        if (keep) {
            out.push_back(c);
        } else {
            static const char* const kHex = "0123456789ABCDEF";
            const auto byte = static_cast<unsigned char>(c);
            out.push_back('%');
            out.push_back(kHex[byte >> 4]);
            out.push_back(kHex[byte & 0x0F]);
        }
    }
    return out;
}

// A JS object lists "array index" keys ("0".."4294967294", canonical decimal) first, in
// numeric order, then the others in insertion order; querystring.stringify follows that.
std::optional<std::uint64_t> arrayIndex(const std::string& key) {
    if (key.empty() || key.size() > 10 || (key.size() > 1 && key[0] == '0')) return std::nullopt;
    if (!std::all_of(key.begin(), key.end(), isAsciiDigit)) return std::nullopt;
    const std::uint64_t value = std::stoull(key);
    if (value >= 4294967295ULL) return std::nullopt;
    return value;
}

std::optional<std::string> withLegacyQuerystring(const std::string& url) {
    const std::size_t q = url.find('?');
    if (q == std::string::npos || q == url.size() - 1) return url;
    auto params = parseQuerystring(std::string_view(url).substr(q + 1));
    if (!params) return std::nullopt;
    std::vector<std::pair<std::string, std::vector<std::string>>> object;
    std::map<std::string, std::size_t> slot;
    for (auto& [key, value] : *params) {
        auto [it, inserted] = slot.emplace(key, object.size());
        if (inserted) object.emplace_back(key, std::vector<std::string>());
        object[it->second].second.push_back(value);
    }
    auto firstNamed = std::stable_partition(object.begin(), object.end(),
                                            [](const auto& e) { return arrayIndex(e.first); });
    std::sort(object.begin(), firstNamed, [](const auto& a, const auto& b) {
        return *arrayIndex(a.first) < *arrayIndex(b.first);
    });
    std::string query;
    for (const auto& [key, values] : object) {
        for (const auto& value : values) {
            if (!query.empty()) query.push_back('&');
            query += legacyEscape(key) + "=" + legacyEscape(value);
        }
    }
    return url.substr(0, q) + "?" + query;
}

// Every URL twilio-node's validateRequest tries, in its order, plus the credential-free
// variants of [notes]; duplicates removed.
std::vector<std::string> candidateUrls(const std::string& url) {
    std::vector<std::string> urls = {removePort(url), addPort(url)};
    if (auto normalized = normalizedHref(url)) {
        const std::string without = removePort(*normalized);
        const std::string with = addPort(*normalized);
        urls.push_back(without);
        urls.push_back(with);
        if (auto legacy = withLegacyQuerystring(without)) urls.push_back(*legacy);
        if (auto legacy = withLegacyQuerystring(with)) urls.push_back(*legacy);
    }
    const std::size_t sdkCount = urls.size();
    for (std::size_t i = 0; i < sdkCount; ++i) urls.push_back(withoutCredentials(urls[i]));
    std::vector<std::string> unique;
    std::set<std::string> seen;
    for (auto& candidate : urls)
        if (seen.insert(candidate).second) unique.push_back(std::move(candidate));
    return unique;
}

// The parameter half of the signed text: keys in JS sort order, each key's distinct values
// in JS sort order, key + value concatenated (twilio-node's toFormUrlEncodedParam).
std::string signedParameterText(const Params& params) {
    std::map<std::string, std::set<std::string>> grouped;
    for (const auto& [key, value] : params) grouped[key].insert(value);
    std::vector<std::string> keys;
    for (const auto& entry : grouped) keys.push_back(entry.first);
    std::sort(keys.begin(), keys.end(), jsLess);
    std::string text;
    for (const auto& key : keys) {
        std::vector<std::string> values(grouped[key].begin(), grouped[key].end());
        std::sort(values.begin(), values.end(), jsLess);
        for (const auto& value : values) text += key + value;
    }
    return text;
}

// The bodySHA256 query parameter, decoded as URLSearchParams.get() decodes it; nullopt when
// absent (then the body is a form).
std::optional<std::string> bodyHashParameter(const sdk::HttpRequest& request) {
    auto params = parseQuerystring(request.query);
    if (!params) return std::nullopt;
    for (const auto& [key, value] : *params)
        if (key == kBodyHashParameter) return value;
    return std::nullopt;
}

std::optional<std::string> field(const Params& fields, const std::string& key) {
    for (const auto& [name, value] : fields)
        if (name == key) return value;
    return std::nullopt;
}

std::optional<std::string> nonEmptyField(const Params& fields, const std::string& key) {
    auto value = field(fields, key);
    if (!value || value->empty()) return std::nullopt;
    return value;
}

bool isSid(const std::string& value, std::string_view prefix) {
    return value.size() == 34 && std::string_view(value).substr(0, 2) == prefix &&
           std::all_of(value.begin() + 2, value.end(), isHexDigit);
}

// RFC 3986 encoding of a form value: only unreserved characters stay (what twilio-node's
// request encoder sends, space as %20). The reserved list makes Poco encode the rest.
std::string formEncode(const std::string& value) {
    std::string encoded;
    Poco::URI::encode(value, "!#$&'()*+,/:;=?@[]", encoded);
    return encoded;
}

std::string errorText(const Object::Ptr& json, const std::string& key, const std::string& body) {
    if (json && sdk::isStringMember(*json, key)) {
        std::string text = json->getValue<std::string>(key);
        if (!text.empty()) return sdk::excerpt(text);
    }
    return sdk::excerpt(body);
}

// The message id of a webhook: MessageSid [inbound][callbacks], else the deprecated SmsSid
// and SmsMessageSid, which carry the same value.
std::string messageSidOf(const Params& fields) {
    auto messageSid = nonEmptyField(fields, "MessageSid");
    auto smsSid = nonEmptyField(fields, "SmsSid");
    if (messageSid && smsSid && *messageSid != *smsSid)
        throw BadInput("MessageSid and SmsSid disagree");
    if (messageSid) return *messageSid;
    if (smsSid) return *smsSid;
    if (auto smsMessageSid = nonEmptyField(fields, "SmsMessageSid")) return *smsMessageSid;
    throw BadInput("missing MessageSid");
}

std::vector<std::string> mediaUrlsOf(const Params& fields) {
    std::vector<std::string> media;
    if (auto count = field(fields, "NumMedia")) {
        const std::string digits = Poco::trim(*count);
        if (digits.empty() || digits.size() > 3 ||
            !std::all_of(digits.begin(), digits.end(), isAsciiDigit) ||
            std::stoll(digits) > kMaxMedia)
            throw BadInput("NumMedia must be an integer from 0 to " + std::to_string(kMaxMedia));
        const long long n = std::stoll(digits);
        for (long long i = 0; i < n; ++i) {
            if (auto url = nonEmptyField(fields, "MediaUrl" + std::to_string(i)))
                media.push_back(*url);
        }
        return media;
    }
    for (long long i = 0; i < kMaxMedia; ++i) {
        auto url = nonEmptyField(fields, "MediaUrl" + std::to_string(i));
        if (!url) break;
        media.push_back(*url);
    }
    return media;
}

// The status a status callback reports: MessageStatus, else the deprecated SmsStatus
// [callbacks] — except SmsStatus "received"/"receiving", which Twilio puts on incoming
// messages [inbound] and which is no status of a message we sent. nullopt: no status.
std::optional<std::string> callbackStatusOf(const Params& fields) {
    if (auto status = field(fields, "MessageStatus")) {
        if (status->empty()) throw BadInput("MessageStatus is empty");
        return status;
    }
    auto legacy = nonEmptyField(fields, "SmsStatus");
    if (!legacy) return std::nullopt;
    const std::string lower = Poco::toLower(*legacy);
    if (lower == "received" || lower == "receiving") return std::nullopt;
    return legacy;
}

sdk::WebhookEvent eventOf(const Params& fields) {
    const std::string sid = messageSidOf(fields);
    if (auto status = callbackStatusOf(fields)) {
        sdk::DeliveryReceipt receipt;
        receipt.providerRef = sid;
        receipt.rawStatus = *status;
        receipt.errorCode = nonEmptyField(fields, "ErrorCode").value_or("");
        if (auto message = nonEmptyField(fields, "ErrorMessage"))
            receipt.errorMessage = sdk::excerpt(*message);
        return receipt;
    }
    // Every incoming-message request carries Body, empty for a media-only MMS [inbound]. A
    // request with neither a status nor a Body is a status callback that lost its status:
    // read as an MO it would become an empty inbound message from our own number.
    if (!field(fields, "Body"))
        throw BadInput(
            "neither MessageStatus/SmsStatus (status callback) nor Body (incoming "
            "message)");
    sdk::InboundMessage inbound;
    auto from = nonEmptyField(fields, "From");
    if (!from) throw BadInput("missing From");
    inbound.from = *from;
    inbound.to = field(fields, "To").value_or("");
    inbound.text = field(fields, "Body").value_or("");
    inbound.providerMessageId = sid;
    return inbound;
}

}  // namespace

sdk::PluginInfo TwilioPlugin::info() {
    sdk::ConfigSchema schema;

    schema.add("account_sid", "string", "Twilio Account SID (AC followed by 32 hex digits).")
        ->set("required", true);

    auto token = schema.add("auth_token", "string",
                            "Twilio Auth Token: the basic-auth password for sends and the key "
                            "of X-Twilio-Signature.");
    token->set("required", true);
    token->set("secret", true);

    schema.add("base_url", "string", "Twilio REST API base URL (scheme and host).")
        ->set("default", kDefaultBaseUrl);

    schema
        .add("from", "string",
             "Default sender (a Twilio number in E.164, or an alphanumeric sender id) for "
             "messages without a 'from'.")
        ->set("required", false);

    schema
        .add("messaging_service_sid", "string",
             "Messaging Service SID (MG followed by 32 hex digits), used as "
             "MessagingServiceSid when a message has no 'from' and 'from' is not set.")
        ->set("required", false);

    schema
        .add("validate_signatures", "boolean",
             "Check X-Twilio-Signature on every webhook (turn off only for local testing).")
        ->set("default", true);

    sdk::PluginInfo info;
    info.name = "twilio";
    info.version = "1.0.0";
    info.configSchemaJson = schema.json();
    info.defaultStatusTableJson = kDefaultStatusTable;
    return info;
}

TwilioPlugin::TwilioPlugin(const sdk::InstanceConfig& config) {
    accountSid_ = sdk::requiredSetting(config, "account_sid");
    if (!isSid(accountSid_, "AC"))
        throw BadInput("account_sid must be 'AC' followed by 32 hex digits");
    authToken_ = sdk::requiredSetting(config, "auth_token");
    sdk::rejectControlCharacters("auth_token", authToken_);

    std::string base = Poco::trim(config.getString("base_url", kDefaultBaseUrl));
    sdk::requireHttpUrl("base_url", base);
    sdk::rejectSpacesOrControlCharacters("base_url", base);
    while (!base.empty() && base.back() == '/') base.pop_back();
    sendUrl_ = base + "/2010-04-01/Accounts/" + accountSid_ + "/Messages.json";

    from_ = sdk::optionalNonEmpty(config, "from", "send through messaging_service_sid",
                                  sdk::Whitespace::Trim);
    if (from_) sdk::rejectControlCharacters("from", *from_);
    messagingServiceSid_ = sdk::optionalNonEmpty(config, "messaging_service_sid",
                                                 "send from 'from' only", sdk::Whitespace::Trim);
    if (messagingServiceSid_ && !isSid(*messagingServiceSid_, "MG"))
        throw BadInput("messaging_service_sid must be 'MG' followed by 32 hex digits");

    validateSignatures_ = config.getBool("validate_signatures", true);
    if (!validateSignatures_)
        sdk::log(SB_LOG_WARNING,
                 "twilio: validate_signatures is false: X-Twilio-Signature is not checked and "
                 "anyone who knows the webhook URL can post messages and statuses");

    basicAuth_ = "Basic " + sdk::base64(accountSid_ + ":" + authToken_);
}

bool TwilioPlugin::detect(const sdk::HttpRequest& request) const {
    if (bodyHashParameter(request)) return sdk::parseObjectOrNull(request.body) != nullptr;
    auto fields = parseQuerystring(request.body);
    if (!fields) return false;
    const bool hasSid = field(*fields, "MessageSid") || field(*fields, "SmsSid");
    return hasSid && field(*fields, "AccountSid").has_value();
}

sdk::VerifyResult TwilioPlugin::verify(const sdk::HttpRequest& request) const {
    if (!validateSignatures_) return sdk::VerifyResult::ok();
    auto signature = request.header(kSignatureHeader);
    if (!signature) return sdk::VerifyResult::reject(std::string("missing ") + kSignatureHeader);
    return verifySignature(request, *signature);
}

sdk::VerifyResult TwilioPlugin::verifySignature(const sdk::HttpRequest& request,
                                                const std::string& signature) const {
    if (request.publicUrl.empty())
        return sdk::VerifyResult::reject("no public URL to verify against");
    const auto bodyHash = bodyHashParameter(request);
    std::string parameterText;
    if (!bodyHash) {
        auto params = parseQuerystring(request.body);
        if (!params) return sdk::VerifyResult::reject("too many form parameters");
        parameterText = signedParameterText(*params);
    }
    // Every candidate is computed and compared, so the time taken does not say which URL
    // form came closest.
    bool matched = false;
    for (const auto& url : candidateUrls(request.publicUrl)) {
        const std::string expected = sdk::hmacSha1Base64(authToken_, url + parameterText);
        if (sdk::constantTimeEquals(signature, expected)) matched = true;
    }
    if (!matched) return sdk::VerifyResult::reject("signature mismatch");
    if (bodyHash && !sdk::constantTimeEquals(*bodyHash, sdk::sha256Hex(request.body)))
        return sdk::VerifyResult::reject("bodySHA256 mismatch");
    return sdk::VerifyResult::ok();
}

TwilioPlugin::Params TwilioPlugin::fieldsOf(const sdk::HttpRequest& request) const {
    Params fields;
    if (bodyHashParameter(request)) {
        Object::Ptr body = sdk::parseWebhookObject(request);
        for (const auto& [key, value] : *body) {
            if (auto text = sdk::scalarText(value, sdk::Numbers::All))
                fields.emplace_back(key, *text);
        }
        return fields;
    }
    // Twilio always declares its form [inbound]; a body that does not is not read as one.
    auto type = request.header("content-type");
    if (!type)
        throw BadInput(std::string("no Content-Type: expected a form body (") + kFormType + ")");
    if (Poco::toLower(*type).find(kFormType) == std::string::npos)
        throw BadInput(std::string("expected a form body (Content-Type ") + kFormType + "), got '" +
                       sdk::excerpt(*type) + "'");
    auto params = parseQuerystring(request.body);
    if (!params) throw BadInput("more than " + std::to_string(kMaxParameters) + " form parameters");
    return *params;
}

namespace {

// Twilio numbers each webhook request with I-Twilio-Idempotency-Token and sends the same
// token again when it retries that request [overrides]: the identity of a status callback.
sdk::WebhookEvent eventOf(const sdk::HttpRequest& request, const Params& fields) {
    sdk::WebhookEvent event = eventOf(fields);
    if (auto* receipt = std::get_if<sdk::DeliveryReceipt>(&event)) {
        if (auto token = request.header(kIdempotencyHeader)) {
            // Twilio's tokens are UUID-like; anything else (control bytes, non-ASCII, an
            // oversized value) is not trusted as an identity and the callback is unnumbered.
            const std::string trimmed = Poco::trim(*token);
            const bool printable = std::all_of(trimmed.begin(), trimmed.end(),
                                               [](char c) { return c > 0x20 && c < 0x7f; });
            if (!trimmed.empty() && trimmed.size() <= 128 && printable)
                receipt->callbackId = trimmed;
        }
    }
    return event;
}

}  // namespace

std::vector<sdk::WebhookEvent> TwilioPlugin::parse(const sdk::HttpRequest& request) const {
    return {eventOf(request, fieldsOf(request))};
}

std::string TwilioPlugin::parseDocument(const sdk::HttpRequest& request) const {
    const Params fields = fieldsOf(request);
    const sdk::WebhookEvent event = eventOf(request, fields);
    const std::string json = sdk::abi::encodeEvents({event});
    if (!std::holds_alternative<sdk::InboundMessage>(event)) return json;
    Poco::JSON::Parser parser;
    auto root = parser.parse(json).extract<Object::Ptr>();
    Poco::JSON::Array::Ptr media = new Poco::JSON::Array;
    for (const auto& url : mediaUrlsOf(fields)) media->add(url);
    root->getArray("events")->getObject(0)->set("media", media);
    return sdk::toJson(*root);
}

sdk::ProviderRequest TwilioPlugin::buildSend(const sdk::OutboundMessage& message) const {
    const std::string to = Poco::trim(message.to);
    if (to.empty()) throw BadInput("empty recipient");
    std::string body = "To=" + formEncode(to);
    std::optional<std::string> sender;  // a Messaging Service picks the number itself
    if (message.from && !Poco::trim(*message.from).empty()) {
        sender = Poco::trim(*message.from);
        body += "&From=" + formEncode(*sender);
    } else if (from_) {
        sender = *from_;
        body += "&From=" + formEncode(*from_);
    } else if (messagingServiceSid_) {
        body += "&MessagingServiceSid=" + formEncode(*messagingServiceSid_);
    } else {
        throw BadInput(
            "no sender: the message has no 'from' and neither 'from' nor "
            "'messaging_service_sid' is configured");
    }
    body += "&Body=" + formEncode(message.text);
    if (message.statusCallbackUrl && !message.statusCallbackUrl->empty())
        body += "&StatusCallback=" + formEncode(*message.statusCallbackUrl);

    sdk::ProviderRequest request;
    request.method = "POST";
    request.url = sendUrl_;
    request.headers = {
        {"Authorization", basicAuth_}, {"Content-Type", kFormType}, {"Accept", "application/json"}};
    request.body = std::move(body);
    request.sender = std::move(sender);
    return request;
}

sdk::SendResult TwilioPlugin::parseSendResponse(const sdk::HttpResponse& response) const {
    const int status = response.status;
    Object::Ptr json = sdk::parseObjectOrNull(response.body);

    if (sdk::isSuccessStatus(status)) {
        sdk::SendResult result;
        auto sid =
            json ? sdk::optionalText(*json, "sid", sdk::Numbers::IntegersOnly) : std::nullopt;
        const std::string state =
            json ? sdk::optionalText(*json, "status", sdk::Numbers::IntegersOnly).value_or("") : "";
        if (sid && (state == "failed" || state == "undelivered")) {
            // The resource exists but will never be sent: resending would create a second
            // message, so this is final.
            result.outcome = sdk::SendOutcome::Rejected;
            result.errorCode = sdk::optionalText(*json, "error_code", sdk::Numbers::IntegersOnly)
                                   .value_or("twilio_" + state);
            result.errorMessage = errorText(json, "error_message", "message " + state);
            return result;
        }
        result.outcome = sdk::SendOutcome::Accepted;
        if (sid) {
            result.providerRef = *sid;
        } else {
            // Accepted all the same: a retry could send the SMS twice, while a lost sid only
            // costs the status callbacks.
            result.errorCode = "missing_sid";
            result.errorMessage = sdk::excerpt("2xx answer without a sid: " + response.body);
        }
        return result;
    }

    const std::string code =
        (json ? sdk::optionalText(*json, "code", sdk::Numbers::IntegersOnly) : std::nullopt)
            .value_or(sdk::httpErrorCode(status));
    std::string message = errorText(json, "message", response.body);
    if (code == "20429") {
        // [20429]: concurrency limit; "never processed and is always safe to retry", even
        // when it arrives with a status other than 429.
        sdk::SendResult result;
        result.outcome = sdk::SendOutcome::Throttled;
        result.errorCode = code;
        result.errorMessage = std::move(message);
        result.retryAfterSeconds = sdk::retryAfterSeconds(response);
        return result;
    }
    // 429 → THROTTLED, 408/5xx → RETRY, every other 4xx (21211 invalid To, 20003
    // authentication, 20404 unknown account, ...) → REJECTED: the generic classification is
    // exactly Twilio's.
    return sdk::classifyHttpFailure(response, code, std::move(message));
}

sdk::WebhookReply TwilioPlugin::webhookResponse(sdk::WebhookResult /*result*/) const {
    sdk::WebhookReply reply;
    reply.status = 200;
    reply.contentType = "text/xml";
    reply.body = kEmptyTwiml;
    return reply;
}

}  // namespace switchboard::plugins::twilio
