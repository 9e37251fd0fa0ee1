#include "messaging/ProviderCall.h"

#include "messaging/ProviderRequestCodec.h"
#include "util/SecretMasker.h"

#include "switchboard/sdk/AbiCodec.h"

#include <stdexcept>

namespace switchboard::messaging {
namespace {

ProviderAnswer::Kind kindOf(sdk::SendOutcome outcome) {
    switch (outcome) {
        case sdk::SendOutcome::Accepted:
            return ProviderAnswer::Kind::Accepted;
        case sdk::SendOutcome::Rejected:
            return ProviderAnswer::Kind::Rejected;
        case sdk::SendOutcome::Throttled:
            return ProviderAnswer::Kind::Throttled;
        case sdk::SendOutcome::Retry:
            break;
    }
    return ProviderAnswer::Kind::RetryLater;
}

}  // namespace

std::string ProviderCall::mask(std::string text) const {
    if (ownSecrets_) text = ownSecrets_(std::move(text));
    return util::SecretMasker::instance().mask(std::move(text));
}

ShownRequest ProviderCall::shown() const {
    return {request_.method, mask(request_.url), mask(maskedHeadersJson(request_)),
            mask(request_.body)};
}

ProviderAnswer ProviderCall::send(const ProviderHttpClient& http, const AnswerParser& parse) const {
    ProviderAnswer answer;
    const ProviderExchange exchange = http.execute(request_);
    if (!exchange.delivered) {
        answer.detail = mask(exchange.error);
        return answer;
    }
    answer.httpStatus = exchange.status;
    answer.elapsedMs = exchange.elapsedMs;
    const std::string status = "HTTP " + std::to_string(exchange.status);
    try {
        const auto classified = parse(exchange.status, exchange.headers, exchange.body);
        if (!classified.ok()) throw std::runtime_error(classified.output);
        const sdk::SendResult result = sdk::abi::decodeSendResult(classified.output);
        answer.kind = kindOf(result.outcome);
        answer.providerRef = result.providerRef;
        answer.retryAfterMs = Poco::Int64{result.retryAfterSeconds.value_or(0)} * 1000;
        const auto& code = result.errorCode;
        const auto& message = result.errorMessage;
        answer.detail = mask(status + (code.empty() ? "" : " " + code) +
                             (message.empty() ? "" : ": " + message));
    } catch (const std::exception& e) {
        answer = ProviderAnswer{
            ProviderAnswer::Kind::Unreadable, exchange.status, exchange.elapsedMs, "", 0,
            mask(status + ": " + e.what())};
    }
    return answer;
}

const char* kindName(ProviderAnswer::Kind kind) {
    switch (kind) {
        case ProviderAnswer::Kind::Unreachable:
            return "UNREACHABLE";
        case ProviderAnswer::Kind::Unreadable:
            return "UNREADABLE";
        case ProviderAnswer::Kind::Accepted:
            return "ACCEPTED";
        case ProviderAnswer::Kind::Rejected:
            return "REJECTED";
        case ProviderAnswer::Kind::Throttled:
            return "THROTTLED";
        case ProviderAnswer::Kind::RetryLater:
            return "RETRY";
    }
    return "RETRY";
}

}  // namespace switchboard::messaging
