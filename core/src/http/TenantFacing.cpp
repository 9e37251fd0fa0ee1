#include "http/TenantFacing.h"

namespace switchboard::http {

std::string channelName(const ServiceContext& ctx, const std::string& providerInstance) {
    const auto* provider = ctx.providers.find(providerInstance);
    if (provider == nullptr || provider->config.label.empty())
        return ctx.config.branding.productName;
    return provider->config.label;
}

std::vector<std::string> instancesForChannel(const ServiceContext& ctx,
                                             const std::string& channel) {
    std::vector<std::string> ids;
    for (const auto& [id, provider] : ctx.providers.all()) {
        if (channelName(ctx, id) == channel) ids.push_back(id);
    }
    return ids;
}

}  // namespace switchboard::http
