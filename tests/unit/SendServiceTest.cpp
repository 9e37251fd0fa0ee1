#include "config/ConfigLoader.h"
#include "http/ServiceErrorStatus.h"
#include "messaging/SendService.h"
#include "plugin/PluginRegistry.h"
#include "plugin/ProviderSet.h"
#include "store/ContactRepository.h"
#include "store/Database.h"
#include "store/MessageRepository.h"
#include "store/TenantRepository.h"
#include "support/FixedClock.h"
#include "support/TempDir.h"
#include "util/Clock.h"
#include "util/JsonText.h"

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Session.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>

using namespace Poco::Data::Keywords;

namespace switchboard::messaging {
namespace {

using http::ApiError;
using store::Message;

using testing::FixedClock;

const char* const kYaml = R"(
admin:
  api_key: test-admin-key-0123456789
providers:
  - id: extreme-main
    plugin: extreme
    transport: dry-run
    config:
      api_key: test-extreme-api-key-98765
tenants:
  - id: acme
    name: Acme
    business_name: Acme Clinic
    default_provider: extreme-main
    numbers: ["+15550100001"]
  - id: globex
    default_provider: extreme-main
    numbers: ["+15550200002"]
)";

struct AuditRow {
    std::string tenantId, actor, action, target, detail;
    std::int64_t at = 0;
};

class SendServiceTest : public ::testing::Test {
  protected:
    void SetUp() override {
        registry_.loadDirectory(SWITCHBOARD_PLUGIN_DIR);
        config_ = config::loadConfigText(kYaml, dir_.path());
        providers_ = std::make_unique<plugin::ProviderSet>(config_, registry_);
        db_ = store::Database::openSqlite(dir_.file("send.db"), 4);
        db_->migrate();
        store::TenantRepository tenants(*db_);
        for (const auto& t : config_.tenants)
            tenants.bootstrap({t.id, t.name, t.businessName, t.defaultProvider, false}, t.numbers,
                              {}, 1);
        acme_ = *tenants.get("acme");
        globex_ = *tenants.get("globex");
        service_ = std::make_unique<SendService>(*db_, *providers_, clock_, [this] { ++queued_; });
    }

    /// The refusal `f` throws, as the client would see it (status mapped by the HTTP layer),
    /// or a failure.
    template <class F>
    ApiError errorOf(F&& f) {
        try {
            f();
        } catch (const domain::ServiceError& e) {
            return http::toApiError(e);
        }
        ADD_FAILURE() << "expected a ServiceError";
        return ApiError(0, "none", "none");
    }

    void expectError(const ApiError& e, int status, const std::string& code) {
        EXPECT_EQ(e.status(), status) << e.what();
        EXPECT_EQ(e.code(), code) << e.what();
    }

    std::int64_t insertInbound(const std::string& tenant, const std::string& from,
                               const std::string& context,
                               const std::string& provider = "extreme-main") {
        Message m;
        m.tenantId = tenant;
        m.direction = "inbound";
        m.fromNumber = from;
        m.toNumber = tenant == "acme" ? "+15550100001" : "+15550200002";
        m.body = "inbound text";
        m.status = store::status::kReceived;
        m.providerInstance = provider;
        m.replyContextJson = context;
        m.createdAt = m.updatedAt = clock_.value - 1000;
        std::int64_t id = 0;
        db_->write([&](Poco::Data::Session& s) { id = store::MessageRepository::insert(s, m); });
        return id;
    }

    std::int64_t messageCount() {
        Poco::Int64 n = 0;
        db_->read(
            [&](Poco::Data::Session& s) { s << "SELECT COUNT(*) FROM messages", into(n), now; });
        return n;
    }

    std::vector<AuditRow> auditRows() {
        std::vector<AuditRow> rows;
        db_->read([&](Poco::Data::Session& s) {
            Poco::Data::Statement st(s);
            st << "SELECT COALESCE(tenant_id, ''), actor, action, target, detail, at FROM "
                  "audit_log ORDER BY id",
                now;
            Poco::Data::RecordSet rs(st);
            for (bool more = rs.moveFirst(); more; more = rs.moveNext()) {
                rows.push_back(
                    {rs.value(0).convert<std::string>(), rs.value(1).convert<std::string>(),
                     rs.value(2).convert<std::string>(), rs.value(3).convert<std::string>(),
                     rs.value(4).convert<std::string>(), rs.value(5).convert<Poco::Int64>()});
            }
        });
        return rows;
    }

    testing::TempDir dir_;
    plugin::PluginRegistry registry_;
    config::AppConfig config_;
    std::unique_ptr<plugin::ProviderSet> providers_;
    std::unique_ptr<store::Database> db_;
    FixedClock clock_;
    int queued_ = 0;
    store::Tenant acme_, globex_;
    std::unique_ptr<SendService> service_;
};

TEST_F(SendServiceTest, InvalidRecipientOrSenderIsInvalidPhone) {
    for (const char* to :
         {"", "15550100001", "+0555010000", "+1555", "+1555010000x", "+1234567890123456"}) {
        expectError(errorOf([&] {
                        service_->send(acme_, {to, "hello", std::nullopt});
                    }),
                    400, "invalid_phone");
    }
    expectError(errorOf([&] {
                    service_->send(acme_, {"+15557654321", "hello", std::string("0555")});
                }),
                400, "invalid_phone");
    expectError(errorOf([&] {
                    service_->send(acme_, {"+15557654321", "hello", std::string("")});
                }),
                400, "invalid_phone");
    EXPECT_EQ(messageCount(), 0);
    EXPECT_EQ(queued_, 0);
}

TEST_F(SendServiceTest, EmptyOrInvalidUtf8TextIsInvalidMessage) {
    expectError(errorOf([&] {
                    service_->send(acme_, {"+15557654321", "", std::nullopt});
                }),
                400, "invalid_message");
    // Stray bytes, truncated sequences, an overlong '/', a UTF-16 surrogate, beyond U+10FFFF.
    for (const char* bad : {"\xff", "abc\xfe", "\xC3", "caf\xC3(", "\xE2\x82", "\x80", "\xC0\xAF",
                            "\xED\xA0\x80", "\xF4\x90\x80\x80"}) {
        expectError(errorOf([&] {
                        service_->send(acme_, {"+15557654321", bad, std::nullopt});
                    }),
                    400, "invalid_message");
    }
    EXPECT_EQ(messageCount(), 0);
    EXPECT_EQ(queued_, 0);
}

TEST_F(SendServiceTest, LengthIsLimitedInSmsSegmentsNotBytes) {
    // Default limit: 10 segments = 1530 GSM-7 septets or 670 UCS-2 units.
    auto repeat = [](const std::string& piece, int n) {
        std::string s;
        for (int i = 0; i < n; ++i) s += piece;
        return s;
    };
    const std::string gsm1530(1530, 'a'), gsm1531(1531, 'a');
    const std::string ucs670 = repeat("\xD0\xB6", 670);  // ж: UCS-2, 1340 bytes
    const std::string ucs671 = ucs670 + "\xD0\xB6";
    const std::string emoji330 = repeat("\xF0\x9F\x98\x80", 330);  // 😀: 2 units each, 1320 bytes
    const std::string accented = repeat("\xC3\xA9", 1530);  // é is GSM-7: 1530 septets, 3060 bytes
    // 67-unit parts hold 33 emoji each (a surrogate pair is never split), so 331 need 11.
    const std::string emoji331 = emoji330 + "\xF0\x9F\x98\x80";
    for (const std::string* tooLong : {&gsm1531, &ucs671, &emoji331}) {
        expectError(errorOf([&] {
                        service_->send(acme_, {"+15557654321", *tooLong, std::nullopt});
                    }),
                    400, "message_too_long");
    }
    EXPECT_EQ(messageCount(), 0);

    auto gsm = service_->send(acme_, {"+15557654321", gsm1530, std::nullopt});
    EXPECT_EQ(gsm.encoding, "GSM-7");
    EXPECT_EQ(gsm.segments, 10);
    auto ucs = service_->send(acme_, {"+15557654321", ucs670, std::nullopt});
    EXPECT_EQ(ucs.encoding, "UCS-2");
    EXPECT_EQ(ucs.segments, 10);
    EXPECT_EQ(service_->send(acme_, {"+15557654321", emoji330, std::nullopt}).body, emoji330);
    EXPECT_EQ(service_->send(acme_, {"+15557654321", accented, std::nullopt}).segments, 10);
    EXPECT_EQ(messageCount(), 4);
}

TEST_F(SendServiceTest, SendStoresQueuedInitialWithContactAndAudit) {
    Message m =
        service_->send(acme_, {"+15557654321", "Your appointment is tomorrow", std::nullopt});
    EXPECT_GT(m.id, 0);
    EXPECT_EQ(queued_, 1);

    auto stored = store::MessageRepository(*db_).get("acme", m.id);
    ASSERT_TRUE(stored);
    EXPECT_EQ(stored->status, "QUEUED");
    EXPECT_EQ(stored->direction, "outbound");
    EXPECT_EQ(stored->kind, "initial");
    EXPECT_EQ(stored->toNumber, "+15557654321");
    EXPECT_EQ(stored->fromNumber, "");
    EXPECT_EQ(stored->body, "Your appointment is tomorrow");
    EXPECT_EQ(stored->providerInstance, "extreme-main");
    EXPECT_EQ(stored->attempts, 0);
    EXPECT_EQ(stored->nextAttemptAt, clock_.value);  // due at once
    EXPECT_EQ(stored->createdAt, clock_.value);
    EXPECT_EQ(stored->replyContextJson, "{}");
    EXPECT_FALSE(stored->replyToMessageId);
    EXPECT_EQ(stored->warning, "");
    EXPECT_EQ(m.status, "QUEUED");
    EXPECT_EQ(m.kind, "initial");

    // The contact was captured with the tenant's business name.
    auto contact = store::ContactRepository(*db_).findByPhone("acme", "+15557654321");
    ASSERT_TRUE(contact);
    EXPECT_EQ(contact->businessName, "Acme Clinic");
    EXPECT_EQ(stored->contactId, contact->id);
    EXPECT_FALSE(store::ContactRepository(*db_).findByPhone("globex", "+15557654321"));

    auto audit = auditRows();
    ASSERT_EQ(audit.size(), 1u);
    EXPECT_EQ(audit[0].tenantId, "acme");
    EXPECT_EQ(audit[0].actor, "tenant:acme");
    EXPECT_EQ(audit[0].action, "sms.send");
    EXPECT_EQ(audit[0].target, "message:" + std::to_string(m.id));
    EXPECT_EQ(audit[0].at, clock_.value);
    auto detail = util::parseObject(audit[0].detail);
    EXPECT_EQ(detail->getValue<std::string>("kind"), "initial");
    EXPECT_EQ(detail->getValue<std::string>("to"), "+15557654321");
    // The message text is not copied into the audit trail.
    EXPECT_EQ(audit[0].detail.find("appointment"), std::string::npos);
}

TEST_F(SendServiceTest, InsideACallersTransactionTheSendCommitsOrRollsBackWithIt) {
    // What Idempotency-Key relies on: the queued message, its contact and audit entry are
    // part of the enclosing transaction, and the dispatcher is woken only after it commits.
    EXPECT_THROW(db_->write([&](Poco::Data::Session&) {
        service_->send(acme_, {"+15557654321", "hello", std::nullopt});
        EXPECT_EQ(queued_, 0) << "woken before the message was committed";
        throw std::runtime_error("the caller's own step failed");
    }),
                 std::runtime_error);
    EXPECT_EQ(messageCount(), 0);
    EXPECT_TRUE(auditRows().empty());
    EXPECT_EQ(queued_, 0);

    db_->write([&](Poco::Data::Session&) {
        service_->send(acme_, {"+15557654321", "hello", std::nullopt});
        EXPECT_EQ(queued_, 0);
    });
    EXPECT_EQ(messageCount(), 1);
    EXPECT_EQ(queued_, 1);
}

TEST_F(SendServiceTest, SecondSendReusesTheContact) {
    Message first = service_->send(acme_, {"+15557654321", "one", std::nullopt});
    Message second = service_->send(acme_, {"+15557654321", "two", std::string("+15550100001")});
    Message other = service_->send(globex_, {"+15557654321", "three", std::nullopt});
    ASSERT_TRUE(first.contactId);
    EXPECT_EQ(first.contactId, second.contactId);
    EXPECT_NE(first.contactId, other.contactId);
    EXPECT_EQ(store::MessageRepository(*db_).get("acme", second.id)->fromNumber, "+15550100001");
    EXPECT_EQ(store::MessageRepository(*db_).get("globex", other.id)->tenantId, "globex");
    EXPECT_EQ(queued_, 3);
}

TEST_F(SendServiceTest, UnconfiguredDefaultProviderIsSendingUnavailable) {
    store::Tenant orphan = acme_;
    orphan.defaultProvider = "gone";
    expectError(errorOf([&] {
                    service_->send(orphan, {"+15557654321", "hello", std::nullopt});
                }),
                503, "sending_unavailable");
    EXPECT_EQ(messageCount(), 0);
    EXPECT_EQ(queued_, 0);
}

TEST_F(SendServiceTest, ReplyToAnotherTenantsInboundIsNotFound) {
    const std::int64_t theirs =
        insertInbound("globex", "+15557654321", R"({"usedmodem":"1","port":"2"})");
    ReplyRequest request;
    request.inboundMessageId = theirs;
    request.text = "hello";
    expectError(errorOf([&] { service_->reply(acme_, request); }), 404, "inbound_not_found");
    request.inboundMessageId = theirs + 100;  // does not exist at all
    expectError(errorOf([&] { service_->reply(acme_, request); }), 404, "inbound_not_found");
    // An outbound message is not something to reply to.
    Message sent = service_->send(acme_, {"+15557654321", "hello", std::nullopt});
    request.inboundMessageId = sent.id;
    expectError(errorOf([&] { service_->reply(acme_, request); }), 404, "inbound_not_found");
    EXPECT_EQ(messageCount(), 2);
    // The owner can reply.
    request.inboundMessageId = theirs;
    EXPECT_EQ(service_->reply(globex_, request).replyToMessageId, theirs);
}

TEST_F(SendServiceTest, ReplyCopiesTheInboundContext) {
    const std::string context = R"({"usedmodem":"3","port":"7"})";
    const std::int64_t inbound = insertInbound("acme", "+15557654321", context);
    ReplyRequest request;
    request.inboundMessageId = inbound;
    request.text = "See you then";
    Message m = service_->reply(acme_, request);
    EXPECT_EQ(queued_, 1);

    auto stored = store::MessageRepository(*db_).get("acme", m.id);
    ASSERT_TRUE(stored);
    EXPECT_EQ(stored->direction, "outbound");
    EXPECT_EQ(stored->kind, "reply");
    EXPECT_EQ(stored->status, "QUEUED");
    EXPECT_EQ(stored->replyToMessageId, inbound);
    EXPECT_EQ(stored->replyContextJson, context);
    EXPECT_EQ(stored->toNumber, "+15557654321");
    EXPECT_EQ(stored->fromNumber, "+15550100001");  // the number the inbound was sent to
    EXPECT_EQ(stored->providerInstance, "extreme-main");
    EXPECT_EQ(stored->warning, "");
    EXPECT_EQ(stored->body, "See you then");

    auto audit = auditRows();
    ASSERT_EQ(audit.size(), 1u);
    EXPECT_EQ(audit[0].action, "sms.reply");
    EXPECT_EQ(util::parseObject(audit[0].detail)->getValue<std::int64_t>("replyTo"), inbound);
}

TEST_F(SendServiceTest, ReplyToInboundWithoutContextCarriesAWarning) {
    const std::int64_t inbound = insertInbound("acme", "+15557654321", "{}");
    ReplyRequest request;
    request.inboundMessageId = inbound;
    request.text = "hello";
    Message m = service_->reply(acme_, request);
    auto stored = store::MessageRepository(*db_).get("acme", m.id);
    ASSERT_TRUE(stored);
    EXPECT_EQ(stored->kind, "reply");
    EXPECT_EQ(stored->replyToMessageId, inbound);
    EXPECT_EQ(stored->replyContextJson, "{}");
    EXPECT_FALSE(stored->warning.empty());
    EXPECT_EQ(m.warning, stored->warning);
    auto detail = util::parseObject(auditRows().at(0).detail);
    EXPECT_EQ(detail->getValue<std::string>("warning"), stored->warning);
}

TEST_F(SendServiceTest, ReplyWhenTheInboundProviderIsGoneUsesTheDefaultWithAWarning) {
    const std::int64_t inbound =
        insertInbound("acme", "+15557654321", R"({"port":"7"})", "removed-instance");
    ReplyRequest request;
    request.inboundMessageId = inbound;
    request.text = "hello";
    Message m = service_->reply(acme_, request);
    EXPECT_EQ(m.providerInstance, "extreme-main");
    EXPECT_EQ(m.replyContextJson, "{}");  // another provider's context means nothing here
    EXPECT_FALSE(m.warning.empty());
    EXPECT_EQ(m.replyToMessageId, inbound);
}

TEST_F(SendServiceTest, ConversationKeyWithoutInboundIsAPlainSendWithWarning) {
    ReplyRequest request;
    request.conversationKey = "+15557654321";
    request.text = "hello";
    Message m = service_->reply(acme_, request);
    auto stored = store::MessageRepository(*db_).get("acme", m.id);
    ASSERT_TRUE(stored);
    EXPECT_EQ(stored->status, "QUEUED");
    EXPECT_EQ(stored->toNumber, "+15557654321");
    EXPECT_EQ(stored->providerInstance, "extreme-main");
    EXPECT_FALSE(stored->replyToMessageId);
    EXPECT_EQ(stored->replyContextJson, "{}");
    EXPECT_FALSE(stored->warning.empty());
    EXPECT_EQ(queued_, 1);
    EXPECT_TRUE(store::ContactRepository(*db_).findByPhone("acme", "+15557654321"));
}

TEST_F(SendServiceTest, ConversationKeyUsesTheLatestInboundOfThatTenant) {
    insertInbound("acme", "+15557654321", R"({"usedmodem":"1","port":"1"})");
    const std::int64_t latest =
        insertInbound("acme", "+15557654321", R"({"usedmodem":"2","port":"2"})");
    insertInbound("globex", "+15557654321", R"({"usedmodem":"9","port":"9"})");
    ReplyRequest request;
    request.conversationKey = "+15557654321";
    request.text = "hello";
    Message m = service_->reply(acme_, request);
    EXPECT_EQ(m.replyToMessageId, latest);
    EXPECT_EQ(m.replyContextJson, R"({"usedmodem":"2","port":"2"})");
    EXPECT_EQ(m.warning, "");
}

TEST_F(SendServiceTest, ReplyNeedsExactlyOneOfIdAndKey) {
    const std::int64_t inbound = insertInbound("acme", "+15557654321", "{}");
    ReplyRequest both;
    both.inboundMessageId = inbound;
    both.conversationKey = "+15557654321";
    both.text = "hello";
    ApiError e = errorOf([&] { service_->reply(acme_, both); });
    EXPECT_EQ(e.status(), 400);
    EXPECT_EQ(e.code(), "invalid_request");

    ReplyRequest neither;
    neither.text = "hello";
    e = errorOf([&] { service_->reply(acme_, neither); });
    EXPECT_EQ(e.status(), 400);
    EXPECT_EQ(e.code(), "invalid_request");

    ReplyRequest badKey;
    badKey.conversationKey = "5557654321";
    badKey.text = "hello";
    expectError(errorOf([&] { service_->reply(acme_, badKey); }), 400, "invalid_phone");

    ReplyRequest emptyText;
    emptyText.inboundMessageId = inbound;
    expectError(errorOf([&] { service_->reply(acme_, emptyText); }), 400, "invalid_message");

    EXPECT_EQ(messageCount(), 1);  // only the inbound
    EXPECT_EQ(queued_, 0);
}

}  // namespace
}  // namespace switchboard::messaging
