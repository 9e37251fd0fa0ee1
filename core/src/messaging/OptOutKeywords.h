#pragma once

#include <set>
#include <string>
#include <vector>

namespace switchboard::messaging {

/// Recognises opt-out (STOP-family) and opt-in (START-family) keywords in inbound SMS (MO).
///
/// A message matches only when its whole body, trimmed of surrounding whitespace, equals a
/// keyword, ignoring ASCII case — "stop" and " STOP\n" match, "please stop" does not. This is
/// how Twilio and the carriers' CTIA guidance treat keywords:
/// https://www.twilio.com/docs/messaging/tutorials/advanced-opt-out and
/// https://help.twilio.com/hc/en-us/articles/223134027 (Twilio support for opt-out keywords).
class OptOutKeywords {
  public:
    enum class Intent { None, OptOut, OptIn };

    /// Twilio's default English lists (config::MessagingConfig's defaults): opt-out STOP,
    /// STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT, REVOKE, OPTOUT; opt-in START, UNSTOP, YES.
    OptOutKeywords();
    /// Custom lists (from YAML `messaging.opt_out`); matching ignores their case. An empty
    /// list disables that direction.
    OptOutKeywords(const std::vector<std::string>& stop, const std::vector<std::string>& start);

    /// What an inbound body asks for; `keyword` receives the matched keyword, upper-cased.
    Intent classify(const std::string& body, std::string& keyword) const;

  private:
    std::set<std::string> stop_;
    std::set<std::string> start_;
};

}  // namespace switchboard::messaging
