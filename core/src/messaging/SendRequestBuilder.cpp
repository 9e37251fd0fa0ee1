#include "messaging/SendRequestBuilder.h"

#include "messaging/ProviderRequestCodec.h"

#include <Poco/URI.h>

namespace switchboard::messaging {

BuiltSendRequest SendRequestBuilder::build(const store::Message& m) const {
    BuiltSendRequest built;
    built.provider = providers_.find(m.providerInstance);
    if (built.provider == nullptr)
        throw SendRequestError("provider_unavailable",
                               "provider instance '" + m.providerInstance + "' is not configured");
    if (tenantProviders_ != nullptr && m.tenantId) {
        try {
            built.tenantProvider = tenantProviders_->resolve(*m.tenantId, *built.provider);
        } catch (const credentials::CredentialsUnavailable& e) {
            throw SendRequestError("credentials_unavailable", e.what());
        }
    }
    std::string callbackUrl = built.provider->statusCallbackUrl;
    if (built.tenantProvider && !callbackUrl.empty()) {
        std::string tenant;
        Poco::URI::encode(*m.tenantId, "&=+#?/", tenant);
        callbackUrl +=
            (callbackUrl.find('?') == std::string::npos ? "?tenant=" : "&tenant=") + tenant;
    }
    auto output = built.instance().buildSend(outboundMessageJson(m, callbackUrl));
    try {
        if (!output.ok()) throw std::runtime_error(output.output);
        built.request = parseOutgoingRequest(output.output);
    } catch (const std::exception& e) {
        throw SendRequestError("invalid_provider_request", built.mask(e.what()));
    }
    return built;
}

}  // namespace switchboard::messaging
