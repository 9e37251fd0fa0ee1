#pragma once

#include "support/TempDir.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace Poco {
class ProcessHandle;
}

namespace switchboard::testing {

/// Test secrets, long enough for the config's minimum key length.
inline constexpr const char* kAdminKey = "test-admin-key-0123456789";
inline constexpr const char* kTenantKey = "test-tenant-key-0123456789";
inline constexpr const char* kOtherTenantKey = "test-other-key-0123456789";
inline constexpr const char* kExtremeKey = "test-extreme-api-key-98765";

/// A complete YAML configuration for the real binary: port, SQLite file in `dir`, the built
/// plugins, one Extreme instance ("extreme-main") with `transport` and `extremeBaseUrl`,
/// the Extreme webhook route, tenants "acme" (+15550100001, kTenantKey) and "globex"
/// (+15550200002, kOtherTenantKey). `extraExtremeConfig` is appended (indented) to the
/// instance's config block; `dispatchBlock` replaces the dispatch section.
std::string serviceYaml(int port, const TempDir& dir, const std::string& transport,
                        const std::string& extremeBaseUrl,
                        const std::string& extraExtremeConfig = "",
                        const std::string& dispatchBlock = "");

/// The same configuration with `storageBlock` (a whole `storage:` section, e.g. from
/// TestDatabase::storageYaml()) instead of the SQLite file in `dir`.
std::string serviceYamlOn(int port, const std::string& storageBlock, const std::string& transport,
                          const std::string& extremeBaseUrl,
                          const std::string& extraExtremeConfig = "",
                          const std::string& dispatchBlock = "");

/// The real `switchboard` binary running as a child process with a config file, its
/// stderr captured to a file. Waits until /healthz answers (10 s max, else throws with
/// the log). The destructor kills it (SIGKILL) if still running.
class ServiceProcess {
  public:
    ServiceProcess(const TempDir& dir, const std::string& yaml, int port,
                   const std::map<std::string, std::string>& extraEnv = {});
    ~ServiceProcess();

    int port() const { return port_; }
    int pid() const;
    /// Sends `signal` and waits for exit; returns the exit code.
    int stop(int signal = 15);
    std::string log() const;

  private:
    const TempDir& dir_;
    int port_;
    std::string logPath_;
    std::unique_ptr<Poco::ProcessHandle> handle_;
    bool running_ = false;
};

/// The environment the test configs reference (${SB_ADMIN_KEY}, ...).
std::map<std::string, std::string> serviceEnv();

/// Runs `switchboard <args...>` to completion; returns exit code and combined output.
struct CommandResult {
    int exitCode = -1;
    std::string output;
};
CommandResult runSwitchboard(const TempDir& dir, const std::vector<std::string>& args,
                             const std::map<std::string, std::string>& extraEnv = {});

}  // namespace switchboard::testing
