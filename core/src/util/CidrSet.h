#pragma once

#include <Poco/Net/IPAddress.h>

#include <optional>
#include <string>
#include <vector>

namespace switchboard::util {

/// A list of IP networks ("203.0.113.7", "10.0.0.0/8", "2001:db8::/32") to test addresses
/// against: trusted proxies now, webhook IP allow-lists later. IPv4-mapped IPv6 peers
/// ("::ffff:10.1.2.3") match IPv4 networks.
class CidrSet {
  public:
    /// Parses one entry; nullopt when it is not an address or address/prefix.
    static std::optional<std::pair<Poco::Net::IPAddress, unsigned>> parse(const std::string& entry);

    /// Adds `entry`; returns false (and adds nothing) when it does not parse.
    bool add(const std::string& entry);
    /// True when `address` (text) lies in any network; false for unparsable text.
    bool contains(const std::string& address) const;
    bool empty() const { return networks_.empty(); }

  private:
    std::vector<std::pair<Poco::Net::IPAddress, unsigned>> networks_;
};

}  // namespace switchboard::util
