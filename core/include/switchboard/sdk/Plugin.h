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
#include "switchboard/sdk/AbiCodec.h"
#include "switchboard/sdk/Crypto.h"
#include "switchboard/sdk/ProviderPlugin.h"
#include "switchboard/sdk/TelephonyPlugin.h"

#include <Poco/Exception.h>

#include <cstddef>
#include <memory>
#include <sstream>
#include <type_traits>

namespace switchboard::sdk {

/// Writes one log line through the host (masked there). Safe from any thread; a no-op
/// before the host has called the entry point.
void log(sb_log_level level, std::string_view message);

/// Compact JSON text of an object (no whitespace).
inline std::string toJson(const Poco::JSON::Object& object) { return abi::compact(object); }

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
            InstanceConfig cfg(abi::objectOf(view(config)));
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
            write(out, abi::encodeEvents(self<P>(i).parse(requestOf(r))));
            return SB_OK;
        });
    }
    static sb_status buildSend(sb_instance* i, sb_str message, sb_output* out) {
        return guarded(out, [&] {
            auto request = self<P>(i).buildSend(abi::decodeOutbound(view(message)));
            write(out, abi::encodeRequest(request));
            return SB_OK;
        });
    }
    static sb_status parseSendResponse(sb_instance* i, const sb_http_response* r, sb_output* out) {
        return guarded(out, [&] {
            HttpResponse response{r->status, headersOf(r->headers, r->header_count), view(r->body)};
            write(out, abi::encodeSendResult(self<P>(i).parseSendResponse(response)));
            return SB_OK;
        });
    }
    static sb_status webhookResponse(sb_instance* i, sb_str outcome, sb_output* out) {
        return guarded(out, [&] {
            auto reply = self<P>(i).webhookResponse(abi::decodeWebhookResult(view(outcome)));
            write(out, abi::encodeWebhookReply(reply));
            return SB_OK;
        });
    }
    static sb_status telephonyCarriers(sb_instance* i, sb_output* out) {
        return guarded(out, [&] {
            write(out, abi::encodeCarriers(self<P>(i).carriers()));
            return SB_OK;
        });
    }
    static sb_status forwardingCodes(sb_instance* i, sb_str request, sb_output* out) {
        return guarded(out, [&] {
            auto codes = self<P>(i).forwardingCodes(abi::decodeForwardingRequest(view(request)));
            write(out, abi::encodeForwardingCodes(codes));
            return SB_OK;
        });
    }
    static sb_status buildVerificationCall(sb_instance* i, sb_str request, sb_output* out) {
        return guarded(out, [&] {
            auto built =
                self<P>(i).buildVerificationCall(abi::decodeVerificationCall(view(request)));
            write(out, abi::encodeVerificationCallRequest(built));
            return SB_OK;
        });
    }
    static sb_status parseVerificationCallResponse(sb_instance* i, const sb_http_response* r,
                                                   sb_output* out) {
        return guarded(out, [&] {
            HttpResponse response{r->status, headersOf(r->headers, r->header_count), view(r->body)};
            write(out, abi::encodeSendResult(self<P>(i).parseVerificationCallResponse(response)));
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
