#include "telephony/VerificationCallPlacer.h"

#include "messaging/ProviderRequestCodec.h"
#include "telephony/TelephonyRepository.h"
#include "util/JsonText.h"
#include "util/SecretMasker.h"

#include <Poco/JSON/Array.h>
#include <Poco/Logger.h>

namespace switchboard::telephony {
namespace {

Poco::Logger& logger() { return Poco::Logger::get("telephony"); }

// Masks configured secrets, then every form of the code the plugin declared.
std::string masked(std::string text, const std::vector<std::string>& redact) {
    text = util::SecretMasker::instance().mask(std::move(text));
    for (const auto& secret : redact) {
        if (secret.empty()) continue;
        for (std::size_t at = text.find(secret); at != std::string::npos;
             at = text.find(secret, at + 4))
            text.replace(at, secret.size(), "****");
    }
    return text;
}

// The plugin's {"request": {...}, "redact": [...]} document. Throws on any other shape.
messaging::OutgoingRequest requestOf(const std::string& json, std::vector<std::string>& redact) {
    auto root = util::parseObject(json);
    auto request = root->getObject("request");
    if (!request) throw std::runtime_error("build_verification_call returned no 'request'");
    if (auto list = root->getArray("redact")) {
        for (std::size_t i = 0; i < list->size(); ++i)
            redact.push_back(list->getElement<std::string>(static_cast<unsigned>(i)));
    }
    return messaging::parseOutgoingRequest(util::toJson(request));
}

}  // namespace

CallOutcome VerificationCallPlacer::place(const Verification& v, const std::string& code) const {
    CallOutcome outcome;
    outcome.callStatus = "failed";
    const std::string id = std::to_string(v.id);
    Poco::JSON::Object input;
    input.set("verification_id", id);
    input.set("phone_number", v.phoneNumber);
    input.set("friendly_name", v.friendlyName);
    input.set("code", code);
    input.set("status_callback_url", Poco::Dynamic::Var());
    auto built = provider_.instance->buildVerificationCall(util::toJson(input));

    std::vector<std::string> redact{code};
    messaging::OutgoingRequest request;
    bool haveRequest = false;
    if (built.ok()) {
        try {
            request = requestOf(built.output, redact);
            haveRequest = true;
        } catch (const std::exception& e) {
            outcome.detail = std::string("unreadable build_verification_call output: ") + e.what();
        }
    } else {
        outcome.detail = "build_verification_call refused: " + masked(built.output, redact);
    }

    if (haveRequest && provider_.dryRun()) {
        DryRunCall record{v.id,
                          v.tenantId,
                          provider_.config.id,
                          request.method,
                          masked(request.url, redact),
                          masked(messaging::maskedHeadersJson(request), redact),
                          masked(request.body, redact),
                          clock_.nowMs()};
        outcome.callStatus = "dry_run";
        db_.write([&](Poco::Data::Session& s) {
            TelephonyRepository::recordDryRunCall(s, record);
            TelephonyRepository::setCallOutcome(s, v.id, outcome.callStatus, std::nullopt,
                                                record.createdAt);
        });
        logger().information("verification=%s provider=%s outcome=DRY_RUN %s %s", id,
                             provider_.config.id, request.method, record.url);
        return outcome;
    }

    if (haveRequest) {
        messaging::ProviderExchange exchange = http_.execute(request);
        if (!exchange.delivered) {
            outcome.detail = "provider unreachable: " + masked(exchange.error, redact);
        } else {
            auto classified = provider_.instance->parseVerificationCallResponse(
                exchange.status, exchange.headers, exchange.body);
            try {
                if (!classified.ok()) throw std::runtime_error(classified.output);
                auto o = util::parseObject(classified.output);
                const std::string result = o->optValue<std::string>("outcome", "");
                if (result == "ACCEPTED") {
                    outcome.callStatus = "placed";
                    outcome.providerRef = o->optValue<std::string>("provider_ref", "");
                } else {
                    outcome.detail = "HTTP " + std::to_string(exchange.status) + " " + result +
                                     " " + o->optValue<std::string>("error_code", "") + ": " +
                                     o->optValue<std::string>("error_message", "");
                }
            } catch (const std::exception& e) {
                outcome.detail =
                    "HTTP " + std::to_string(exchange.status) + ", unreadable answer: " + e.what();
            }
        }
    }
    const auto at = clock_.nowMs();
    db_.write([&](Poco::Data::Session& s) {
        TelephonyRepository::setCallOutcome(s, v.id, outcome.callStatus, outcome.providerRef, at);
    });
    if (outcome.callStatus == "placed") {
        logger().information("verification=%s provider=%s outcome=PLACED ref=%s", id,
                             provider_.config.id, outcome.providerRef.value_or(""));
    } else {
        outcome.detail = masked(outcome.detail, redact);
        logger().error("verification=%s provider=%s outcome=CALL_FAILED detail=%s", id,
                       provider_.config.id, outcome.detail);
    }
    return outcome;
}

}  // namespace switchboard::telephony
