#include "app/Logging.h"

#include "util/SecretMasker.h"

#include <Poco/AutoPtr.h>
#include <Poco/ConsoleChannel.h>
#include <Poco/FileChannel.h>
#include <Poco/FormattingChannel.h>
#include <Poco/Logger.h>
#include <Poco/PatternFormatter.h>

#include <iostream>

namespace switchboard::app {

void configureLogging(const std::string& level, const std::string& file) {
    Poco::AutoPtr<Poco::PatternFormatter> formatter(
        new Poco::PatternFormatter("%Y-%m-%d %H:%M:%S.%i [%p] %s: %t"));
    formatter->setProperty("times", "UTC");
    Poco::AutoPtr<Poco::Channel> console;
    if (file.empty()) {
        console = new Poco::ConsoleChannel(std::cerr);
    } else {
        auto* fileChannel = new Poco::FileChannel(file);
        fileChannel->setProperty("rotation", "50 M");
        fileChannel->setProperty("archive", "number");
        fileChannel->setProperty("purgeCount", "5");
        console = fileChannel;
    }
    Poco::AutoPtr<Poco::Channel> formatting(new Poco::FormattingChannel(formatter, console));
    Poco::AutoPtr<Poco::Channel> masking(new util::MaskingChannel(formatting));
    Poco::Logger::root().setChannel(masking);
    Poco::Logger::root().setLevel(level);
    // Loggers created before this call keep their own channel; re-point them all.
    Poco::Logger::setChannel("", masking);
    Poco::Logger::setLevel("", Poco::Logger::parseLevel(level));
}

}  // namespace switchboard::app
