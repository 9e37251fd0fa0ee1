#include "plugin/ProviderInstance.h"

#include "plugin/HostApi.h"

#include <stdexcept>

namespace switchboard::plugin {
namespace {

sb_str viewOf(const std::string& s) { return {s.data(), s.size()}; }

HookResult finish(sb_status status, sb_output& out) {
    switch (status) {
        case SB_OK:
        case SB_NOT_MINE:
        case SB_REJECTED:
        case SB_BAD_INPUT:
        case SB_ERROR:
            return {status, std::move(out.text)};
    }
    return {SB_ERROR, "plugin returned unknown status " + std::to_string(static_cast<int>(status))};
}

// Keeps the header array alive for the duration of one hook call.
struct RequestView {
    std::vector<sb_header> headers;
    sb_http_request request{};

    explicit RequestView(const WebhookRequest& r) {
        headers.reserve(r.headers.size());
        for (const auto& [name, value] : r.headers)
            headers.push_back({viewOf(name), viewOf(value)});
        request.struct_size = sizeof(sb_http_request);
        request.method = viewOf(r.method);
        request.path = viewOf(r.path);
        request.query = viewOf(r.query);
        request.headers = headers.data();
        request.header_count = headers.size();
        request.body = viewOf(r.body);
        request.remote_addr = viewOf(r.remoteAddr);
        request.public_url = viewOf(r.publicUrl);
        request.received_at_ms = r.receivedAtMs;
    }
};

// Keeps the header array alive for the duration of one hook call.
struct ResponseView {
    std::vector<sb_header> headers;
    sb_http_response response{};

    ResponseView(int status, const std::vector<std::pair<std::string, std::string>>& h,
                 const std::string& body) {
        headers.reserve(h.size());
        for (const auto& [name, value] : h) headers.push_back({viewOf(name), viewOf(value)});
        response = {sizeof(sb_http_response), status, headers.data(), headers.size(), viewOf(body)};
    }
};

}  // namespace

HookResult ProviderInstance::missing(const char* hook) const {
    return {SB_ERROR, "plugin " + library_.name() + " (instance " + id_ + ") has no " + hook +
                          " hook: its capabilities do not include it"};
}

ProviderInstance::ProviderInstance(const PluginLibrary& library, std::string id,
                                   const std::string& configJson)
    : library_(library), id_(std::move(id)) {
    sb_output out;
    sb_status status = library_.hooks().create_instance(viewOf(configJson), &instance_, &out);
    if (status != SB_OK)
        throw std::runtime_error(
            "provider instance '" + id_ + "' (plugin " + library_.name() +
            ") refused its configuration: " + (out.text.empty() ? "no reason given" : out.text));
}

ProviderInstance::~ProviderInstance() { library_.hooks().destroy_instance(instance_); }

HookResult ProviderInstance::detect(const WebhookRequest& request) const {
    if (library_.hooks().detect == nullptr) return missing("detect");
    RequestView view(request);
    sb_output out;
    return finish(library_.hooks().detect(instance_, &view.request, &out), out);
}

HookResult ProviderInstance::verify(const WebhookRequest& request) const {
    if (library_.hooks().verify == nullptr) return missing("verify");
    RequestView view(request);
    sb_output out;
    return finish(library_.hooks().verify(instance_, &view.request, &out), out);
}

HookResult ProviderInstance::parse(const WebhookRequest& request) const {
    if (library_.hooks().parse == nullptr) return missing("parse");
    RequestView view(request);
    sb_output out;
    return finish(library_.hooks().parse(instance_, &view.request, &out), out);
}

HookResult ProviderInstance::buildSend(const std::string& messageJson) const {
    if (library_.hooks().build_send == nullptr) return missing("build_send");
    sb_output out;
    return finish(library_.hooks().build_send(instance_, viewOf(messageJson), &out), out);
}

HookResult ProviderInstance::parseSendResponse(
    int status, const std::vector<std::pair<std::string, std::string>>& headers,
    const std::string& body) const {
    if (library_.hooks().parse_send_response == nullptr) return missing("parse_send_response");
    ResponseView view(status, headers, body);
    sb_output out;
    return finish(library_.hooks().parse_send_response(instance_, &view.response, &out), out);
}

HookResult ProviderInstance::webhookResponse(const std::string& outcomeJson) const {
    if (library_.hooks().webhook_response == nullptr) return missing("webhook_response");
    sb_output out;
    return finish(library_.hooks().webhook_response(instance_, viewOf(outcomeJson), &out), out);
}

HookResult ProviderInstance::telephonyCarriers() const {
    if (!telephony() || library_.hooks().telephony_carriers == nullptr)
        return missing("telephony_carriers");
    sb_output out;
    return finish(library_.hooks().telephony_carriers(instance_, &out), out);
}

HookResult ProviderInstance::forwardingCodes(const std::string& requestJson) const {
    if (!telephony() || library_.hooks().forwarding_codes == nullptr)
        return missing("forwarding_codes");
    sb_output out;
    return finish(library_.hooks().forwarding_codes(instance_, viewOf(requestJson), &out), out);
}

HookResult ProviderInstance::buildVerificationCall(const std::string& requestJson) const {
    if (!telephony() || library_.hooks().build_verification_call == nullptr)
        return missing("build_verification_call");
    sb_output out;
    return finish(library_.hooks().build_verification_call(instance_, viewOf(requestJson), &out),
                  out);
}

HookResult ProviderInstance::parseVerificationCallResponse(
    int status, const std::vector<std::pair<std::string, std::string>>& headers,
    const std::string& body) const {
    if (!telephony() || library_.hooks().parse_verification_call_response == nullptr)
        return missing("parse_verification_call_response");
    ResponseView view(status, headers, body);
    sb_output out;
    return finish(
        library_.hooks().parse_verification_call_response(instance_, &view.response, &out), out);
}

}  // namespace switchboard::plugin
