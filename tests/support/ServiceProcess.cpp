#include "support/ServiceProcess.h"

#include "support/HttpCall.h"

#include <Poco/Process.h>

#include <chrono>
#include <csignal>
#include <stdexcept>
#include <thread>

namespace switchboard::testing {

std::map<std::string, std::string> serviceEnv() {
    return {{"SB_ADMIN_KEY", kAdminKey},
            {"SB_TENANT_KEY", kTenantKey},
            {"SB_OTHER_TENANT_KEY", kOtherTenantKey},
            {"SB_EXTREME_KEY", kExtremeKey}};
}

std::string serviceYaml(int port, const TempDir& dir, const std::string& transport,
                        const std::string& extremeBaseUrl, const std::string& extraExtremeConfig,
                        const std::string& dispatchBlock) {
    return serviceYamlOn(
        port,
        "storage:\n  driver: sqlite\n  sqlite:\n    path: " + dir.file("switchboard.db") + "\n",
        transport, extremeBaseUrl, extraExtremeConfig, dispatchBlock);
}

std::string serviceYamlOn(int port, const std::string& storageBlock, const std::string& transport,
                          const std::string& extremeBaseUrl, const std::string& extraExtremeConfig,
                          const std::string& dispatchBlock) {
    std::string yaml = "server:\n  bind: 127.0.0.1\n  port: " + std::to_string(port) +
                       "\n  threads: 8\n  max_body_bytes: 65536\n"
                       "logging:\n  level: information\n" +
                       storageBlock + "plugins:\n  directory: " SWITCHBOARD_PLUGIN_DIR "\n";
    yaml += dispatchBlock.empty()
                ? "dispatch:\n  workers: 2\n  max_attempts: 3\n  backoff_initial_ms: 200\n"
                  "  poll_interval_ms: 50\n  connect_timeout_ms: 2000\n  read_timeout_ms: 2000\n"
                : dispatchBlock;
    yaml +=
        "admin:\n  api_key: ${SB_ADMIN_KEY}\n"
        "providers:\n  - id: extreme-main\n    plugin: extreme\n    transport: " +
        transport +
        "\n    config:\n      api_key: ${SB_EXTREME_KEY}\n      base_url: " + extremeBaseUrl + "\n";
    if (!extraExtremeConfig.empty()) yaml += "      " + extraExtremeConfig + "\n";
    yaml +=
        "routes:\n  - path: /api/webhook/extreme\n    providers: [extreme-main]\n"
        "tenants:\n"
        "  - id: acme\n    name: Acme Clinic\n    business_name: Acme Clinic\n"
        "    default_provider: extreme-main\n    numbers: [\"+15550100001\"]\n"
        "    api_keys: [\"${SB_TENANT_KEY}\"]\n"
        "  - id: globex\n    name: Globex\n    default_provider: extreme-main\n"
        "    numbers: [\"+15550200002\"]\n    api_keys: [\"${SB_OTHER_TENANT_KEY}\"]\n";
    return yaml;
}

namespace {

Poco::ProcessHandle launch(const TempDir& dir, const std::vector<std::string>& args,
                           const std::string& logPath,
                           const std::map<std::string, std::string>& extraEnv) {
    // exec through sh only to redirect both streams into the log file; the pid is then the
    // switchboard process itself, so signals reach it directly.
    Poco::Process::Args shArgs = {"-c", "exec \"$@\" >\"$LOGFILE\" 2>&1", "sh", SWITCHBOARD_BINARY};
    shArgs.insert(shArgs.end(), args.begin(), args.end());
    Poco::Process::Env env = serviceEnv();
    for (const auto& [k, v] : extraEnv) env[k] = v;
    env["LOGFILE"] = logPath;
    return Poco::Process::launch("/bin/sh", shArgs, dir.path(), nullptr, nullptr, nullptr, env);
}

}  // namespace

ServiceProcess::ServiceProcess(const TempDir& dir, const std::string& yaml, int port,
                               const std::map<std::string, std::string>& extraEnv)
    : dir_(dir), port_(port), logPath_(dir.file("service.log")) {
    std::string configPath = dir.write("switchboard.yaml", yaml);
    handle_ = std::make_unique<Poco::ProcessHandle>(
        launch(dir, {"--config", configPath}, logPath_, extraEnv));
    running_ = true;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
        try {
            if (httpCall(port_, "GET", "/healthz").status == 200) return;
        } catch (const std::exception&) {
            // not listening yet
        }
        if (!Poco::Process::isRunning(*handle_)) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    std::string text = log();
    if (Poco::Process::isRunning(*handle_)) Poco::Process::kill(*handle_);
    running_ = false;
    throw std::runtime_error("switchboard did not become healthy; log:\n" + text);
}

ServiceProcess::~ServiceProcess() {
    if (running_ && Poco::Process::isRunning(*handle_)) {
        Poco::Process::kill(*handle_);
        handle_->wait();
    }
}

int ServiceProcess::pid() const { return static_cast<int>(handle_->id()); }

int ServiceProcess::stop(int signal) {
    ::kill(static_cast<pid_t>(handle_->id()), signal);
    int code = handle_->wait();
    running_ = false;
    return code;
}

std::string ServiceProcess::log() const {
    try {
        return readFile(logPath_);
    } catch (const std::exception&) {
        return {};
    }
}

CommandResult runSwitchboard(const TempDir& dir, const std::vector<std::string>& args,
                             const std::map<std::string, std::string>& extraEnv) {
    std::string logPath = dir.file("command.log");
    auto handle = launch(dir, args, logPath, extraEnv);
    CommandResult result;
    result.exitCode = handle.wait();
    result.output = readFile(logPath);
    return result;
}

}  // namespace switchboard::testing
