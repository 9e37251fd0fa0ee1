// SWITCHBOARD_PLUGIN(Class): generates the plain-C entry point and hook table for a
// ProviderPlugin subclass, a TelephonyPlugin subclass or a class deriving from both
// (capabilities SB_CAP_MESSAGING / SB_CAP_TELEPHONY follow the bases), translating between
// the ABI's JSON documents and the SDK's C++ types, and catching every exception at the
// boundary.
//
// Use it once per plugin library, in a .cpp file:
//     SWITCHBOARD_PLUGIN(MyProvider)
#pragma once

#include "switchboard/plugin_abi.h"
#include "switchboard/sdk/Crypto.h"
#include "switchboard/sdk/ProviderPlugin.h"
#include "switchboard/sdk/TelephonyJson.h"
#include "switchboard/sdk/TelephonyPlugin.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Stringifier.h>

#include <cstddef>
#include <memory>
#include <sstream>
#include <type_traits>

namespace switchboard::sdk {

/// Writes one log line through the host (masked there). Safe from any thread; a no-op
/// before the host has called the entry point.
void log(sb_log_level level, std::string_view message);

/// Compact JSON text of an object (no whitespace).
inline std::string toJson(const Poco::JSON::Object& object) {
    std::ostringstream out;
    object.stringify(out);
    return out.str();
}

namespace detail {

inline const sb_host_api*& hostApi() {
    static const sb_host_api* api = nullptr;
    return api;
}

inline void write(sb_output* out, std::string_view text) {
    if (out != nullptr && hostApi() != nullptr)
        hostApi()->output_append(out, text.data(), text.size());
}

template <class F>
sb_status guarded(sb_output* out, F&& body) noexcept {
    try {
        return body();
    } catch (const BadInput& e) {
        write(out, e.what());
        return SB_BAD_INPUT;
    } catch (const Poco::Exception& e) {
        write(out, e.displayText());
        return SB_ERROR;
    } catch (const std::exception& e) {
        write(out, e.what());
        return SB_ERROR;
    } catch (...) {
        write(out, "unknown exception in plugin");
        return SB_ERROR;
    }
}

inline std::string view(sb_str s) { return s.data ? std::string(s.data, s.size) : std::string(); }

inline Headers headersOf(const sb_header* headers, size_t count) {
    Headers result;
    result.reserve(count);
    for (size_t i = 0; i < count; ++i)
        result.emplace_back(view(headers[i].name), view(headers[i].value));
    return result;
}

inline HttpRequest requestOf(const sb_http_request* r) {
    HttpRequest request;
    request.method = view(r->method);
    request.path = view(r->path);
    request.query = view(r->query);
    request.headers = headersOf(r->headers, r->header_count);
    request.body = view(r->body);
    request.remoteAddr = view(r->remote_addr);
    request.publicUrl = view(r->public_url);
    // Appended in ABI 1.1: read only what the host's struct actually has.
    if (r->struct_size >= offsetof(sb_http_request, received_at_ms) + sizeof(r->received_at_ms))
        request.receivedAtMs = r->received_at_ms;
    return request;
}

inline Poco::JSON::Object::Ptr parseObject(const std::string& text) {
    Poco::JSON::Parser parser;
    Poco::Dynamic::Var root = parser.parse(text);
    // extract<>() of an array or scalar would throw a BadCastException with mangled type
    // names; say what was wrong instead.
    if (root.type() != typeid(Poco::JSON::Object::Ptr)) throw BadInput("expected a JSON object");
    auto object = root.extract<Poco::JSON::Object::Ptr>();
    if (!object) throw BadInput("expected a JSON object");
    return object;
}

inline Poco::JSON::Object::Ptr mapToJson(const StringMap& map) {
    Poco::JSON::Object::Ptr object = new Poco::JSON::Object;
    for (const auto& [k, v] : map) object->set(k, v);
    return object;
}

inline std::string eventsToJson(const std::vector<WebhookEvent>& events) {
    Poco::JSON::Array::Ptr array = new Poco::JSON::Array;
    for (const auto& event : events) {
        Poco::JSON::Object::Ptr e = new Poco::JSON::Object;
        if (const auto* in = std::get_if<InboundMessage>(&event)) {
            e->set("type", "inbound");
            e->set("from", in->from);
            e->set("to", in->to);
            e->set("text", in->text);
            e->set("provider_message_id", in->providerMessageId);
            e->set("reply_context", mapToJson(in->replyContext));
            if (in->routingModem || in->routingPort) {
                Poco::JSON::Object::Ptr routing = new Poco::JSON::Object;
                routing->set("modem", in->routingModem.value_or(""));
                routing->set("port", in->routingPort.value_or(""));
                e->set("routing", routing);
            }
        } else {
            const auto& dlr = std::get<DeliveryReceipt>(event);
            e->set("type", "delivery_receipt");
            e->set("provider_ref", dlr.providerRef);
            e->set("raw_status", dlr.rawStatus);
            if (!dlr.errorCode.empty()) e->set("error_code", dlr.errorCode);
            if (!dlr.errorMessage.empty()) e->set("error_message", dlr.errorMessage);
            if (!dlr.callbackId.empty()) e->set("callback_id", dlr.callbackId);
        }
        array->add(e);
    }
    Poco::JSON::Object root;
    root.set("events", array);
    return toJson(root);
}

inline OutboundMessage outboundOf(const std::string& json) {
    auto o = parseObject(json);
    OutboundMessage m;
    m.messageId = o->optValue<std::string>("message_id", "");
    m.to = o->optValue<std::string>("to", "");
    if (o->has("from") && !o->isNull("from")) m.from = o->getValue<std::string>("from");
    m.text = o->optValue<std::string>("text", "");
    m.kind = o->optValue<std::string>("kind", "initial");
    if (o->has("reply_context") && !o->isNull("reply_context")) {
        StringMap context;
        for (const auto& [k, v] : *o->getObject("reply_context"))
            context[k] = v.convert<std::string>();
        m.replyContext = std::move(context);
    }
    if (o->has("status_callback_url") && !o->isNull("status_callback_url"))
        m.statusCallbackUrl = o->getValue<std::string>("status_callback_url");
    return m;
}

inline std::string providerRequestToJson(const ProviderRequest& r) {
    Poco::JSON::Object root;
    root.set("method", r.method);
    root.set("url", r.url);
    Poco::JSON::Object::Ptr headers = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    for (const auto& [k, v] : r.headers) headers->set(k, v);
    root.set("headers", headers);
    root.set("body", r.body);
    if (r.sender) root.set("sender", *r.sender);
    return toJson(root);
}

inline std::string sendResultToJson(const SendResult& r) {
    Poco::JSON::Object root;
    root.set("outcome", toString(r.outcome));
    if (!r.providerRef.empty()) root.set("provider_ref", r.providerRef);
    if (!r.errorCode.empty()) root.set("error_code", r.errorCode);
    if (!r.errorMessage.empty()) root.set("error_message", r.errorMessage);
    if (r.retryAfterSeconds) root.set("retry_after_s", *r.retryAfterSeconds);
    return toJson(root);
}

inline WebhookResult webhookResultOf(const std::string& json) {
    auto result = parseObject(json)->optValue<std::string>("result", "accepted");
    if (result == "rejected") return WebhookResult::Rejected;
    if (result == "ignored") return WebhookResult::Ignored;
    if (result == "error") return WebhookResult::Error;
    return WebhookResult::Accepted;
}

// The instance handle is the P* that create made, so it converts back to P exactly,
// whichever bases P has.
template <class P>
const P& self(sb_instance* instance) {
    return *reinterpret_cast<const P*>(instance);
}

template <class P>
constexpr bool kMessaging = std::is_base_of_v<ProviderPlugin, P>;
template <class P>
constexpr bool kTelephony = std::is_base_of_v<TelephonyPlugin, P>;

template <class P>
struct Hooks {
    static sb_status create(sb_str config, sb_instance** instance, sb_output* out) {
        return guarded(out, [&] {
            InstanceConfig cfg(parseObject(view(config)));
            auto plugin = std::make_unique<P>(cfg);
            *instance = reinterpret_cast<sb_instance*>(plugin.release());
            return SB_OK;
        });
    }
    static void destroy(sb_instance* instance) {
        try {
            delete reinterpret_cast<P*>(instance);
        } catch (...) {
            // A destructor that throws must not take the host down.
        }
    }
    static sb_status detect(sb_instance* i, const sb_http_request* r, sb_output* out) {
        return guarded(out, [&] { return self<P>(i).detect(requestOf(r)) ? SB_OK : SB_NOT_MINE; });
    }
    static sb_status verify(sb_instance* i, const sb_http_request* r, sb_output* out) {
        return guarded(out, [&] {
            VerifyResult v = self<P>(i).verify(requestOf(r));
            if (v.authentic) return SB_OK;
            write(out, v.reason.empty() ? "not authentic" : v.reason);
            return SB_REJECTED;
        });
    }
    static sb_status parse(sb_instance* i, const sb_http_request* r, sb_output* out) {
        return guarded(out, [&] {
            std::string json = eventsToJson(self<P>(i).parse(requestOf(r)));
            write(out, json);
            return SB_OK;
        });
    }
    static sb_status buildSend(sb_instance* i, sb_str message, sb_output* out) {
        return guarded(out, [&] {
            std::string json =
                providerRequestToJson(self<P>(i).buildSend(outboundOf(view(message))));
            write(out, json);
            return SB_OK;
        });
    }
    static sb_status parseSendResponse(sb_instance* i, const sb_http_response* r, sb_output* out) {
        return guarded(out, [&] {
            HttpResponse response{r->status, headersOf(r->headers, r->header_count), view(r->body)};
            std::string json = sendResultToJson(self<P>(i).parseSendResponse(response));
            write(out, json);
            return SB_OK;
        });
    }
    static sb_status webhookResponse(sb_instance* i, sb_str outcome, sb_output* out) {
        return guarded(out, [&] {
            WebhookReply reply = self<P>(i).webhookResponse(webhookResultOf(view(outcome)));
            Poco::JSON::Object root;
            root.set("status", reply.status);
            root.set("content_type", reply.contentType);
            root.set("body", reply.body);
            write(out, toJson(root));
            return SB_OK;
        });
    }
    static sb_status telephonyCarriers(sb_instance* i, sb_output* out) {
        return guarded(out, [&] {
            write(out, telephony_json::carriersToJson(self<P>(i).carriers()));
            return SB_OK;
        });
    }
    static sb_status forwardingCodes(sb_instance* i, sb_str request, sb_output* out) {
        return guarded(out, [&] {
            auto codes =
                self<P>(i).forwardingCodes(telephony_json::forwardingRequestOf(view(request)));
            write(out, telephony_json::forwardingCodesToJson(codes));
            return SB_OK;
        });
    }
    static sb_status buildVerificationCall(sb_instance* i, sb_str request, sb_output* out) {
        return guarded(out, [&] {
            auto built =
                self<P>(i).buildVerificationCall(telephony_json::verificationCallOf(view(request)));
            write(out, telephony_json::verificationCallRequestToJson(built));
            return SB_OK;
        });
    }
    static sb_status parseVerificationCallResponse(sb_instance* i, const sb_http_response* r,
                                                   sb_output* out) {
        return guarded(out, [&] {
            HttpResponse response{r->status, headersOf(r->headers, r->header_count), view(r->body)};
            write(out, sendResultToJson(self<P>(i).parseVerificationCallResponse(response)));
            return SB_OK;
        });
    }

    // Only the hooks of P's capabilities are instantiated (and so need P's methods).
    static sb_plugin_hooks table() {
        sb_plugin_hooks h{};
        h.struct_size = sizeof(sb_plugin_hooks);
        h.create_instance = &create;
        h.destroy_instance = &destroy;
        if constexpr (kMessaging<P>) {
            h.detect = &detect;
            h.verify = &verify;
            h.parse = &parse;
            h.build_send = &buildSend;
            h.parse_send_response = &parseSendResponse;
            h.webhook_response = &webhookResponse;
        }
        if constexpr (kTelephony<P>) {
            h.telephony_carriers = &telephonyCarriers;
            h.forwarding_codes = &forwardingCodes;
            h.build_verification_call = &buildVerificationCall;
            h.parse_verification_call_response = &parseVerificationCallResponse;
        }
        return h;
    }
};

template <class P>
const sb_plugin_descriptor* entry(uint32_t hostAbiVersion, const sb_host_api* host) noexcept {
    static_assert(kMessaging<P> || kTelephony<P>,
                  "SWITCHBOARD_PLUGIN needs a ProviderPlugin and/or TelephonyPlugin subclass");
    if (SB_ABI_MAJOR(hostAbiVersion) != SB_ABI_VERSION_MAJOR) return nullptr;
    if (host == nullptr || host->struct_size < sizeof(sb_host_api)) return nullptr;
    hostApi() = host;
    try {
        static const PluginInfo info = P::info();
        static const std::string signature = std::string("g++ ") + __VERSION__;
        static const sb_plugin_hooks hooks = Hooks<P>::table();
        static const sb_plugin_descriptor descriptor = {
            sizeof(sb_plugin_descriptor),
            SB_ABI_VERSION,
            info.name.c_str(),
            info.version.c_str(),
            signature.c_str(),
            (kMessaging<P> ? SB_CAP_MESSAGING : 0u) | (kTelephony<P> ? SB_CAP_TELEPHONY : 0u),
            info.configSchemaJson.c_str(),
            info.defaultStatusTableJson.c_str(),
            &hooks,
        };
        return &descriptor;
    } catch (...) {
        return nullptr;
    }
}

}  // namespace detail

inline void log(sb_log_level level, std::string_view message) {
    const sb_host_api* host = detail::hostApi();
    if (host != nullptr && host->log != nullptr)
        host->log(host->host_context, level, {message.data(), message.size()});
}

}  // namespace switchboard::sdk

/// Generates `sb_plugin_entry` for `Class` (a ProviderPlugin and/or TelephonyPlugin subclass).
/// Use once per library.
#define SWITCHBOARD_PLUGIN(Class)                                                                  \
    extern "C" __attribute__((visibility("default"))) const sb_plugin_descriptor* sb_plugin_entry( \
        uint32_t host_abi_version, const sb_host_api* host) {                                      \
        return ::switchboard::sdk::detail::entry<Class>(host_abi_version, host);                   \
    }
