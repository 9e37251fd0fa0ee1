#pragma once

#include "http/Authenticator.h"
#include "http/Router.h"
#include "http/ServiceContext.h"

namespace switchboard::http {

/// Tenant API: POST /api/sms/send, POST /api/sms/reply, GET /api/messages,
/// GET /api/messages/{id}, GET /api/contacts.
void addMessagingRoutes(Router& router, ServiceContext& context, const Authenticator& auth);

/// Tenant delivery log: GET /api/sms-delivery-log (page, limit ≤ 100, contactId, status,
/// provider, from, to, providerRef; newest first), /api/sms-delivery-log/{messageId} (the
/// message and all its events, oldest first), /api/sms-delivery-log/summary (same filters);
/// and the admin's GET /api/admin/failure-events.
void addDeliveryLogRoutes(Router& router, ServiceContext& context, const Authenticator& auth);

/// Admin API (admin key): webhook events and last event, dry-run records, modem routes.
void addAdminRoutes(Router& router, ServiceContext& context, const Authenticator& auth);

/// Provider webhooks on the paths YAML declares (`routes:`).
void addWebhookRoutes(Router& router, ServiceContext& context);

/// GET /healthz (process up) and GET /readyz (database reachable).
void addHealthRoutes(Router& router, ServiceContext& context);

}  // namespace switchboard::http
