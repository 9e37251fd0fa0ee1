// libFuzzer target: the plugin SDK's helpers for provider text (switchboard/sdk/JsonAccess.h,
// ProviderText.h, SendResponses.h, Types.h), which every plugin runs on bytes a provider or
// an attacker chose. Each documents "never throws" or exactly what it throws; this holds them
// to it and checks the properties their callers rely on.
//
// Input layout (FuzzedDataProvider; fuzz/make-seeds writes seeds in it): from the END a uint16
// HTTP status (100 + value % 900); from the START, as ConsumeRandomLengthString reads them,
// a Content-Type header value, a Retry-After header value and a raw query string; the body is
// the rest.
#include "support/Findings.h"
#include "switchboard/sdk/JsonAccess.h"
#include "switchboard/sdk/ProviderText.h"
#include "switchboard/sdk/SendResponses.h"
#include "switchboard/sdk/Types.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdint>
#include <exception>
#include <string>
#include <typeinfo>

namespace {

namespace sdk = switchboard::sdk;
using switchboard::fuzz::finding;
using switchboard::fuzz::isValidUtf8;
using switchboard::fuzz::require;

// excerpt(): at most 200 bytes of valid UTF-8 on one line, no control characters, no
// leading, trailing or doubled spaces — and a fixed point, so excerpting twice changes nothing.
void checkExcerpt(const std::string& text) {
    const std::string cut = sdk::excerpt(text);
    require(cut.size() <= sdk::kExcerptMaxBytes, "excerpt longer than its bound");
    require(isValidUtf8(cut), "excerpt is not valid UTF-8");
    for (unsigned char c : cut) require(c >= 0x20, "excerpt keeps a control character");
    require(cut.empty() || (cut.front() != ' ' && cut.back() != ' '),
            "excerpt starts or ends with a space");
    require(cut.find("  ") == std::string::npos, "excerpt keeps a run of spaces");
    require(sdk::excerpt(cut) == cut, "excerpt is not idempotent");
}

// The lenient readers must never throw on any member, however it is typed.
void checkMembers(const Poco::JSON::Object& object, int depth) {
    for (const auto& [key, value] : object) {
        for (auto numbers : {sdk::Numbers::IntegersOnly, sdk::Numbers::All}) {
            const auto text = sdk::scalarText(value, numbers);
            if (value.isString())
                require(text && *text == value.extract<std::string>(),
                        "scalarText changed a string");
            if (text && !value.isString() && !value.isBoolean() && value.isInteger())
                require(
                    !text->empty() && text->find_first_not_of("-0123456789") == std::string::npos,
                    "scalarText of an integer is not decimal: " + *text);
            const auto member = sdk::optionalText(object, key, numbers);
            require(!member || !member->empty(), "optionalText returned an empty string");
        }
        (void)sdk::isStringMember(object, key);
        (void)sdk::isFalseFlag(object, key);
        Poco::JSON::Object::Ptr child = sdk::optionalObject(object, key);
        if (child && depth < 8) checkMembers(*child, depth + 1);
    }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) { return 0; }

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider in(data, size);
    const int status = 100 + in.ConsumeIntegral<std::uint16_t>() % 900;
    const std::string contentType = in.ConsumeRandomLengthString(64);
    const std::string retryAfter = in.ConsumeRandomLengthString(32);
    const std::string query = in.ConsumeRandomLengthString(256);
    const std::string body = in.ConsumeRemainingBytesAsString();

    checkExcerpt(body);

    Poco::JSON::Object::Ptr lenient = sdk::parseObjectOrNull(body);
    if (lenient) checkMembers(*lenient, 0);

    sdk::HttpRequest request;
    request.method = "POST";
    request.path = "/hook";
    request.query = query;
    request.headers.emplace_back("content-type", contentType);
    request.body = body;
    try {
        Poco::JSON::Object::Ptr strict = sdk::parseWebhookObject(request);
        require(!strict.isNull(), "parseWebhookObject returned null");
        require(!lenient.isNull() || contentType.empty() ||
                    Poco::toLower(contentType).find("json") != std::string::npos,
                "parseWebhookObject accepted what parseObjectOrNull refuses");
    } catch (const sdk::BadInput&) {
    } catch (const std::exception& e) {
        finding(std::string("parseWebhookObject threw ") + typeid(e).name() + ": " + e.what());
    }
    // Documented to percent-decode through Poco::URI; what it throws for a query Poco cannot
    // decode is Poco's (callers such as 23 Telecom's verify catch Poco::Exception).
    try {
        (void)request.queryParam("token");
    } catch (const Poco::Exception&) {
    } catch (const std::exception& e) {
        finding(std::string("queryParam threw ") + typeid(e).name() + ": " + e.what());
    }

    sdk::HttpResponse response;
    response.status = status;
    response.headers.emplace_back("retry-after", retryAfter);
    response.body = body;
    const auto seconds = sdk::retryAfterSeconds(response);
    require(!seconds || *seconds >= 0, "negative Retry-After accepted");
    if (!sdk::isSuccessStatus(status)) {
        const sdk::SendResult result =
            sdk::classifyHttpFailure(response, sdk::httpErrorCode(status), sdk::excerpt(body));
        require(result.outcome != sdk::SendOutcome::Accepted, "a failed status was accepted");
        require(result.outcome == sdk::SendOutcome::Rejected || status == 408 || status == 429 ||
                    status >= 500,
                "a client error was classified as retryable");
    }
    return 0;
}
