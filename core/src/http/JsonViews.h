#pragma once

#include "store/Records.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <cstdint>

namespace switchboard::http {

/// Tenant-facing view of a message. Proxy mode: no provider name, provider reference,
/// provider error text or reply context — only Switchboard's own fields and codes.
Poco::JSON::Object::Ptr messageJson(const store::Message& m);
/// The operator's view of a message: messageJson plus tenant, provider instance, provider
/// reference and error detail (never shown to tenants).
Poco::JSON::Object::Ptr adminMessageJson(const store::Message& m);

Poco::JSON::Object::Ptr contactJson(const store::Contact& c);

/// Admin views (the operator may see providers and routing).
Poco::JSON::Object::Ptr webhookEventJson(const store::WebhookEventRecord& e);
Poco::JSON::Object::Ptr dryRunJson(const store::DryRunRecord& r);
Poco::JSON::Object::Ptr modemRouteJson(const store::ModemRoute& r);

/// {"data": items}: an unpaginated list.
Poco::JSON::Object::Ptr listJson(const Poco::JSON::Array::Ptr& items);

/// {"data": items, "pagination": {page, limit, total, totalPages}}.
Poco::JSON::Object::Ptr pageJson(const Poco::JSON::Array::Ptr& items,
                                 const store::PageRequest& page, std::int64_t total);

}  // namespace switchboard::http
