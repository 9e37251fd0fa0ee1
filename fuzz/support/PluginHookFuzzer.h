#pragma once

// The shared body of the per-plugin fuzz targets (fuzz/plugin_<name>.cpp). A target loads its
// real sb_<name>.so through the host's loader (PluginLibrary) and drives the hooks through the
// host's ABI wrapper (ProviderInstance), exactly as the service does, so the C ABI boundary,
// the SDK's marshalling and the plugin's codec are all under test.
//
// Input layout (FuzzedDataProvider; fuzz/make-seeds writes seeds in the same layout):
//   from the END, one value each, always in this order:
//     uint8  config     which of the target's instance configs (modulo their count)
//     uint8  hook       0: webhook (detect, verify, parse), 1: parse_send_response,
//                       2: build_send (modulo 3)
//     int64  received   sb_http_request.received_at_ms
//     uint8  count      headers (0-8, modulo 9) or reply-context entries
//     uint16 status     HTTP status of a send response: 100 + status % 900
//     uint8  kind       build_send: bit 0 set = "reply", else "initial"
//   from the START, strings as FuzzedDataProvider::ConsumeRandomLengthString reads them
//   (a backslash escapes a backslash; a backslash before anything else ends the string):
//     webhook:        query, count × (header name, header value), body = rest
//     send response:  count × (header name, header value), body = rest
//     build_send:     to, from, status callback URL, count × (context key, value), text = rest
//
// Only what the host can deliver is fed: a POST to the target's route path (the router
// matches it exactly), a query and header names without whitespace, CR, LF (and ':' in names),
// header values without CR or LF — Poco's request parser never yields them. The body is free.
//
// What counts as a finding (beyond any sanitizer report):
//   - a status the ABI does not allow for the hook (SB_ERROR means the plugin threw: malformed
//     input must give SB_NOT_MINE / SB_REJECTED / SB_BAD_INPUT, never an internal error);
//   - an SB_OK document that does not follow its schema in plugin_abi.h, or that the host's own
//     readers (WebhookEvents, ProviderRequestCodec) refuse;
//   - a reason that is not one line of valid UTF-8 (reasons reach the log);
//   - a parsed event field that is not valid UTF-8 (the text is stored and served as JSON).
#include "plugin/ProviderInstance.h"

#include <Poco/JSON/Object.h>
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace switchboard::fuzz {

/// One fuzz target's plugin and the instance configs it fuzzes.
struct PluginFuzzSetup {
    std::string pluginFile;                ///< e.g. "sb_twilio.so", in SWITCHBOARD_PLUGIN_DIR
    std::vector<std::string> configJsons;  ///< instance `config:` objects as JSON, ≥ 1
    std::string publicBase;  ///< scheme://host the public URL starts with (URL-signed schemes)
    std::string routePath;   ///< the webhook route's path, e.g. "/api/webhooks/twilio"
};

/// Loads the plugin and creates every instance; calls finding() when either fails (a fuzz
/// run over a plugin that cannot load would test nothing). Call once, from
/// LLVMFuzzerInitialize.
void initPluginFuzzer(const PluginFuzzSetup& setup);

/// Decodes one input as laid out above and runs the selected hooks with every check.
void fuzzPluginHooks(const std::uint8_t* data, std::size_t size);

// ---- shared with targets that drive other hooks (fuzz/plugin_telephony.cpp) ----------------

/// The library initPluginFuzzer loaded, and its instances (in the order of configJsons).
const plugin::PluginLibrary& fuzzedLibrary();
const std::vector<std::unique_ptr<plugin::ProviderInstance>>& fuzzedInstances();

const char* statusName(sb_status status);
/// finding() unless the hook returned one of `allowed`.
void requireStatus(const std::string& hook, const plugin::HookResult& result,
                   std::initializer_list<sb_status> allowed);
/// A non-OK result's reason: non-empty, one line, valid UTF-8.
void requireReason(const std::string& hook, const plugin::HookResult& result);
/// The SB_OK output as a JSON object, or finding().
Poco::JSON::Object::Ptr parsedOutput(const std::string& hook, const plugin::HookResult& result);
/// A member that must be a string holding valid UTF-8 when present (or always, `required`).
void requireStringMember(const std::string& where, const Poco::JSON::Object& object,
                         const std::string& key, bool required);
/// parse_send_response's document ({"outcome", "provider_ref", ...}), which
/// parse_verification_call_response shares; `hook` names the hook in findings.
void checkSendResult(const std::string& hook, const plugin::HookResult& result);
/// A provider request {"method", "url", "headers", "body"} (build_send's output, the
/// "request" of build_verification_call's), also read with the host's own codec.
void checkOutgoingRequest(const std::string& where, const Poco::JSON::Object::Ptr& request);
/// `count` name/value pairs read as laid out above; as received headers (`asHeaders`) they
/// are cleaned as Poco's parser delivers them and their names lowercased as the host does.
std::vector<std::pair<std::string, std::string>> consumePairs(FuzzedDataProvider& in,
                                                              std::size_t count, bool asHeaders);

}  // namespace switchboard::fuzz
