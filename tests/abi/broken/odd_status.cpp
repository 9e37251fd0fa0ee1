// Every hook answers a status the ABI does not define. 7 still lies within sb_status's range
// of values (its enumerators need three bits), so the value is well-defined C++ and reaches
// the host intact: the host must report it as an error, never act on it.
#include "HandMadePlugin.h"

namespace {

constexpr sb_status kUndefined = static_cast<sb_status>(7);

sb_status request(sb_instance*, const sb_http_request*, sb_output*) { return kUndefined; }
sb_status buildSend(sb_instance*, sb_str, sb_output*) { return kUndefined; }
sb_status parseSendResponse(sb_instance*, const sb_http_response*, sb_output*) {
    return kUndefined;
}
sb_status webhookResponse(sb_instance*, sb_str, sb_output*) { return kUndefined; }

constexpr sb_plugin_hooks kHooks = [] {
    sb_plugin_hooks h = kValidHooks;
    h.detect = &request;
    h.verify = &request;
    h.parse = &request;
    h.build_send = &buildSend;
    h.parse_send_response = &parseSendResponse;
    h.webhook_response = &webhookResponse;
    return h;
}();

constexpr sb_plugin_descriptor kDescriptor = validDescriptor("odd_status", &kHooks);

}  // namespace

SB_HAND_MADE_PLUGIN_ENTRY(&kDescriptor)
