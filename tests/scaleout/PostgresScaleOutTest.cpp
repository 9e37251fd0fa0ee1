// Several switchboard processes on one PostgreSQL: every message is sent exactly once and
// none is lost, also when a process is killed with SIGKILL mid-run or PostgreSQL itself
// restarts under load. Real binaries, a real PostgreSQL (started by scripts/with-postgres),
// and a fake provider on loopback that counts what it receives.
#include "support/FakeProviderServer.h"
#include "support/HttpCall.h"
#include "support/ServiceProcess.h"
#include "support/TempDir.h"
#include "support/TestDatabase.h"

#include <Poco/Data/Session.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Process.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <map>
#include <mutex>
#include <set>
#include <thread>

using namespace Poco::Data::Keywords;

namespace switchboard::testing {
namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;

const Headers kTenant = {{"Authorization", std::string("Bearer ") + kTenantKey},
                         {"Content-Type", "application/json"}};

std::int64_t idOf(const std::string& body) {
    Poco::JSON::Parser parser;
    return parser.parse(body).extract<Poco::JSON::Object::Ptr>()->getValue<std::int64_t>("id");
}

std::string textOf(const std::string& sendBody) {
    Poco::JSON::Parser parser;
    return parser.parse(sendBody).extract<Poco::JSON::Object::Ptr>()->getValue<std::string>(
        "message");
}

class PostgresScaleOut : public ::testing::Test {
  protected:
    void startProcesses(int count, int leaseSeconds) {
        const std::string dispatch =
            "dispatch:\n  workers: 2\n  poll_interval_ms: 50\n  backoff_initial_ms: 100\n"
            "  max_attempts: 100\n  lease_seconds: " +
            std::to_string(leaseSeconds) + "\n  connect_timeout_ms: 2000\n" +
            // Generous: a read timeout on a loaded CI machine would be a legitimate resend
            // (the provider may have accepted), which is not what these tests examine.
            "  read_timeout_ms: 30000\n";
        for (int i = 0; i < count; ++i) {
            dirs_.push_back(std::make_unique<TempDir>());
            int port = freePort();
            ports_.push_back(port);
            processes_.push_back(std::make_unique<ServiceProcess>(
                *dirs_.back(),
                serviceYamlOn(port, storage_.storageYaml(), "http", fake_.baseUrl(), "", dispatch),
                port));
        }
    }

    /// Sends `total` uniquely numbered messages spread over the live processes from
    /// `threads` clients, as a careful client would: each with an Idempotency-Key, and a send
    /// whose outcome is unknown (connection refused or cut by a killed process, 503) is
    /// repeated with the same key on another process. A 409 means a dead process's
    /// reservation is not yet abandoned (messaging::IdempotencyLedger::kAbandonedAfterMs), so the
    /// client keeps trying. Returns message id → text for every acknowledged (202) send.
    std::map<std::int64_t, std::string> sendAll(int total, int threads,
                                                const std::function<void(int)>& onProgress) {
        std::map<std::int64_t, std::string> acked;
        std::mutex mutex;
        std::atomic<int> next{0};
        std::vector<std::thread> clients;
        for (int t = 0; t < threads; ++t) {
            clients.emplace_back([&, t] {
                for (int n = next++; n < total; n = next++) {
                    const std::string text = "mp-" + std::to_string(n);
                    Headers headers = kTenant;
                    headers.emplace_back("Idempotency-Key", text);
                    const auto giveUp =
                        std::chrono::steady_clock::now() + std::chrono::seconds(150);
                    for (int attempt = 0; std::chrono::steady_clock::now() < giveUp; ++attempt) {
                        std::size_t target =
                            static_cast<std::size_t>(n + attempt + t) % ports_.size();
                        if (dead_.count(target)) continue;
                        try {
                            auto r = httpCall(ports_[target], "POST", "/api/sms/send", headers,
                                              R"({"to":"+15550107777","message":")" + text + "\"}");
                            if (r.status == 202) {
                                std::lock_guard<std::mutex> lock(mutex);
                                acked[idOf(r.body)] = text;
                                break;
                            }
                        } catch (const std::exception&) {
                            // connection refused or cut: the process is gone; try another
                        }
                        std::this_thread::sleep_for(
                            std::chrono::milliseconds(attempt < 50 ? 20 : 500));
                    }
                    onProgress(n);
                }
            });
        }
        for (auto& c : clients) c.join();
        return acked;
    }

    std::int64_t countWhere(const std::string& condition) {
        auto db = storage_.open(1);
        Poco::Int64 count = 0;
        db->read([&](Poco::Data::Session& s) {
            s << "SELECT COUNT(*) FROM messages WHERE " + condition, into(count), now;
        });
        return count;
    }

    bool waitUntilAllSent(std::int64_t expected, int timeoutS) {
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeoutS);
        while (std::chrono::steady_clock::now() < deadline) {
            if (countWhere("direction = 'outbound' AND status = 'SENT'") >= expected) return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
        }
        return false;
    }

    /// How many times the fake provider received each message text.
    std::map<std::string, int> deliveries() {
        std::map<std::string, int> seen;
        for (const auto& r : fake_.requests()) ++seen[textOf(r.body)];
        return seen;
    }

    TempDir dir_;
    TestDatabase storage_{"postgresql", dir_};
    FakeProviderServer fake_;
    std::vector<std::unique_ptr<TempDir>> dirs_;
    std::vector<int> ports_;
    std::vector<std::unique_ptr<ServiceProcess>> processes_;
    std::set<std::size_t> dead_;
};

TEST_F(PostgresScaleOut, ThreeProcessesSendEveryMessageExactlyOnce) {
    startProcesses(3, 60);
    auto acked = sendAll(5000, 6, [](int) {});
    ASSERT_EQ(acked.size(), 5000u);
    ASSERT_TRUE(waitUntilAllSent(5000, 120)) << countWhere("status = 'SENT'") << " of 5000 sent";
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    auto seen = deliveries();
    EXPECT_EQ(fake_.requestCount(), 5000u);
    EXPECT_EQ(seen.size(), 5000u);
    for (const auto& [text, times] : seen)
        EXPECT_EQ(times, 1) << text << " was sent " << times << " times";
    // Every process took part.
    EXPECT_EQ(countWhere("status = 'SENT'"), 5000);
}

// The same MO webhook arriving at several processes at once (a provider retrying on a
// timeout while the first attempt is still being handled, or retrying through another node of
// the load balancer) is stored once: the schema's unique index decides, not a check before
// the insert, which two transactions can both pass.
TEST_F(PostgresScaleOut, TheSameWebhookFiredConcurrentlyAtThreeProcessesIsStoredOnce) {
    startProcesses(3, 60);
    constexpr int kWebhooks = 30;
    constexpr int kCopies = 6;  // two per process, all released together
    std::atomic<int> ready{0};
    std::atomic<int> failures{0};
    for (int w = 0; w < kWebhooks; ++w) {
        const std::string body = R"({"sender":"+15550109999","receiver":"+15550100001",)"
                                 R"("message":"race )" +
                                 std::to_string(w) + R"(","id":"race-)" + std::to_string(w) +
                                 R"(","usedmodem":"3","port":"12"})";
        std::vector<std::thread> copies;
        ready = 0;
        for (int c = 0; c < kCopies; ++c) {
            copies.emplace_back([&, c] {
                ++ready;
                while (ready < kCopies) std::this_thread::yield();
                try {
                    auto r = httpCall(ports_[static_cast<std::size_t>(c) % ports_.size()], "POST",
                                      "/api/webhook/extreme",
                                      {{"Content-Type", "application/json"}}, body);
                    if (r.status != 200) ++failures;
                } catch (const std::exception&) {
                    ++failures;
                }
            });
        }
        for (auto& t : copies) t.join();
    }
    EXPECT_EQ(failures.load(), 0) << "every copy is acknowledged";
    EXPECT_EQ(countWhere("direction = 'inbound'"), kWebhooks);
    EXPECT_EQ(countWhere("direction = 'inbound' AND provider_ref LIKE 'race-%' AND tenant_id = "
                         "'acme' AND contact_id IS NOT NULL"),
              kWebhooks);
    // Every copy left its record: one accepted, the rest duplicates.
    auto db = storage_.open(1);
    Poco::Int64 accepted = 0, duplicates = 0;
    db->read([&](Poco::Data::Session& s) {
        s << "SELECT COUNT(*) FROM webhook_events WHERE outcome = 'accepted'", into(accepted), now;
        s << "SELECT COUNT(*) FROM webhook_events WHERE outcome = 'duplicate'", into(duplicates),
            now;
    });
    EXPECT_EQ(accepted, kWebhooks);
    EXPECT_EQ(duplicates, kWebhooks * (kCopies - 1));
}

TEST_F(PostgresScaleOut, AKilledProcessLosesNothingAndOnlyItsLeasedMessagesMayRepeat) {
    startProcesses(3, 5);
    // A slow provider keeps several messages in flight, so the kill lands mid-dispatch.
    fake_.setDefault(respond(200, R"({"success":true,"id":"ok"})", "application/json", 5));
    std::set<std::int64_t> leasedByDead;
    std::atomic<bool> killed{false};
    const std::string deadOwnerSuffix = ":" + std::to_string(processes_[1]->pid());
    auto acked = sendAll(5000, 6, [&](int n) {
        if (n == 1500 && !killed.exchange(true)) {
            dead_.insert(1);
            ::kill(processes_[1]->pid(), SIGKILL);
            processes_[1]->stop(SIGKILL);
            // What the dead process had claimed and not finished: only these may repeat.
            auto db = storage_.open(1);
            std::vector<Poco::Int64> ids;
            db->read([&](Poco::Data::Session& s) {
                s << "SELECT id FROM messages WHERE status = 'QUEUED' AND lock_owner LIKE $1",
                    bind("%" + deadOwnerSuffix), into(ids), now;
            });
            leasedByDead.insert(ids.begin(), ids.end());
        }
    });
    ASSERT_TRUE(killed);
    ASSERT_EQ(acked.size(), 5000u);
    ASSERT_TRUE(waitUntilAllSent(5000, 180)) << countWhere("status = 'SENT'") << " of 5000 sent";
    std::this_thread::sleep_for(std::chrono::milliseconds(500));

    // One row per message: a client's repeat after the kill replayed or re-ran its key,
    // never queued a second copy.
    EXPECT_EQ(countWhere("direction = 'outbound'"), 5000);
    auto seen = deliveries();
    std::map<std::string, std::int64_t> idByText;
    for (const auto& [id, text] : acked) idByText[text] = id;
    EXPECT_EQ(seen.size(), 5000u);  // nothing lost
    int repeated = 0;
    for (const auto& [text, times] : seen) {
        if (times == 1) continue;
        ++repeated;
        EXPECT_TRUE(leasedByDead.count(idByText[text]))
            << text << " was sent " << times << " times but was not leased by the killed process";
    }
    EXPECT_LE(repeated, static_cast<int>(leasedByDead.size()));
    std::cout << "[ scaleout ] killed process held " << leasedByDead.size() << " leases; "
              << repeated << " message(s) were sent twice" << std::endl;
    EXPECT_EQ(countWhere("status <> 'SENT'"), 0);
}

/// Runs pg_ctl on the test cluster (as the postgres user when we are root).
int pgCtl(const std::string& action) {
    const char* bin = std::getenv("SWITCHBOARD_TEST_PG_BIN");
    const char* data = std::getenv("SWITCHBOARD_TEST_PG_DATA");
    const char* port = std::getenv("SWITCHBOARD_TEST_PG_PORT");
    if (!bin || !data || !port) {
        ADD_FAILURE() << "run through scripts/with-postgres: the cluster's location is not known";
        return -1;
    }
    std::vector<std::string> args = {std::string(bin) + "/pg_ctl", "-D", data, "-w", "-t", "60"};
    if (action == "stop") {
        args.insert(args.end(), {"-m", "fast", "stop"});
    } else {
        args.insert(args.end(), {"-l", std::string(data) + "/../server.log", "-o",
                                 std::string("-c listen_addresses=127.0.0.1 -p ") + port + " -k " +
                                     data + "/.. -c fsync=off -c max_connections=300",
                                 "start"});
    }
    std::string command = args.front();
    args.erase(args.begin());
    if (::geteuid() == 0) {
        args.insert(args.begin(), {"-u", "postgres", "--", command});
        command = "runuser";
    }
    auto handle = Poco::Process::launch(command, args);
    return handle.wait();
}

TEST_F(PostgresScaleOut, APostgresRestartUnderLoadLosesNoAcknowledgedSendOrWebhook) {
    startProcesses(2, 10);
    std::atomic<bool> stop{false};
    std::mutex mutex;
    std::set<std::int64_t> ackedSends;
    std::set<std::string> ackedWebhooks;
    std::atomic<int> refusedWhileDown{0};
    std::vector<std::thread> clients;
    for (int t = 0; t < 4; ++t) {
        clients.emplace_back([&, t] {
            for (int n = 0; !stop; ++n) {
                const int port = ports_[static_cast<std::size_t>(n + t) % ports_.size()];
                try {
                    if (t % 2 == 0) {
                        auto r = httpCall(port, "POST", "/api/sms/send", kTenant,
                                          R"({"to":"+15550107777","message":"load-)" +
                                              std::to_string(t) + "-" + std::to_string(n) + "\"}");
                        if (r.status == 202) {
                            std::lock_guard<std::mutex> lock(mutex);
                            ackedSends.insert(idOf(r.body));
                        } else if (r.status == 503) {
                            ++refusedWhileDown;
                        }
                    } else {
                        const std::string ref = "wh-" + std::to_string(t) + "-" + std::to_string(n);
                        auto r = httpCall(
                            port, "POST", "/api/webhook/extreme",
                            {{"Content-Type", "application/json"}},
                            R"({"sender":"+15550109999","receiver":"+15550100001","message":"hi",)"
                            R"("id":")" +
                                ref + "\"}");
                        if (r.status == 200) {
                            std::lock_guard<std::mutex> lock(mutex);
                            ackedWebhooks.insert(ref);
                        } else if (r.status == 503) {
                            ++refusedWhileDown;
                        }
                    }
                } catch (const std::exception&) {
                }
                std::this_thread::sleep_for(std::chrono::milliseconds(5));
            }
        });
    }
    std::this_thread::sleep_for(std::chrono::seconds(2));
    ASSERT_EQ(pgCtl("stop"), 0);
    std::this_thread::sleep_for(std::chrono::seconds(2));
    // While it is down: readiness says so, and writes are refused (never acknowledged).
    auto ready = httpCall(ports_[0], "GET", "/readyz");
    EXPECT_EQ(ready.status, 503);
    EXPECT_NE(ready.body.find("down"), std::string::npos);
    ASSERT_EQ(pgCtl("start"), 0);
    // The service recovers by itself.
    bool recovered = false;
    for (int i = 0; i < 100 && !recovered; ++i) {
        recovered = httpCall(ports_[0], "GET", "/readyz").status == 200 &&
                    httpCall(ports_[1], "GET", "/readyz").status == 200;
        if (!recovered) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    EXPECT_TRUE(recovered);
    std::this_thread::sleep_for(std::chrono::seconds(2));
    stop = true;
    for (auto& c : clients) c.join();
    EXPECT_GT(refusedWhileDown.load(), 0) << "the outage was not observed; the test proves nothing";
    ASSERT_FALSE(ackedSends.empty());
    ASSERT_FALSE(ackedWebhooks.empty());

    ASSERT_TRUE(waitUntilAllSent(static_cast<std::int64_t>(ackedSends.size()), 120));
    auto db = storage_.open(1);
    std::vector<Poco::Int64> stored;
    std::vector<std::string> inbound;
    db->read([&](Poco::Data::Session& s) {
        s << "SELECT id FROM messages WHERE direction = 'outbound'", into(stored), now;
        s << "SELECT provider_ref FROM messages WHERE direction = 'inbound'", into(inbound), now;
    });
    std::set<std::int64_t> storedSet(stored.begin(), stored.end());
    for (auto id : ackedSends)
        EXPECT_TRUE(storedSet.count(id)) << "acknowledged send " << id << " was lost";
    std::set<std::string> inboundSet(inbound.begin(), inbound.end());
    for (const auto& ref : ackedWebhooks)
        EXPECT_TRUE(inboundSet.count(ref)) << "acknowledged webhook " << ref << " was lost";
    EXPECT_EQ(countWhere("direction = 'outbound' AND status <> 'SENT'"), 0);
}

}  // namespace
}  // namespace switchboard::testing
