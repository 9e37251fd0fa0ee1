// The tenant telephony API under /api/telephony (seed 003 §17.4; README "Telephony").
#include "http/JsonFields.h"
#include "http/Routes.h"
#include "telephony/TelephonyPolicy.h"
#include "telephony/TelephonyServices.h"
#include "util/JsonText.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <functional>
#include <limits>

namespace switchboard::http {
namespace {

using Object = Poco::JSON::Object;
using telephony::ForwardingConfig;
using telephony::Verification;

Poco::Dynamic::Var optionalTime(const std::optional<std::int64_t>& at) {
    return at ? Poco::Dynamic::Var(util::isoTime(*at)) : Poco::Dynamic::Var();
}

Object::Ptr verificationJson(const Verification& v) {
    Object::Ptr o = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("id", v.id);
    o->set("phoneNumber", v.phoneNumber);
    o->set("friendlyName", v.friendlyName);
    o->set("status", v.status);
    const bool pending = v.status == telephony::verification_status::kPending;
    o->set("expiresAt",
           pending ? Poco::Dynamic::Var(util::isoTime(v.codeExpiresAt)) : Poco::Dynamic::Var());
    o->set("attemptsRemaining",
           pending ? Poco::Dynamic::Var(telephony::policy::kMaxWrongCodes - v.attempts)
                   : Poco::Dynamic::Var());
    o->set("lockedUntil", v.status == telephony::verification_status::kFailed
                              ? optionalTime(v.lockedUntil)
                              : Poco::Dynamic::Var());
    o->set("callStatus", v.callStatus);
    o->set("verifiedAt", optionalTime(v.verifiedAt));
    o->set("createdAt", util::isoTime(v.createdAt));
    o->set("hasForwardingConfig", v.forwardingStatus.has_value());
    o->set("forwardingStatus",
           v.forwardingStatus ? Poco::Dynamic::Var(*v.forwardingStatus) : Poco::Dynamic::Var());
    return o;
}

Object::Ptr configJson(const ForwardingConfig& c) {
    auto instructions = util::parseObject(c.instructionsJson);
    Object::Ptr o = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("id", c.id);
    o->set("verifiedCallerId", c.verificationId);
    o->set("simPhoneNumber", c.simPhoneNumber);
    o->set("forwardingType", c.mode);
    o->set("carrier", c.carrier);
    o->set("destinationNumber", c.destinationNumber);
    o->set("ringTimeSeconds",
           c.ringTimeSeconds ? Poco::Dynamic::Var(*c.ringTimeSeconds) : Poco::Dynamic::Var());
    o->set("generatedActivationCode", c.activationCode);
    o->set("generatedDeactivationCode", c.deactivationCode);
    o->set("cancelAllCode",
           c.cancelAllCode ? Poco::Dynamic::Var(*c.cancelAllCode) : Poco::Dynamic::Var());
    o->set("instructions", instructions->getArray("activation"));
    o->set("deactivationInstructions", instructions->getArray("deactivation"));
    o->set("status", c.status);
    o->set("userConfirmedSetup", c.confirmedAt.has_value());
    o->set("confirmedAt", optionalTime(c.confirmedAt));
    o->set("disabledAt", optionalTime(c.disabledAt));
    o->set("createdAt", util::isoTime(c.createdAt));
    o->set("updatedAt", util::isoTime(c.updatedAt));
    return o;
}

std::int64_t requiredId(JsonFields& fields, const std::string& name) {
    auto id = fields.optId(name);
    if (!id) throw ApiError(400, "missing_field", "'" + name + "' is required");
    return *id;
}

std::optional<int> optionalSeconds(const Object::Ptr& body, const std::string& name) {
    if (!body->has(name) || body->isNull(name)) return std::nullopt;
    Poco::Dynamic::Var v = body->get(name);
    if (!v.isInteger())
        throw ApiError(400, "invalid_field", "'" + name + "' must be a whole number of seconds");
    const auto n = v.convert<Poco::Int64>();
    if (n < std::numeric_limits<int>::min() || n > std::numeric_limits<int>::max())
        throw ApiError(400, "invalid_field", "'" + name + "' is out of range");
    return static_cast<int>(n);
}

// Authenticates the tenant, refuses when telephony is off, and adds Retry-After to the
// refusals that end at a known time.
using TelephonyHandler = std::function<void(Exchange&, const store::Tenant&)>;

Handler guarded(telephony::TelephonyServices& services, const Authenticator& auth,
                TelephonyHandler handler) {
    return [&services, &auth, handler = std::move(handler)](Exchange& ex) {
        const store::Tenant tenant = auth.tenant(ex);
        if (!services.enabled())
            throw ApiError(503, "telephony_not_configured",
                           "Telephony is not configured on this server");
        handler(ex, tenant);
    };
}

/// Caller-ID verification: initiate, confirm, list, delete.
void addVerificationRoutes(Router& router, telephony::TelephonyServices& s,
                           const Authenticator& auth) {
    router.add("POST", "/api/telephony/verify-caller-id/initiate",
               guarded(s, auth, [&s](Exchange& ex, const store::Tenant& tenant) {
                   JsonFields fields(ex.jsonBody());
                   const std::string phone = fields.string("phoneNumber");
                   const std::string name = fields.optString("friendlyName").value_or("");
                   fields.finish();
                   auto started = s.verifications().initiate(tenant, phone, name);
                   Object::Ptr body = verificationJson(started.verification);
                   body->set("verificationId", started.verification.id);
                   body->set("message",
                             started.call.callStatus == "dry_run"
                                 ? "Verification recorded in dry-run mode: no call was placed."
                                 : "Verification call placed. Answer it and enter the 6-digit "
                                   "code it reads out.");
                   ex.sendJson(201, body);
               }));

    router.add("POST", "/api/telephony/verify-caller-id/confirm",
               guarded(s, auth, [&s](Exchange& ex, const store::Tenant& tenant) {
                   JsonFields fields(ex.jsonBody());
                   const std::int64_t id = requiredId(fields, "verificationId");
                   const std::string code = fields.string("verificationCode");
                   fields.finish();
                   Verification v = s.verifications().confirm(tenant, id, code);
                   Object::Ptr body = verificationJson(v);
                   body->set("message", "Phone number verified successfully");
                   ex.sendJson(200, body);
               }));

    router.add(
        "GET", "/api/telephony/verified-numbers",
        guarded(s, auth, [&s](Exchange& ex, const store::Tenant& tenant) {
            Poco::JSON::Array::Ptr numbers = new Poco::JSON::Array;
            for (const auto& v : s.verifications().list(tenant, ex.query("status").value_or("")))
                numbers->add(verificationJson(v));
            Object::Ptr body = new Object;
            body->set("numbers", numbers);
            ex.sendJson(200, body);
        }));

    router.add("DELETE", "/api/telephony/verified-numbers/{id}",
               guarded(s, auth, [&s](Exchange& ex, const store::Tenant& tenant) {
                   auto removed =
                       s.verifications().remove(tenant, ex.pathId("id", "no such verified number"));
                   Object::Ptr body = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
                   body->set("deleted", true);
                   body->set("id", removed.verification.id);
                   body->set("phoneNumber", removed.verification.phoneNumber);
                   // Deleting the record does not switch the phone's forwarding off: the
                   // subscriber still has to dial the deactivation code.
                   body->set("forwardingConfig",
                             removed.forwarding
                                 ? Poco::Dynamic::Var(configJson(*removed.forwarding))
                                 : Poco::Dynamic::Var());
                   body->set("message", "Verified number removed");
                   ex.sendJson(200, body);
               }));
}

/// The carrier table and call-forwarding set-up: create, read, confirm, disable.
void addForwardingRoutes(Router& router, telephony::TelephonyServices& s,
                         const Authenticator& auth) {
    router.add("GET", "/api/telephony/carriers",
               guarded(s, auth, [&s](Exchange& ex, const store::Tenant&) {
                   ex.sendJson(200, s.forwarding().carriers());
               }));

    router.add("GET", "/api/telephony/forwarding-config",
               guarded(s, auth, [&s](Exchange& ex, const store::Tenant& tenant) {
                   auto id = ex.query("verifiedCallerId");
                   if (!id)
                       throw ApiError(400, "missing_parameter",
                                      "'verifiedCallerId' query parameter is required");
                   Object::Ptr body = new Object;
                   body->set(
                       "config",
                       configJson(s.forwarding().ofVerification(
                           tenant, Exchange::positiveId(*id, "no such forwarding configuration"))));
                   ex.sendJson(200, body);
               }));

    router.add("POST", "/api/telephony/forwarding-config",
               guarded(s, auth, [&s](Exchange& ex, const store::Tenant& tenant) {
                   Object::Ptr json = ex.jsonBody();
                   telephony::ForwardingRequestInput input;
                   input.ringTimeSeconds = optionalSeconds(json, "ringTimeSeconds");
                   // JsonFields reads strings and ids; the integer was read just above.
                   Object::Ptr rest = new Object(*json);
                   rest->remove("ringTimeSeconds");
                   JsonFields fields(rest);
                   input.verificationId = requiredId(fields, "verifiedCallerId");
                   input.mode = fields.string("forwardingType");
                   input.carrier = fields.string("carrier");
                   input.destination = fields.optString("destinationNumber");
                   fields.finish();
                   Object::Ptr body = new Object;
                   body->set("config", configJson(s.forwarding().create(tenant, input)));
                   ex.sendJson(201, body);
               }));

    router.add("POST", "/api/telephony/forwarding-config/confirm",
               guarded(s, auth, [&s](Exchange& ex, const store::Tenant& tenant) {
                   JsonFields fields(ex.jsonBody());
                   const std::int64_t id = requiredId(fields, "forwardingConfigId");
                   fields.finish();
                   Object::Ptr body = new Object;
                   body->set("config", configJson(s.forwarding().confirm(tenant, id)));
                   body->set("message", "Setup confirmed: your calls now forward as configured.");
                   ex.sendJson(200, body);
               }));

    router.add("DELETE", "/api/telephony/forwarding-config/{id}",
               guarded(s, auth, [&s](Exchange& ex, const store::Tenant& tenant) {
                   ForwardingConfig c = s.forwarding().disable(
                       tenant, ex.pathId("id", "no such forwarding configuration"));
                   Object::Ptr body = new Object;
                   body->set("config", configJson(c));
                   body->set("message", "Forwarding disabled. Dial " + c.deactivationCode +
                                            " on your phone to switch it off.");
                   ex.sendJson(200, body);
               }));
}

}  // namespace

void addTelephonyRoutes(Router& router, telephony::TelephonyServices& services,
                        const Authenticator& auth) {
    addVerificationRoutes(router, services, auth);
    addForwardingRoutes(router, services, auth);
}

}  // namespace switchboard::http
