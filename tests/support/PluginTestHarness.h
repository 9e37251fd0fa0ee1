#pragma once

// Shared scaffolding for the plugin tests in tests/plugins/*. Each suite loads its built plugin
// through the host's own loader and ABI wrapper, so what is covered is exactly what the service
// will run; only what is the same for every provider lives here.
#include "plugin/PluginLibrary.h"
#include "plugin/ProviderInstance.h"

#include <Poco/JSON/Object.h>
#include <gtest/gtest.h>

#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#ifndef SWITCHBOARD_PLUGIN_DIR
#error "SWITCHBOARD_PLUGIN_DIR must name the directory holding the built sb_*.so plugins"
#endif

namespace switchboard::testing {

/// Header name/value pairs, names lowercased as the host delivers them.
using Headers = std::vector<std::pair<std::string, std::string>>;

/// dir/name byte for byte, or throws.
std::string readFixture(const std::string& dir, const std::string& name);

/// A one-value fixture (secret, token, signature, timestamp): a trailing newline left by an
/// editor or `echo` is not part of the value.
std::string readFixtureValue(const std::string& dir, const std::string& name);

/// A JSON document whose top level is an object; throws on anything else.
Poco::JSON::Object::Ptr parseJson(const std::string& text);

std::set<std::string> keysOf(const Poco::JSON::Object& object);

/// The plugin's default raw status -> canonical status table.
std::map<std::string, std::string> statusTableOf(const plugin::PluginLibrary& library);

/// A JSON POST to `path` on the public base https://sb.example.com; `headers` come first and
/// content-type is appended.
plugin::WebhookRequest jsonWebhook(const std::string& path, const std::string& body,
                                   Headers headers, const std::string& remoteAddr);

/// The outbound message JSON the host passes to build_send. A null replyContext and an absent
/// from or statusCallbackUrl are sent as JSON null, as the host does.
std::string outboundMessage(const std::string& kind, const std::string& to, const std::string& text,
                            const std::optional<std::string>& from,
                            const Poco::JSON::Object::Ptr& replyContext,
                            const std::optional<std::string>& statusCallbackUrl);

/// The single event of a successful parse, checked to be of `type`; `context` prefixes the
/// failure message.
Poco::JSON::Object::Ptr parseEvent(const plugin::ProviderInstance& instance,
                                   const plugin::WebhookRequest& request, const std::string& type,
                                   const std::string& context = {});

/// The request build_send made of `message`, which must succeed.
Poco::JSON::Object::Ptr sendRequest(const plugin::ProviderInstance& instance,
                                    const std::string& message);

/// The send result parse_send_response made of one HTTP response, which must succeed.
Poco::JSON::Object::Ptr sendResult(const plugin::ProviderInstance& instance, int status,
                                   const std::string& body, const Headers& headers = {});

void expectRejected(const plugin::HookResult& result, const std::string& reason,
                    const std::string& context = {});

/// Runs `iteration` `iterations` times on each of `threads` threads at once and expects every
/// thread to finish with no failures; `iteration` returns how many of its checks failed. Hooks
/// share one instance across the host's worker threads, so a data race shows up here (or
/// under TSan) rather than in production.
void expectNoFailuresAcrossThreads(int threads, int iterations,
                                   const std::function<int()>& iteration);

/// A suite over one plugin: `Suite::kPluginFile` (e.g. "sb_extreme.so") is loaded once for the
/// whole suite. A load failure is reported by every test rather than aborting the binary, so
/// the message says which plugin and why.
template <class Suite>
class PluginSuite : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        try {
            library_ = plugin::PluginLibrary::load(std::string(SWITCHBOARD_PLUGIN_DIR) + "/" +
                                                   Suite::kPluginFile);
        } catch (const std::exception& e) {
            loadError_ = e.what();
        }
    }
    static void TearDownTestSuite() { library_.reset(); }
    void SetUp() override { ASSERT_TRUE(library_ != nullptr) << loadError_; }

    static inline std::unique_ptr<plugin::PluginLibrary> library_;
    static inline std::string loadError_;
};

}  // namespace switchboard::testing
