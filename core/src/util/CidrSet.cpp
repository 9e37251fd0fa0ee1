#include "util/CidrSet.h"

#include <Poco/NumberParser.h>

namespace switchboard::util {
namespace {

// "::ffff:a.b.c.d" → a.b.c.d, so IPv4 rules apply to dual-stack sockets.
Poco::Net::IPAddress unmapped(const Poco::Net::IPAddress& address) {
    if (address.family() == Poco::Net::IPAddress::IPv6 && address.isIPv4Mapped()) {
        const auto* bytes = static_cast<const unsigned char*>(address.addr());
        return Poco::Net::IPAddress(bytes + 12, 4);
    }
    return address;
}

}  // namespace

std::optional<std::pair<Poco::Net::IPAddress, unsigned>> CidrSet::parse(const std::string& entry) {
    auto slash = entry.find('/');
    Poco::Net::IPAddress address;
    if (!Poco::Net::IPAddress::tryParse(entry.substr(0, slash), address)) return std::nullopt;
    address = unmapped(address);
    unsigned maxPrefix = address.family() == Poco::Net::IPAddress::IPv4 ? 32 : 128;
    unsigned prefix = maxPrefix;
    if (slash != std::string::npos) {
        unsigned parsed = 0;
        if (!Poco::NumberParser::tryParseUnsigned(entry.substr(slash + 1), parsed) ||
            parsed > maxPrefix)
            return std::nullopt;
        prefix = parsed;
    }
    return std::make_pair(address, prefix);
}

bool CidrSet::add(const std::string& entry) {
    auto network = parse(entry);
    if (!network) return false;
    networks_.push_back(*network);
    return true;
}

bool CidrSet::contains(const std::string& text) const {
    Poco::Net::IPAddress address;
    if (!Poco::Net::IPAddress::tryParse(text, address)) return false;
    address = unmapped(address);
    for (const auto& [network, prefix] : networks_) {
        if (network.family() != address.family()) continue;
        Poco::Net::IPAddress mask(prefix, network.family());
        if ((address & mask) == (network & mask)) return true;
    }
    return false;
}

}  // namespace switchboard::util
