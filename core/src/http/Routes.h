#pragma once

#include "credentials/TenantCredentialService.h"
#include "http/Authenticator.h"
#include "http/Router.h"
#include "http/ServiceContext.h"

namespace switchboard::telephony {
class TelephonyServices;
}

namespace switchboard::http {

/// Tenant API: POST /api/sms/send, POST /api/sms/reply, GET /api/messages,
/// GET /api/messages/{id}, GET /api/contacts.
void addMessagingRoutes(Router& router, ServiceContext& context, const Authenticator& auth);

/// Tenant delivery log: GET /api/sms-delivery-log (page, limit ≤ 100, contactId, status,
/// provider, from, to, providerRef; newest first), /api/sms-delivery-log/{messageId} (the
/// message and all its events, oldest first), /api/sms-delivery-log/summary (same filters).
/// Tenants see proxy-mode views: a channel name (`provider` filters by it) and no raw
/// provider status, error code, payload or callback address. The admin's twins under
/// /api/admin/sms-delivery-log (tenantId required) show everything; plus the admin's
/// GET /api/admin/failure-events.
void addDeliveryLogRoutes(Router& router, ServiceContext& context, const Authenticator& auth);

/// Admin API (admin key): webhook events and last event, dry-run records, modem routes.
void addAdminRoutes(Router& router, ServiceContext& context, const Authenticator& auth);

/// Admin tenant management (admin key): create, list, show, edit/disable, assign numbers,
/// and issue, list, revoke and rotate tenant API keys under /api/admin/tenants.
void addTenantAdminRoutes(Router& router, ServiceContext& context, const Authenticator& auth);

/// GET /api/admin/audit (admin key): the audit log, newest first, filtered by tenantId,
/// actor, action, target, from, to; paginated like the delivery log.
void addAuditRoutes(Router& router, ServiceContext& context, const Authenticator& auth);

/// Bring-your-own-carrier. Tenant key: PUT /api/credentials/{provider} (JSON object of the
/// allowed fields; 200 with {provider, createdAt, updatedAt}), GET /api/credentials
/// ({"data": [{provider, createdAt, updatedAt}]}), DELETE /api/credentials/{provider}.
/// Values are never returned. Admin key: POST /api/admin/credentials/rotate (re-encrypts
/// every row under the active master key; counts) and GET /api/admin/credentials/keys (rows
/// per key id). Errors: see credentials::TenantCredentialService; 501 byoc_disabled
/// without a master key.
void addCredentialRoutes(Router& router, const Authenticator& auth,
                         credentials::TenantCredentialService& service);

/// Provider webhooks on the paths YAML declares (`routes:`).
void addWebhookRoutes(Router& router, ServiceContext& context);

/// Tenant telephony API (seed 003 §17.4): POST /api/telephony/verify-caller-id/initiate and
/// /confirm, GET /api/telephony/verified-numbers, DELETE /api/telephony/verified-numbers/{id},
/// GET /api/telephony/carriers, GET|POST /api/telephony/forwarding-config, POST
/// /api/telephony/forwarding-config/confirm, DELETE /api/telephony/forwarding-config/{id}.
/// 503 telephony_not_configured without a `telephony:` section; errors in README "Telephony".
void addTelephonyRoutes(Router& router, telephony::TelephonyServices& services,
                        const Authenticator& auth);

/// GET /healthz (process up) and GET /readyz (database reachable).
void addHealthRoutes(Router& router, ServiceContext& context);

}  // namespace switchboard::http
