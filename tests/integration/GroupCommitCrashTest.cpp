// Group commit loses nothing it acknowledged: the real binary on SQLite, sixteen clients
// sending at once (so transactions carry several requests each and one is always open), a
// SIGKILL in the middle, and a restart on the same file. Every send answered 202 is stored
// with its text; nothing unanswered matters. (PostgreSQL's kill -9 and restart cases are in
// tests/scaleout.)
#include "support/FakeProviderServer.h"
#include "support/HttpCall.h"
#include "support/JsonApi.h"
#include "support/ServiceProcess.h"
#include "support/TempDir.h"
#include "support/TestDatabase.h"

#include <Poco/Data/Session.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <map>
#include <mutex>
#include <thread>

#include "store/Database.h"

using namespace Poco::Data::Keywords;

namespace switchboard::testing {
namespace {

TEST(GroupCommitCrash, AKilledProcessKeepsEveryAcknowledgedSendAcrossARestart) {
    TempDir dir;
    FakeProviderServer fake;
    // Dry-run: the outbox keeps writing too (its claims and outcomes share the batches).
    int port = freePort();
    auto service = std::make_unique<ServiceProcess>(
        dir, serviceYaml(port, dir, "dry-run", fake.baseUrl()), port);
    const Headers headers = {{"Authorization", std::string("Bearer ") + kTenantKey},
                             {"Content-Type", "application/json"}};

    std::mutex mutex;
    std::map<std::int64_t, std::string> acked;
    std::atomic<bool> stop{false};
    std::atomic<int> sent{0};
    std::vector<std::thread> clients;
    for (int c = 0; c < 16; ++c) {
        clients.emplace_back([&, c] {
            for (int n = 0; !stop; ++n) {
                const std::string text = "crash-" + std::to_string(c) + "-" + std::to_string(n);
                try {
                    auto r = httpCall(port, "POST", "/api/sms/send", headers,
                                      R"({"to":"+15550107777","message":")" + text + "\"}");
                    if (r.status == 202) {
                        std::lock_guard<std::mutex> lock(mutex);
                        acked[json(r.body)->getValue<std::int64_t>("id")] = text;
                        ++sent;
                    }
                } catch (const std::exception&) {
                    return;  // the process is gone
                }
            }
        });
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (sent < 600 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    service->stop(SIGKILL);
    stop = true;
    for (auto& t : clients) t.join();
    ASSERT_GE(acked.size(), 600u) << "the load did not build up before the kill";

    // The restarted process opens the same file: recovery happens on open.
    port = freePort();
    service = std::make_unique<ServiceProcess>(
        dir, serviceYaml(port, dir, "dry-run", fake.baseUrl()), port);
    auto db = store::Database::openSqlite(dir.file("switchboard.db"), 1);
    std::map<std::int64_t, std::string> stored;
    db->read([&](Poco::Data::Session& s) {
        std::vector<Poco::Int64> ids;
        std::vector<std::string> bodies;
        s << "SELECT id, body FROM messages WHERE direction = 'outbound'", into(ids), into(bodies),
            now;
        for (std::size_t i = 0; i < ids.size(); ++i) stored[ids[i]] = bodies[i];
    });
    std::size_t missing = 0;
    for (const auto& [id, text] : acked) {
        auto it = stored.find(id);
        if (it == stored.end() || it->second != text) ++missing;
    }
    EXPECT_EQ(missing, 0u) << missing << " of " << acked.size()
                           << " acknowledged sends are not stored as acknowledged";
}

}  // namespace
}  // namespace switchboard::testing
