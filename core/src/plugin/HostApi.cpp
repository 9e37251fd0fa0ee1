#include "plugin/HostApi.h"

#include <Poco/Logger.h>

namespace switchboard::plugin {
namespace {

void hostLog(void* /*context*/, sb_log_level level, sb_str message) {
    auto& logger = Poco::Logger::get("plugin");
    std::string text = message.data ? std::string(message.data, message.size) : std::string();
    switch (level) {
        case SB_LOG_DEBUG:
            logger.debug(text);
            break;
        case SB_LOG_INFO:
            logger.information(text);
            break;
        case SB_LOG_WARNING:
            logger.warning(text);
            break;
        default:
            logger.error(text);
            break;
    }
}

void hostOutputAppend(sb_output* out, const char* data, size_t size) {
    if (out != nullptr && data != nullptr) out->text.append(data, size);
}

const sb_host_api kHostApi = {sizeof(sb_host_api), SB_ABI_VERSION, nullptr, &hostLog,
                              &hostOutputAppend};

}  // namespace

const sb_host_api* hostApi() { return &kHostApi; }

}  // namespace switchboard::plugin
