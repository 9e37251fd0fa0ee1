// switchboard: the service entry point (a Poco ServerApplication: foreground by default,
// --daemon and --pidfile as Poco provides on Unix).
#include "app/Logging.h"
#include "app/Service.h"
#include "config/ConfigError.h"
#include "config/ConfigLoader.h"

#include <Poco/Util/HelpFormatter.h>
#include <Poco/Util/Option.h>
#include <Poco/Util/OptionSet.h>
#include <Poco/Util/ServerApplication.h>

#include <filesystem>
#include <iostream>

namespace {

// Poco's --daemon does chdir("/") before main() runs; relative paths in the command line
// and the YAML (plugins, database, secrets) keep meaning "from where it was launched".
const std::filesystem::path kLaunchDirectory = std::filesystem::current_path();

class SwitchboardApp : public Poco::Util::ServerApplication {
  protected:
    void defineOptions(Poco::Util::OptionSet& options) override {
        ServerApplication::defineOptions(options);
        options.addOption(Poco::Util::Option("config", "c",
                                             "configuration file (default config/switchboard.yaml)")
                              .required(false)
                              .repeatable(false)
                              .argument("FILE"));
        options.addOption(Poco::Util::Option("check-config", "",
                                             "validate FILE (YAML, plugins, schemas) and exit")
                              .required(false)
                              .repeatable(false)
                              .argument("FILE"));
        options.addOption(
            Poco::Util::Option("help", "h", "show this help").required(false).repeatable(false));
    }

    void handleOption(const std::string& name, const std::string& value) override {
        ServerApplication::handleOption(name, value);
        if (name == "config") configPath_ = value;
        if (name == "check-config") checkPath_ = value;
        if (name == "help") {
            help_ = true;
            stopOptionsProcessing();
        }
    }

    int main(const ArgVec&) override {
        std::error_code ec;
        std::filesystem::current_path(kLaunchDirectory, ec);
        if (help_) {
            Poco::Util::HelpFormatter formatter(options());
            formatter.setCommand(commandName());
            formatter.setHeader("Switchboard — multi-tenant SMS gateway");
            formatter.format(std::cout);
            return EXIT_OK;
        }
        try {
            if (!checkPath_.empty()) {
                std::cout << switchboard::app::Service::checkConfig(checkPath_) << std::endl;
                return EXIT_OK;
            }
            auto config = switchboard::config::loadConfigFile(configPath_);
            switchboard::app::configureLogging(config.logLevel, config.logFile);
            switchboard::app::Service service(std::move(config));
            service.start();
            waitForTerminationRequest();
            service.stop();
            return EXIT_OK;
        } catch (const std::exception& e) {
            std::cerr << "switchboard: " << e.what() << std::endl;
            return EXIT_CONFIG;
        }
    }

  private:
    std::string configPath_ = "config/switchboard.yaml";
    std::string checkPath_;
    bool help_ = false;
};

}  // namespace

POCO_SERVER_MAIN(SwitchboardApp)
