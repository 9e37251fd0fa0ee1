// The telephony API through the real binary, on SQLite and on PostgreSQL. The telephony
// instance places its verification calls at a fake Twilio on loopback, which is where the
// test hears the code — exactly as a subscriber would. Time moves through the binary's test
// clock (SWITCHBOARD_TEST_CLOCK_OFFSET_FILE, util/ProcessClock.h), so expiry, the lockout
// and the rate-limit window are tested without waiting.
#include "support/FakeProviderServer.h"
#include "support/HttpCall.h"
#include "support/JsonApi.h"
#include "support/ServiceProcess.h"
#include "support/TempDir.h"
#include "support/TestDatabase.h"

#include "switchboard/sdk/Crypto.h"

#include <Poco/Data/RecordSet.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/URI.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

namespace switchboard::testing {
namespace {

using Poco::JSON::Object;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kCodeHashKey = "test-telephony-code-hash-key-0123456789abcdef";
constexpr const char* kTwilioToken = "test-twilio-auth-token-telephony";
constexpr const char* kAccountSid = "AC0123456789abcdef0123456789abcdef";
constexpr const char* kPhone = "+15551234567";
constexpr std::int64_t kMinute = 60'000;
constexpr std::int64_t kHour = 60 * kMinute;

std::string body(std::initializer_list<std::pair<const char*, Poco::Dynamic::Var>> fields) {
    Object o;
    for (const auto& [k, v] : fields) o.set(k, v);
    std::ostringstream out;
    o.stringify(out);
    return out.str();
}

// The code the call reads out, recovered from the request the fake Twilio received.
std::string spokenCode(const RecordedRequest& request) {
    std::string decoded;
    Poco::URI::decode(request.body, decoded, true);
    static const std::regex kSpoken(R"(Your code is: (\d), (\d), (\d), (\d), (\d), (\d)\.)");
    std::smatch m;
    if (!std::regex_search(decoded, m, kSpoken)) return "";
    std::string code;
    for (int i = 1; i <= 6; ++i) code += m[i].str();
    return code;
}

// `code` as a standalone number (not part of a longer digit run such as a timestamp).
bool containsCode(const std::string& text, const std::string& code) {
    return std::regex_search(text, std::regex("(^|[^0-9])" + code + "([^0-9]|$)"));
}

std::string otherCode(const std::string& code) { return code == "000000" ? "000001" : "000000"; }

struct Started {
    std::int64_t id = 0;
    std::string code;
};

class TelephonyApi : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        fake_.setDefault(respond(201, R"({"sid":"CA0123456789abcdef0123456789abcdef",)"
                                      R"("status":"queued"})"));
        start("http");
    }

    void start(const std::string& transport, bool withTelephony = true) {
        service_.reset();
        port_ = freePort();
        std::string yaml =
            serviceYamlOn(port_, storage_.storageYaml(), "dry-run", "http://127.0.0.1:9");
        if (withTelephony) {
            const std::string provider =
                "  - id: telephony-test\n    plugin: telephony\n    transport: " + transport +
                "\n    config:\n      account_sid: " + kAccountSid +
                "\n      auth_token: ${SB_TWILIO_TOKEN}\n      caller_number: \"+15550109000\"\n"
                "      base_url: " +
                fake_.baseUrl() + "\n";
            auto at = yaml.find("routes:\n");
            yaml.insert(at, provider);
            yaml +=
                "telephony:\n  provider: telephony-test\n  code_hash_key: ${SB_TELEPHONY_KEY}\n";
        }
        service_ = std::make_unique<ServiceProcess>(
            dir_, yaml, port_,
            std::map<std::string, std::string>{
                {"SB_TELEPHONY_KEY", kCodeHashKey},
                {"SB_TWILIO_TOKEN", kTwilioToken},
                {"SWITCHBOARD_TEST_CLOCK_OFFSET_FILE", dir_.file("clock-offset")}});
    }

    void advanceClock(std::int64_t ms) {
        offsetMs_ += ms;
        dir_.write("clock-offset", std::to_string(offsetMs_));
    }

    HttpResult call(const std::string& method, const std::string& path,
                    const std::string& payload = "", const char* key = kTenantKey) {
        Headers headers = {{"Authorization", std::string("Bearer ") + key}};
        if (!payload.empty()) headers.emplace_back("Content-Type", "application/json");
        return httpCall(port_, method, path, headers, payload);
    }

    HttpResult initiate(const std::string& phone, const char* key = kTenantKey) {
        return call("POST", "/api/telephony/verify-caller-id/initiate",
                    body({{"phoneNumber", phone}, {"friendlyName", "Front desk"}}), key);
    }

    // Starts a verification and returns its id and the code its call read out.
    Started startVerification(const std::string& phone, const char* key = kTenantKey) {
        const std::size_t before = fake_.requestCount();
        auto r = initiate(phone, key);
        EXPECT_EQ(r.status, 201) << r.body;
        if (r.status != 201) return {};
        EXPECT_TRUE(fake_.waitForRequests(before + 1, 5000));
        Started s;
        s.id = json(r.body)->getValue<std::int64_t>("verificationId");
        s.code = spokenCode(fake_.requests().back());
        EXPECT_EQ(s.code.size(), 6u) << fake_.requests().back().body;
        codesSeen_.insert(s.code);
        return s;
    }

    HttpResult confirm(std::int64_t id, const std::string& code, const char* key = kTenantKey) {
        return call("POST", "/api/telephony/verify-caller-id/confirm",
                    body({{"verificationId", id}, {"verificationCode", code}}), key);
    }

    Object::Ptr errorOf(const HttpResult& r) { return json(r.body)->getObject("error"); }

    Poco::JSON::Array::Ptr numbers(const char* key = kTenantKey) {
        auto r = call("GET", "/api/telephony/verified-numbers", "", key);
        EXPECT_EQ(r.status, 200) << r.body;
        return json(r.body)->getArray("numbers");
    }

    std::int64_t verify(const std::string& phone) {
        Started s = startVerification(phone);
        auto r = confirm(s.id, s.code);
        EXPECT_EQ(r.status, 200) << r.body;
        return s.id;
    }

    TempDir dir_;
    TestDatabase storage_{GetParam(), dir_};
    FakeProviderServer fake_;
    int port_ = 0;
    std::unique_ptr<ServiceProcess> service_;
    std::int64_t offsetMs_ = 0;
    std::set<std::string> codesSeen_;
};

TEST_P(TelephonyApi, HappyPathFromVerificationToForwardingAndBack) {
    auto r = initiate(kPhone);
    ASSERT_EQ(r.status, 201) << r.body;
    auto started = json(r.body);
    EXPECT_EQ(started->getValue<std::string>("status"), "pending");
    EXPECT_EQ(started->getValue<int>("attemptsRemaining"), 3);
    EXPECT_EQ(started->getValue<std::string>("callStatus"), "placed");
    const auto id = started->getValue<std::int64_t>("verificationId");

    // The call went to Twilio's Calls resource with basic auth, to the subscriber's phone.
    ASSERT_TRUE(fake_.waitForRequests(1, 5000));
    auto placed = fake_.requests().back();
    EXPECT_EQ(placed.method, "POST");
    EXPECT_EQ(placed.uri, std::string("/2010-04-01/Accounts/") + kAccountSid + "/Calls.json");
    EXPECT_THAT(placed.header("Authorization"), HasSubstr("Basic "));
    EXPECT_THAT(placed.body, HasSubstr("To=%2B15551234567"));
    const std::string code = spokenCode(placed);
    ASSERT_EQ(code.size(), 6u);

    auto ok = confirm(id, code);
    ASSERT_EQ(ok.status, 200) << ok.body;
    EXPECT_EQ(json(ok.body)->getValue<std::string>("status"), "verified");
    auto list = numbers();
    ASSERT_EQ(list->size(), 1u);
    EXPECT_EQ(list->getObject(0)->getValue<std::string>("phoneNumber"), kPhone);
    EXPECT_EQ(list->getObject(0)->getValue<std::string>("status"), "verified");
    EXPECT_FALSE(list->getObject(0)->getValue<bool>("hasForwardingConfig"));

    auto carriers = call("GET", "/api/telephony/carriers");
    ASSERT_EQ(carriers.status, 200) << carriers.body;
    EXPECT_EQ(json(carriers.body)->getArray("carriers")->size(), 6u);

    // Forwarding to the tenant's own Switchboard number (+15550100001 in the test config).
    auto created = call("POST", "/api/telephony/forwarding-config",
                        body({{"verifiedCallerId", id},
                              {"forwardingType", "safety_net"},
                              {"carrier", "tmobile"},
                              {"ringTimeSeconds", 25}}));
    ASSERT_EQ(created.status, 201) << created.body;
    auto config = json(created.body)->getObject("config");
    EXPECT_EQ(config->getValue<std::string>("generatedActivationCode"), "**61*+15550100001*11*25#");
    EXPECT_EQ(config->getValue<std::string>("generatedDeactivationCode"), "##61#");
    EXPECT_EQ(config->getValue<std::string>("status"), "pending_setup");
    EXPECT_EQ(config->getValue<std::string>("simPhoneNumber"), kPhone);
    EXPECT_EQ(config->getArray("instructions")->getElement<std::string>(1),
              "Dial **61*+15550100001*11*25# exactly as shown, then press Call.");
    const auto configId = config->getValue<std::int64_t>("id");

    auto read =
        call("GET", "/api/telephony/forwarding-config?verifiedCallerId=" + std::to_string(id));
    ASSERT_EQ(read.status, 200) << read.body;
    EXPECT_EQ(json(read.body)->getObject("config")->getValue<std::int64_t>("id"), configId);

    auto active = call("POST", "/api/telephony/forwarding-config/confirm",
                       body({{"forwardingConfigId", configId}}));
    ASSERT_EQ(active.status, 200) << active.body;
    EXPECT_EQ(json(active.body)->getObject("config")->getValue<std::string>("status"), "active");
    EXPECT_TRUE(json(active.body)->getObject("config")->getValue<bool>("userConfirmedSetup"));
    // A new configuration cannot replace an active one.
    auto replace = call(
        "POST", "/api/telephony/forwarding-config",
        body({{"verifiedCallerId", id}, {"forwardingType", "total_ai"}, {"carrier", "tmobile"}}));
    EXPECT_EQ(replace.status, 409) << replace.body;
    EXPECT_EQ(numbers()->getObject(0)->getValue<std::string>("forwardingStatus"), "active");

    auto disabled = call("DELETE", "/api/telephony/forwarding-config/" + std::to_string(configId));
    ASSERT_EQ(disabled.status, 200) << disabled.body;
    EXPECT_EQ(json(disabled.body)->getObject("config")->getValue<std::string>("status"),
              "disabled");
    EXPECT_THAT(json(disabled.body)->getValue<std::string>("message"), HasSubstr("##61#"));
    auto again = call("POST", "/api/telephony/forwarding-config/confirm",
                      body({{"forwardingConfigId", configId}}));
    EXPECT_EQ(again.status, 409) << again.body;

    auto removed = call("DELETE", "/api/telephony/verified-numbers/" + std::to_string(id));
    ASSERT_EQ(removed.status, 200) << removed.body;
    EXPECT_EQ(numbers()->size(), 0u);
    EXPECT_EQ(call("GET", "/api/telephony/forwarding-config?verifiedCallerId=" + std::to_string(id))
                  .status,
              404);

    const std::string dump = storage_.dump();
    for (const char* action :
         {"telephony.verification.initiated", "telephony.verification.verified",
          "telephony.forwarding.created", "telephony.forwarding.confirmed",
          "telephony.forwarding.disabled", "telephony.verification.deleted"})
        EXPECT_THAT(dump, HasSubstr(action));
    EXPECT_THAT(dump, HasSubstr("tenant:acme"));
}

TEST_P(TelephonyApi, WrongCodesCountDownThenLockTheNumberForAnHour) {
    Started s = startVerification(kPhone);
    const std::string wrong = otherCode(s.code);
    auto first = confirm(s.id, wrong);
    EXPECT_EQ(first.status, 400);
    EXPECT_EQ(errorOf(first)->getValue<std::string>("code"), "invalid_code");
    EXPECT_EQ(errorOf(first)->getValue<std::string>("message"),
              "Invalid verification code. 2 attempts remaining.");
    auto second = confirm(s.id, wrong);
    EXPECT_EQ(errorOf(second)->getValue<std::string>("message"),
              "Invalid verification code. 1 attempt remaining.");
    // A malformed code is not a guess and costs nothing.
    auto malformed = confirm(s.id, "12345");
    EXPECT_EQ(malformed.status, 400);
    EXPECT_EQ(errorOf(malformed)->getValue<std::string>("code"), "invalid_code_format");

    auto third = confirm(s.id, wrong);
    EXPECT_EQ(third.status, 423) << third.body;
    EXPECT_EQ(errorOf(third)->getValue<std::string>("code"), "verification_locked");
    EXPECT_EQ(third.header("Retry-After"), "3600");
    // The right code no longer helps, and the number cannot be verified again for an hour.
    auto right = confirm(s.id, s.code);
    EXPECT_EQ(right.status, 423) << right.body;
    auto retry = initiate(kPhone);
    EXPECT_EQ(retry.status, 423) << retry.body;
    EXPECT_EQ(numbers()->getObject(0)->getValue<std::string>("status"), "failed");

    advanceClock(30 * kMinute);
    auto stillLocked = initiate(kPhone);
    EXPECT_EQ(stillLocked.status, 423);
    // The rest of the hour, give or take the real time the requests took.
    EXPECT_NEAR(std::stoi(stillLocked.header("Retry-After")), 30 * 60, 5);

    advanceClock(30 * kMinute + 1000);
    Started next = startVerification(kPhone);
    EXPECT_EQ(confirm(s.id, s.code).status, 410);  // the failed one stays failed
    auto ok = confirm(next.id, next.code);
    EXPECT_EQ(ok.status, 200) << ok.body;
    EXPECT_THAT(storage_.dump(), HasSubstr("telephony.verification.locked"));
}

TEST_P(TelephonyApi, ACodeExpiresAfterTenMinutes) {
    Started early = startVerification(kPhone);
    advanceClock(10 * kMinute - 2000);
    auto inTime = confirm(early.id, early.code);
    EXPECT_EQ(inTime.status, 200) << inTime.body;

    Started late = startVerification("+15557654321");
    advanceClock(10 * kMinute);
    auto expired = confirm(late.id, late.code);
    EXPECT_EQ(expired.status, 410) << expired.body;
    EXPECT_EQ(errorOf(expired)->getValue<std::string>("code"), "verification_expired");
    EXPECT_EQ(errorOf(expired)->getValue<std::string>("message"),
              "Verification code expired. Please request a new one.");
    auto list = numbers();
    ASSERT_EQ(list->size(), 2u);
    EXPECT_EQ(list->getObject(0)->getValue<std::string>("status"), "expired");
}

TEST_P(TelephonyApi, AtMostThreeCallsPerPhonePerHourForAnyTenant) {
    Started first = startVerification(kPhone);
    advanceClock(10 * kMinute);
    startVerification(kPhone);
    Started third = startVerification(kPhone);
    const std::size_t calls = fake_.requestCount();

    auto fourth = initiate(kPhone);
    EXPECT_EQ(fourth.status, 429) << fourth.body;
    EXPECT_EQ(errorOf(fourth)->getValue<std::string>("code"), "rate_limited");
    // Until the first call is an hour old, give or take the real time the requests took.
    EXPECT_NEAR(std::stoi(fourth.header("Retry-After")), 50 * 60, 5);
    // The limit protects the phone, whoever asks; and a refused request places no call.
    EXPECT_EQ(initiate(kPhone, kOtherTenantKey).status, 429);
    EXPECT_EQ(fake_.requestCount(), calls);
    // Other numbers are not affected.
    EXPECT_EQ(initiate("+15557654321").status, 201);

    // Each new verification replaced the previous one's code.
    EXPECT_EQ(confirm(first.id, first.code).status, 410);

    advanceClock(50 * kMinute);  // the first call is an hour old now
    auto fifth = initiate(kPhone);
    EXPECT_EQ(fifth.status, 201) << fifth.body;
    EXPECT_EQ(initiate(kPhone).status, 429);
    (void)third;
}

TEST_P(TelephonyApi, AnotherTenantCannotSeeOrTouchAVerification) {
    const auto id = verify(kPhone);
    auto created =
        call("POST", "/api/telephony/forwarding-config",
             body({{"verifiedCallerId", id}, {"forwardingType", "total_ai"}, {"carrier", "att"}}));
    ASSERT_EQ(created.status, 201) << created.body;
    const auto configId = json(created.body)->getObject("config")->getValue<std::int64_t>("id");
    const std::string sid = std::to_string(id), scfg = std::to_string(configId);

    const char* other = kOtherTenantKey;
    EXPECT_EQ(numbers(other)->size(), 0u);
    EXPECT_EQ(confirm(id, "123456", other).status, 404);
    EXPECT_EQ(call("DELETE", "/api/telephony/verified-numbers/" + sid, "", other).status, 404);
    EXPECT_EQ(
        call("GET", "/api/telephony/forwarding-config?verifiedCallerId=" + sid, "", other).status,
        404);
    EXPECT_EQ(
        call("POST", "/api/telephony/forwarding-config",
             body({{"verifiedCallerId", id}, {"forwardingType", "total_ai"}, {"carrier", "att"}}),
             other)
            .status,
        404);
    EXPECT_EQ(call("POST", "/api/telephony/forwarding-config/confirm",
                   body({{"forwardingConfigId", configId}}), other)
                  .status,
              404);
    EXPECT_EQ(call("DELETE", "/api/telephony/forwarding-config/" + scfg, "", other).status, 404);
    // Nothing of the owner's changed.
    auto mine = numbers();
    ASSERT_EQ(mine->size(), 1u);
    EXPECT_EQ(mine->getObject(0)->getValue<std::string>("forwardingStatus"), "pending_setup");
    // Without a key nothing at all.
    EXPECT_EQ(httpCall(port_, "GET", "/api/telephony/verified-numbers").status, 401);
}

TEST_P(TelephonyApi, AVerifiedNumberCannotBeVerifiedTwice) {
    verify(kPhone);
    auto again = initiate(kPhone);
    EXPECT_EQ(again.status, 409) << again.body;
    EXPECT_EQ(errorOf(again)->getValue<std::string>("code"), "already_verified");
    // Another tenant may verify the same phone for itself.
    Started other = startVerification(kPhone, kOtherTenantKey);
    EXPECT_EQ(confirm(other.id, other.code, kOtherTenantKey).status, 200);
}

TEST_P(TelephonyApi, NoCodeReachesTheDatabaseOrTheLogs) {
    Started a = startVerification(kPhone);
    EXPECT_EQ(confirm(a.id, otherCode(a.code)).status, 400);
    // While pending, the row holds exactly the keyed hash of the code — not the code, not an
    // unkeyed hash of it.
    std::string salt, hash, status;
    {
        auto db = storage_.open(1);
        db->read([&](Poco::Data::Session& s) {
            using namespace Poco::Data::Keywords;
            Poco::Int64 id = a.id;
            s << "SELECT code_salt, code_hash, status FROM caller_id_verifications WHERE id = $1",
                bind(id), into(salt), into(hash), into(status), now;
        });
    }
    EXPECT_EQ(status, "pending");
    EXPECT_EQ(hash, sdk::hmacSha256Hex(kCodeHashKey, "v1:" + salt + ":" + a.code));
    EXPECT_NE(hash, sdk::hmacSha256Hex("", a.code));
    EXPECT_EQ(confirm(a.id, a.code).status, 200);
    Started b = startVerification("+15557654321");
    EXPECT_EQ(confirm(b.id, otherCode(b.code)).status, 400);
    Started c = startVerification("+15550001111");
    advanceClock(11 * kMinute);
    EXPECT_EQ(confirm(c.id, c.code).status, 410);

    ASSERT_EQ(codesSeen_.size(), 3u);
    const std::string dump = storage_.dump();
    const std::string log = service_->log();
    EXPECT_THAT(log, HasSubstr("verification="));  // the calls were logged…
    for (const auto& code : codesSeen_) {
        EXPECT_FALSE(containsCode(dump, code)) << "code " << code << " in the database";
        EXPECT_FALSE(containsCode(log, code)) << "code " << code << " in the log";
    }
    // …and no code survives in any spoken form either.
    EXPECT_FALSE(std::regex_search(dump, std::regex(R"(\d, \d, \d, \d, \d, \d)")));
    EXPECT_FALSE(std::regex_search(log, std::regex(R"(\d, \d, \d, \d, \d, \d)")));
    EXPECT_THAT(log, Not(HasSubstr(kCodeHashKey)));
    EXPECT_THAT(log, Not(HasSubstr(kTwilioToken)));
}

TEST_P(TelephonyApi, InvalidRequestsAreRefusedWithClearErrors) {
    for (const char* bad : {"15551234567", "+1 555-123-4567", "+0123456789", "+123456"}) {
        auto r = initiate(bad);
        EXPECT_EQ(r.status, 400) << bad;
        EXPECT_EQ(errorOf(r)->getValue<std::string>("code"), "invalid_phone_number") << bad;
        EXPECT_THAT(errorOf(r)->getValue<std::string>("message"), HasSubstr("E.164"));
    }
    EXPECT_EQ(fake_.requestCount(), 0u);

    Started pending = startVerification(kPhone);
    auto unverified = call("POST", "/api/telephony/forwarding-config",
                           body({{"verifiedCallerId", pending.id},
                                 {"forwardingType", "total_ai"},
                                 {"carrier", "tmobile"}}));
    EXPECT_EQ(unverified.status, 409) << unverified.body;
    EXPECT_EQ(errorOf(unverified)->getValue<std::string>("code"), "number_not_verified");
    ASSERT_EQ(confirm(pending.id, pending.code).status, 200);

    auto tooLong = call("POST", "/api/telephony/forwarding-config",
                        body({{"verifiedCallerId", pending.id},
                              {"forwardingType", "safety_net"},
                              {"carrier", "tmobile"},
                              {"ringTimeSeconds", 61}}));
    EXPECT_EQ(tooLong.status, 400) << tooLong.body;
    EXPECT_EQ(errorOf(tooLong)->getValue<std::string>("code"), "invalid_forwarding_request");
    EXPECT_THAT(errorOf(tooLong)->getValue<std::string>("message"),
                HasSubstr("accepts a ring time of 5 to 60 seconds"));
    auto verizon = call("POST", "/api/telephony/forwarding-config",
                        body({{"verifiedCallerId", pending.id},
                              {"forwardingType", "safety_net"},
                              {"carrier", "verizon"},
                              {"ringTimeSeconds", 20}}));
    EXPECT_EQ(verizon.status, 400);
    EXPECT_THAT(errorOf(verizon)->getValue<std::string>("message"), HasSubstr("no ring time"));
    auto notMine = call("POST", "/api/telephony/forwarding-config",
                        body({{"verifiedCallerId", pending.id},
                              {"forwardingType", "total_ai"},
                              {"carrier", "att"},
                              {"destinationNumber", "+15550200002"}}));
    EXPECT_EQ(notMine.status, 400);
    EXPECT_EQ(errorOf(notMine)->getValue<std::string>("code"), "invalid_destination");
    auto typo = call("POST", "/api/telephony/verify-caller-id/initiate", body({{"phone", kPhone}}));
    EXPECT_EQ(typo.status, 400);
    auto verizonOk = call("POST", "/api/telephony/forwarding-config",
                          body({{"verifiedCallerId", pending.id},
                                {"forwardingType", "safety_net"},
                                {"carrier", "verizon"}}));
    ASSERT_EQ(verizonOk.status, 201) << verizonOk.body;
    EXPECT_EQ(
        json(verizonOk.body)->getObject("config")->getValue<std::string>("generatedActivationCode"),
        "*71+15550100001");
    EXPECT_EQ(call("GET", "/api/telephony/verified-numbers?status=bogus").status, 400);
    EXPECT_EQ(call("DELETE", "/api/telephony/verified-numbers/abc").status, 404);
}

TEST_P(TelephonyApi, AProviderThatRefusesTheCallFailsTheVerification) {
    fake_.enqueue(respond(400, R"({"code":21211,"message":"Invalid 'To' Phone Number"})"));
    auto r = initiate(kPhone);
    EXPECT_EQ(r.status, 502) << r.body;
    EXPECT_EQ(errorOf(r)->getValue<std::string>("code"), "verification_call_failed");
    // Provider details stay internal.
    EXPECT_THAT(r.body, Not(HasSubstr("21211")));
    EXPECT_EQ(numbers()->getObject(0)->getValue<std::string>("status"), "expired");
    EXPECT_THAT(service_->log(), HasSubstr("CALL_FAILED"));
}

TEST_P(TelephonyApi, TheCleanupJobExpiresOverdueCodesAndDropsThemADayLater) {
    Started s = startVerification(kPhone);
    const auto verifiedId = verify("+15557654321");
    EXPECT_EQ(numbers()->size(), 2u);
    advanceClock(11 * kMinute);
    // The job's 5-second cycle notices the new time on its own; nobody confirms anything.
    bool expired = false;
    for (int i = 0; i < 200 && !expired; ++i) {
        auto list = numbers();
        for (std::size_t n = 0; n < list->size(); ++n)
            if (list->getObject(n)->getValue<std::int64_t>("id") == s.id)
                expired = list->getObject(n)->getValue<std::string>("status") == "expired";
        if (!expired) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    EXPECT_TRUE(expired);
    advanceClock(25 * kHour);
    bool dropped = false;
    for (int i = 0; i < 200 && !dropped; ++i) {
        dropped = numbers()->size() == 1;
        if (!dropped) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    EXPECT_TRUE(dropped);
    ASSERT_EQ(numbers()->size(), 1u);
    EXPECT_EQ(numbers()->getObject(0)->getValue<std::int64_t>("id"), verifiedId);
    EXPECT_THAT(service_->log(), HasSubstr("telephony cleanup"));
}

TEST_P(TelephonyApi, DryRunRecordsTheCallWithTheCodeMasked) {
    start("dry-run");
    auto r = initiate(kPhone);
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(json(r.body)->getValue<std::string>("callStatus"), "dry_run");
    EXPECT_EQ(fake_.requestCount(), 0u);  // nothing left the machine
    const std::string dump = storage_.dump();
    EXPECT_THAT(dump, HasSubstr("== caller_id_dry_run_calls"));
    EXPECT_THAT(dump, HasSubstr("/Calls.json"));
    EXPECT_THAT(dump, HasSubstr("Your%20code%20is%3A%20****"));
    EXPECT_THAT(dump, HasSubstr("Basic ****"));
    EXPECT_THAT(dump, Not(HasSubstr(kTwilioToken)));
    EXPECT_FALSE(std::regex_search(dump, std::regex(R"(\d%2C%20\d%2C%20\d)")));
}

TEST_P(TelephonyApi, WithoutATelephonySectionTheApiSaysItIsNotConfigured) {
    start("http", false);
    auto r = initiate(kPhone);
    EXPECT_EQ(r.status, 503) << r.body;
    EXPECT_EQ(errorOf(r)->getValue<std::string>("code"), "telephony_not_configured");
    EXPECT_EQ(httpCall(port_, "GET", "/api/telephony/carriers").status, 401);
}

INSTANTIATE_TEST_SUITE_P(Backends, TelephonyApi, ::testing::ValuesIn(storageBackends()),
                         backendName);

}  // namespace
}  // namespace switchboard::testing
