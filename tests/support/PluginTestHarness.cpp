#include "support/PluginTestHarness.h"

#include <Poco/JSON/Parser.h>

#include <cctype>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace switchboard::testing {

using Poco::JSON::Object;

std::string readFixture(const std::string& dir, const std::string& name) {
    std::ifstream in(dir + "/" + name, std::ios::binary);
    if (!in) throw std::runtime_error("missing fixture " + name);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string readFixtureValue(const std::string& dir, const std::string& name) {
    std::string text = readFixture(dir, name);
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
    return text;
}

Object::Ptr parseJson(const std::string& text) {
    Poco::JSON::Parser parser;
    return parser.parse(text).extract<Object::Ptr>();
}

std::set<std::string> keysOf(const Object& object) {
    std::set<std::string> keys;
    for (const auto& [key, value] : object) keys.insert(key);
    return keys;
}

std::map<std::string, std::string> statusTableOf(const plugin::PluginLibrary& library) {
    auto table = parseJson(library.descriptor().default_status_table_json);
    std::map<std::string, std::string> result;
    for (const auto& [raw, canonical] : *table) result[raw] = canonical.convert<std::string>();
    return result;
}

plugin::WebhookRequest jsonWebhook(const std::string& path, const std::string& body,
                                   Headers headers, const std::string& remoteAddr) {
    plugin::WebhookRequest request;
    request.method = "POST";
    request.path = path;
    request.headers = std::move(headers);
    request.headers.emplace_back("content-type", "application/json");
    request.body = body;
    request.remoteAddr = remoteAddr;
    request.publicUrl = "https://sb.example.com" + path;
    return request;
}

std::string outboundMessage(const std::string& kind, const std::string& to, const std::string& text,
                            const std::optional<std::string>& from, const Object::Ptr& replyContext,
                            const std::optional<std::string>& statusCallbackUrl) {
    Object message;
    message.set("message_id", "42");
    message.set("to", to);
    message.set("from", from ? Poco::Dynamic::Var(*from) : Poco::Dynamic::Var());
    message.set("text", text);
    message.set("kind", kind);
    message.set("reply_context",
                replyContext.isNull() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(replyContext));
    message.set("status_callback_url",
                statusCallbackUrl ? Poco::Dynamic::Var(*statusCallbackUrl) : Poco::Dynamic::Var());
    std::ostringstream out;
    message.stringify(out);
    return out.str();
}

Object::Ptr parseEvent(const plugin::ProviderInstance& instance,
                       const plugin::WebhookRequest& request, const std::string& type,
                       const std::string& context) {
    plugin::HookResult result = instance.parse(request);
    EXPECT_EQ(result.status, SB_OK) << context << result.output;
    if (!result.ok()) return new Object;
    auto events = parseJson(result.output)->getArray("events");
    EXPECT_EQ(events->size(), 1u);
    auto event = events->getObject(0);
    EXPECT_EQ(event->getValue<std::string>("type"), type);
    return event;
}

Object::Ptr sendRequest(const plugin::ProviderInstance& instance, const std::string& message) {
    plugin::HookResult result = instance.buildSend(message);
    EXPECT_EQ(result.status, SB_OK) << result.output;
    return result.ok() ? parseJson(result.output) : Object::Ptr(new Object);
}

Object::Ptr sendResult(const plugin::ProviderInstance& instance, int status,
                       const std::string& body, const Headers& headers) {
    plugin::HookResult result = instance.parseSendResponse(status, headers, body);
    EXPECT_EQ(result.status, SB_OK) << result.output;
    return result.ok() ? parseJson(result.output) : Object::Ptr(new Object);
}

void expectRejected(const plugin::HookResult& result, const std::string& reason,
                    const std::string& context) {
    EXPECT_EQ(result.status, SB_REJECTED) << context << ": " << result.output;
    EXPECT_EQ(result.output, reason) << context;
}

void expectNoFailuresAcrossThreads(int threads, int iterations,
                                   const std::function<int()>& iteration) {
    std::vector<std::thread> workers;
    std::vector<int> failures(static_cast<std::size_t>(threads), 0);
    for (int t = 0; t < threads; ++t) {
        workers.emplace_back([&, t] {
            for (int i = 0; i < iterations; ++i)
                failures[static_cast<std::size_t>(t)] += iteration();
        });
    }
    for (auto& worker : workers) worker.join();
    for (int t = 0; t < threads; ++t)
        EXPECT_EQ(failures[static_cast<std::size_t>(t)], 0) << "thread " << t;
}

}  // namespace switchboard::testing
