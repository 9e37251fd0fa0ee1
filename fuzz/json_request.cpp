// libFuzzer target: the JSON request path of the tenant and admin APIs without a server or a
// database. One input is one POST: http::Exchange reads the body (size limit, Content-Type),
// parses it (jsonBody), the route's JsonFields readers take it apart as MessagingRoutes /
// AdminRoutes do, the send/reply/bulk validation that runs before anything is stored
// (util::isE164, messaging::countSegments) checks it, and a refusal is written as the API's
// error document.
//
// Input layout (FuzzedDataProvider; fuzz/make-seeds writes seeds in it): from the END, one
// byte each — route (modulo 5: send, reply, bulk, modem-routes, tenant patch), content type
// (modulo 4:
// application/json, application/json; charset=utf-8, text/plain, none), flags (bit 0: declare
// Content-Length, bit 1: a 256-byte body limit instead of 1 MiB); the body is everything else.
//
// Findings beyond sanitizer reports: an exception other than http::ApiError; an ApiError
// that is not a 4xx client error; an error document the client cannot read back (not JSON, or
// its code and message differ from what was thrown); accepted text whose UTF-8 verdict
// differs between the segmenter and Poco's decoder; a segment count that breaks 3GPP TS
// 23.040's arithmetic; accepted text that does not read back unchanged from the API's JSON.
#include "http/ApiError.h"
#include "http/Exchange.h"
#include "http/JsonFields.h"
#include "http/JsonViews.h"
#include "messaging/SmsSegmenter.h"
#include "store/Records.h"
#include "support/FakeHttpExchange.h"
#include "support/Findings.h"
#include "util/E164.h"
#include "util/JsonText.h"

#include <fuzzer/FuzzedDataProvider.h>

#include <cstdint>
#include <exception>
#include <string>
#include <typeinfo>

namespace {

using switchboard::fuzz::finding;
using switchboard::fuzz::isValidUtf8;
using switchboard::fuzz::require;
using switchboard::http::ApiError;
using switchboard::http::JsonFields;

// SendService::measureText's check, with the segment arithmetic verified independently.
void checkText(const std::string& text) {
    const auto count = switchboard::messaging::countSegments(text);
    require(count.has_value() == isValidUtf8(text),
            std::string("countSegments and Poco disagree on whether the text is UTF-8: ") +
                (count ? "segmenter accepts" : "segmenter refuses"));
    if (!count) return;
    require(count->encoding == "GSM-7" || count->encoding == "UCS-2",
            "unknown encoding " + count->encoding);
    require((count->units == 0) == (count->segments == 0) && (text.empty() == (count->units == 0)),
            "empty text and zero units/segments do not coincide");
    if (count->units == 0) return;
    const std::size_t single = count->encoding == "GSM-7" ? 160 : 70;
    const std::size_t part = count->encoding == "GSM-7" ? 153 : 67;
    if (count->units <= single) {
        require(count->segments == 1, "a body that fits one SMS is counted as several");
    } else {
        // At least ceil(units / part); a two-unit character never split adds at most one
        // unit of padding per part.
        require(count->segments >= (count->units + part - 1) / part,
                "fewer segments than the units need");
        require(count->segments <= (count->units + part - 2) / (part - 1),
                "more segments than split two-unit characters can explain");
    }
}

// What a tenant sent must read back unchanged from the message JSON the API returns.
void checkEcho(const std::string& to, const std::string& text) {
    switchboard::store::Message m;
    m.direction = "outbound";
    m.toNumber = to;
    m.body = text;
    const std::string json = switchboard::util::toJson(switchboard::http::messageJson(m));
    Poco::JSON::Object::Ptr back;
    try {
        back = switchboard::util::parseObject(json);
    } catch (const std::exception& e) {
        finding(std::string("the message JSON does not parse back: ") + e.what());
    }
    require(back->getValue<std::string>("message") == text, "message text changed on the way out");
    require(back->getValue<std::string>("to") == to, "recipient changed on the way out");
}

void readSend(JsonFields& fields) {
    const std::string to = fields.string("to");
    const std::string text = fields.string("message");
    const auto from = fields.optString("from");
    fields.finish();
    if (!switchboard::util::isE164(to) || (from && !switchboard::util::isE164(*from))) return;
    checkText(text);
    if (switchboard::messaging::countSegments(text)) checkEcho(to, text);
}

void readReply(JsonFields& fields) {
    const auto inboundId = fields.optId("inboundMessageId");
    const auto conversationKey = fields.optString("conversationKey");
    const std::string text = fields.string("message");
    fields.finish();
    if (inboundId.has_value() == conversationKey.has_value()) return;
    checkText(text);
}

void readBulk(JsonFields& fields) {
    const auto recipients = fields.stringList("recipients");
    const std::string text = fields.string("message");
    const auto from = fields.optString("from");
    fields.finish();
    for (const auto& to : recipients) (void)switchboard::util::isE164(to);
    checkText(text);
}

void readModemRoute(JsonFields& fields) {
    for (const char* key : {"provider", "modem", "port", "tenantId"}) (void)fields.string(key);
    fields.finish();
}

// The optional typed readers of the tenant admin endpoints (PATCH a tenant, rotate a key).
void readTenantPatch(JsonFields& fields) {
    for (const char* key : {"name", "businessName", "defaultProvider"}) (void)fields.optString(key);
    (void)fields.optBool("disabled");
    if (auto grace = fields.optInt("graceSeconds", 0, 604800))
        require(*grace >= 0 && *grace <= 604800, "optInt returned a value outside its range");
    fields.finish();
}

// The error document as Exchange::sendError writes it must give the client back the code and
// message that were thrown.
void checkErrorDocument(switchboard::http::Exchange& ex,
                        const switchboard::fuzz::FakeServerResponse& response,
                        const ApiError& error) {
    require(error.status() == 400 || error.status() == 413 || error.status() == 415,
            "unexpected status " + std::to_string(error.status()) + " (" + error.code() + ")");
    require(!error.code().empty(), "an ApiError without a code");
    ex.sendError(error.status(), error.code(), error.what());
    Poco::JSON::Object::Ptr document;
    try {
        document = switchboard::util::parseObject(response.body());
    } catch (const std::exception& e) {
        finding("the error response is not JSON (" + std::string(e.what()) +
                "): " + response.body());
    }
    Poco::JSON::Object::Ptr inner = document->getObject("error");
    require(!inner.isNull(), "the error response has no 'error' object");
    require(inner->optValue<std::string>("code", "") == error.code(),
            "the error code does not read back");
    require(inner->optValue<std::string>("message", "") == error.what(),
            "the error message does not read back: " + std::string(error.what()));
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) { return 0; }

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider in(data, size);
    static const char* const kPaths[] = {"/api/sms/send", "/api/sms/reply", "/api/sms/bulk",
                                         "/api/admin/modem-routes", "/api/admin/tenants/acme"};
    static const char* const kMethods[] = {"POST", "POST", "POST", "PUT", "PATCH"};
    static const char* const kTypes[] = {"application/json", "application/json; charset=utf-8",
                                         "text/plain", ""};
    const unsigned route = in.ConsumeIntegral<std::uint8_t>() % 5;
    const unsigned type = in.ConsumeIntegral<std::uint8_t>() % 4;
    const std::uint8_t flags = in.ConsumeIntegral<std::uint8_t>();
    const std::string body = in.ConsumeRemainingBytesAsString();
    const std::size_t limit = (flags & 2) != 0 ? 256 : 1 << 20;

    switchboard::fuzz::FakeServerResponse response;
    switchboard::fuzz::FakeServerRequest request(response, kMethods[route], kPaths[route],
                                                 kTypes[type], body, (flags & 1) != 0);
    switchboard::http::Exchange ex(request, response, limit);
    try {
        JsonFields fields(ex.jsonBody());
        require(body.size() <= limit, "a body above the limit was accepted");
        switch (route) {
            case 0:
                readSend(fields);
                break;
            case 1:
                readReply(fields);
                break;
            case 2:
                readBulk(fields);
                break;
            case 3:
                readModemRoute(fields);
                break;
            default:
                readTenantPatch(fields);
                break;
        }
    } catch (const ApiError& e) {
        checkErrorDocument(ex, response, e);
    } catch (const std::exception& e) {
        finding(std::string("unexpected ") + typeid(e).name() + ": " + e.what());
    }
    return 0;
}
