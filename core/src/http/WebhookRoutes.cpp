#include "http/ClientAddress.h"
#include "http/Routes.h"
#include "http/WebhookGuard.h"
#include "messaging/WebhookReasonCodes.h"

#include <Poco/Logger.h>
#include <Poco/String.h>

#include <cmath>
#include <memory>

namespace switchboard::http {
namespace {

plugin::WebhookRequest describe(Exchange& ex, const std::string& source,
                                const ServiceContext& ctx) {
    plugin::WebhookRequest request;
    request.method = ex.request().getMethod();
    request.path = ex.path();
    request.query = ex.rawQuery();
    for (const auto& [name, value] : ex.request())
        request.headers.emplace_back(Poco::toLower(name), value);
    request.remoteAddr = source;
    std::string base = ctx.config.server.publicBaseUrl;
    if (base.empty()) {
        // The signed URL is the one the caller addressed; HTTP/1.1 requires saying which.
        if (!ex.request().has("Host"))
            throw ApiError(400, "malformed_request",
                           "the request has no Host header (required by HTTP/1.1)");
        base = "http://" + ex.request().getHost();
    }
    request.publicUrl = base + ex.request().getURI();
    request.receivedAtMs = ctx.clock.nowMs();
    return request;
}

// A flood is refused before any work: no body read, no plugin, and — except for the
// sampled refusal that is logged — no database write. 429 rather than the usual 200 so a
// provider that retries on its own backs off instead of believing it was delivered.
[[noreturn]] void refuseRateLimited(Exchange& ex, ServiceContext& ctx,
                                    const config::RouteConfig& route,
                                    const plugin::WebhookRequest& request,
                                    const RateLimiter::Decision& decision) {
    if (decision.report) {
        const std::string reason =
            "rate limit of " + std::to_string(std::llround(route.rateLimit.perSecond * 60)) +
            "/min per source exceeded; " + std::to_string(decision.unreported) +
            " more refused since the last report";
        try {
            ctx.webhooks.reject(route, request, "rate_limited", messaging::reason::kRateLimited,
                                reason);
        } catch (const std::exception& e) {
            // The refusal stands without its record; the log line says why.
            Poco::Logger::get("webhook").warning(
                "webhook route=%s remote=%s outcome=rate_limited (not recorded: %s)", route.path,
                request.remoteAddr, std::string(e.what()));
        }
    }
    ex.response().set("Retry-After", std::to_string(decision.retryAfterS));
    throw ApiError(429, "rate_limited", "too many requests from this source; retry later");
}

// Oversized bodies keep their 413 (they are refused by size alone, before anyone reads
// them, so the status tells the sender nothing about authentication) but are recorded and
// logged like every other refusal.
[[noreturn]] void refuseTooLarge(ServiceContext& ctx, const config::RouteConfig& route,
                                 plugin::WebhookRequest request, std::size_t limit) {
    request.body.clear();
    ctx.webhooks.reject(route, request, "rejected", messaging::reason::kBodyTooLarge,
                        "body exceeds the route's " + std::to_string(limit) + " bytes");
    throw ApiError(413, "body_too_large",
                   "request body exceeds " + std::to_string(limit) + " bytes");
}

}  // namespace

void addWebhookRoutes(Router& router, ServiceContext& ctx) {
    auto proxies = std::make_shared<util::CidrSet>();
    for (const auto& proxy : ctx.config.server.trustedProxies) proxies->add(proxy);
    for (const auto& route : ctx.config.routes) {
        auto guard = std::make_shared<WebhookGuard>(route, ctx.clock);
        router.add("POST", route.path, [&ctx, &route, proxies, guard](Exchange& ex) {
            const std::string source = clientAddress(ex.request(), *proxies);
            plugin::WebhookRequest request = describe(ex, source, ctx);

            const RateLimiter::Decision admitted = guard->admit(source);
            if (!admitted.allowed) refuseRateLimited(ex, ctx, route, request, admitted);

            const std::size_t limit = guard->maxBodyBytes();
            if (ex.request().hasContentLength() &&
                ex.request().getContentLength64() > static_cast<Poco::Int64>(limit))
                refuseTooLarge(ctx, route, request, limit);
            try {
                request.body = ex.body();
            } catch (const ApiError& e) {
                if (e.status() == 413) refuseTooLarge(ctx, route, request, limit);
                throw;
            }
            if (request.body.size() > limit) refuseTooLarge(ctx, route, request, limit);

            messaging::WebhookReply reply;
            if (auto refusal = guard->rejection(request)) {
                reply =
                    ctx.webhooks.reject(route, request, "rejected", refusal->code, refusal->reason);
            } else {
                reply = ctx.webhooks.handle(route, request, guard->verifySignature());
            }
            ex.sendText(reply.status, reply.contentType, reply.body);
        });
    }
}

}  // namespace switchboard::http
