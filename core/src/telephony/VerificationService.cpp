#include "telephony/VerificationService.h"

#include "store/AuditRepository.h"
#include "telephony/TelephonyPolicy.h"
#include "telephony/TelephonyRepository.h"
#include "telephony/VerificationCode.h"
#include "util/E164.h"
#include "util/JsonText.h"

#include <Poco/JSON/Object.h>

namespace switchboard::telephony {
namespace {

using domain::ErrorKind;
using domain::ServiceError;
namespace vs = verification_status;

std::string detailJson(std::initializer_list<std::pair<const char*, Poco::Dynamic::Var>> fields) {
    Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
    for (const auto& [k, v] : fields) o.set(k, v);
    return util::toJson(o);
}

std::string target(std::int64_t id) { return "caller_id_verification:" + std::to_string(id); }

std::string untilText(TimeMs at) { return util::isoTime(at); }

// What a confirmation decided inside its transaction; the refusal is raised after commit
// so that the attempt it counted is kept.
enum class Verdict { Verified, Wrong, Locked, Expired, Failed, AlreadyVerified, Taken };

/// Decides a confirmation of `v` (locked by the caller's transaction `s`) with `code` at
/// `at`, and stores its effect: verified, a wrong attempt counted, a lockout, or expiry.
Verdict judge(Poco::Data::Session& s, const store::Tenant& tenant, Verification& v,
              const std::string& code, const std::string& codeHashKey, TimeMs at) {
    if (v.status == vs::kVerified) return Verdict::AlreadyVerified;
    if (v.status == vs::kFailed)
        return v.lockedUntil && *v.lockedUntil > at ? Verdict::Locked : Verdict::Failed;
    if (v.status == vs::kExpired || at >= v.codeExpiresAt || !v.codeHash || !v.codeSalt) {
        if (v.status == vs::kPending) TelephonyRepository::markExpired(s, v.id, at);
        return Verdict::Expired;
    }
    if (verificationCodeMatches(codeHashKey, *v.codeSalt, code, *v.codeHash)) {
        if (TelephonyRepository::isVerified(s, tenant.id, v.phoneNumber)) {
            TelephonyRepository::markExpired(s, v.id, at);
            return Verdict::Taken;
        }
        TelephonyRepository::markVerified(s, v.id, at);
        v.status = vs::kVerified;
        v.verifiedAt = at;
        store::AuditRepository::append(s, tenant.id, tenant.auditActor(),
                                       "telephony.verification.verified", target(v.id),
                                       detailJson({{"phoneNumber", v.phoneNumber}}), at);
        return Verdict::Verified;
    }
    Verdict verdict = Verdict::Wrong;
    v.attempts += 1;
    if (v.attempts >= policy::kMaxWrongCodes) {
        v.lockedUntil = at + policy::kLockoutMs;
        TelephonyRepository::markFailed(s, v.id, v.attempts, *v.lockedUntil, at);
        verdict = Verdict::Locked;
    } else {
        TelephonyRepository::recordWrongCode(s, v.id, v.attempts, at);
    }
    store::AuditRepository::append(
        s, tenant.id, tenant.auditActor(),
        verdict == Verdict::Locked ? "telephony.verification.locked"
                                   : "telephony.verification.wrong_code",
        target(v.id), detailJson({{"phoneNumber", v.phoneNumber}, {"attempts", v.attempts}}), at);
    return verdict;
}

/// The refusal a confirmation that did not verify (`verdict`) answers with.
[[noreturn]] void refuse(Verdict verdict, const Verification& v, TimeMs at) {
    switch (verdict) {
        case Verdict::Verified:
            break;
        case Verdict::Wrong: {
            const int left = policy::kMaxWrongCodes - v.attempts;
            throw ServiceError(ErrorKind::InvalidInput, "invalid_code",
                               "Invalid verification code. " + std::to_string(left) +
                                   (left == 1 ? " attempt" : " attempts") + " remaining.");
        }
        case Verdict::Locked:
            throw ServiceError(ErrorKind::Locked, "verification_locked",
                               "Too many wrong codes: this number is locked until " +
                                   untilText(*v.lockedUntil) + "; then start a new verification",
                               *v.lockedUntil - at);
        case Verdict::Failed:
            throw ServiceError(
                ErrorKind::Gone, "verification_failed",
                "This verification failed after too many wrong codes; start a new one");
        case Verdict::Expired:
            throw ServiceError(ErrorKind::Gone, "verification_expired",
                               "Verification code expired. Please request a new one.");
        case Verdict::AlreadyVerified:
        case Verdict::Taken:
            throw ServiceError(ErrorKind::Conflict, "already_verified",
                               "This phone number is already verified for your account");
    }
    throw std::logic_error("unhandled verification verdict");
}

}  // namespace

InitiatedVerification VerificationService::initiate(const store::Tenant& tenant,
                                                    const std::string& phone,
                                                    const std::string& friendlyName) {
    if (!util::isE164(phone))
        throw ServiceError(
            ErrorKind::InvalidInput, "invalid_phone_number",
            "phoneNumber must be in E.164 format: '+', country code and number, 7 to "
            "15 digits, no spaces or dashes (e.g. +15551234567)");
    if (friendlyName.size() > policy::kMaxFriendlyName)
        throw ServiceError(ErrorKind::InvalidInput, "invalid_field",
                           "'friendlyName' must be at most 64 characters");

    const std::string code = newVerificationCode();
    const std::string salt = newCodeSalt();
    Verification v;
    v.tenantId = tenant.id;
    v.phoneNumber = phone;
    v.friendlyName = friendlyName;
    v.status = vs::kPending;
    v.codeSalt = salt;
    v.codeHash = hashVerificationCode(codeHashKey_, salt, code);
    v.providerInstance = placer_.providerId();

    db_.write([&](Poco::Data::Session& s) {
        const TimeMs at = clock_.nowMs();
        TelephonyRepository::lockPhone(s, db_.dialect(), phone);
        if (TelephonyRepository::isVerified(s, tenant.id, phone))
            throw ServiceError(ErrorKind::Conflict, "already_verified",
                               "This phone number is already verified for your account");
        if (auto until = TelephonyRepository::lockedUntil(s, tenant.id, phone, at))
            throw ServiceError(
                ErrorKind::Locked, "verification_locked",
                "Too many wrong codes for this number; try again after " + untilText(*until),
                *until - at);
        auto calls = TelephonyRepository::callsSince(s, phone, at - policy::kCallWindowMs + 1);
        if (calls.size() >= static_cast<std::size_t>(policy::kMaxCallsPerPhone)) {
            // The call that must age out before another is allowed.
            const TimeMs freeAt =
                calls[calls.size() - policy::kMaxCallsPerPhone] + policy::kCallWindowMs;
            throw ServiceError(ErrorKind::RateLimited, "rate_limited",
                               "At most 3 verification calls per phone number per hour; try "
                               "again after " +
                                   untilText(freeAt),
                               freeAt - at);
        }
        TelephonyRepository::supersedePending(s, tenant.id, phone, at);
        v.codeExpiresAt = at + policy::kCodeTtlMs;
        v.createdAt = v.updatedAt = at;
        v.id = TelephonyRepository::insert(s, v);
        TelephonyRepository::recordCall(s, phone, tenant.id, at);
        store::AuditRepository::append(
            s, tenant.id, tenant.auditActor(), "telephony.verification.initiated", target(v.id),
            detailJson({{"phoneNumber", phone}, {"provider", v.providerInstance}}), at);
    });

    CallOutcome call = placer_.place(v, code);
    v.callStatus = call.callStatus;
    v.providerCallRef = call.providerRef;
    if (call.callStatus == "failed") {
        const TimeMs at = clock_.nowMs();
        db_.write([&](Poco::Data::Session& s) {
            TelephonyRepository::markExpired(s, v.id, at);
            store::AuditRepository::append(s, tenant.id, "system",
                                           "telephony.verification.call_failed", target(v.id),
                                           detailJson({{"phoneNumber", phone}}), at);
        });
        throw ServiceError(ErrorKind::UpstreamFailed, "verification_call_failed",
                           "The verification call could not be placed; try again later");
    }
    return {v, call};
}

Verification VerificationService::confirm(const store::Tenant& tenant, std::int64_t id,
                                          const std::string& code) {
    if (code.size() != 6 || code.find_first_not_of("0123456789") != std::string::npos)
        throw ServiceError(
            ErrorKind::InvalidInput, "invalid_code_format",
            "verificationCode must be the 6 digits read out in the verification call");

    Verdict verdict = Verdict::Wrong;
    Verification v;
    TimeMs at = 0;
    db_.write([&](Poco::Data::Session& s) {
        at = clock_.nowMs();
        auto found = TelephonyRepository::find(s, db_.dialect(), tenant.id, id, false);
        if (!found) throw ServiceError(ErrorKind::NotFound, "not_found", "no such verification");
        // The number's lock before the row's, in the order initiate() takes them, so the two
        // cannot deadlock on PostgreSQL.
        TelephonyRepository::lockPhone(s, db_.dialect(), found->phoneNumber);
        found = TelephonyRepository::find(s, db_.dialect(), tenant.id, id, true);
        if (!found) throw ServiceError(ErrorKind::NotFound, "not_found", "no such verification");
        v = *found;
        verdict = judge(s, tenant, v, code, codeHashKey_, at);
    });
    if (verdict != Verdict::Verified) refuse(verdict, v, at);
    return v;
}

std::vector<Verification> VerificationService::list(const store::Tenant& tenant,
                                                    const std::string& status) {
    if (!status.empty() && status != vs::kPending && status != vs::kVerified &&
        status != vs::kFailed && status != vs::kExpired)
        throw ServiceError(ErrorKind::InvalidInput, "invalid_parameter",
                           "'status' must be one of pending, verified, failed, expired");
    return TelephonyRepository::list(db_, tenant.id, status);
}

RemovedVerification VerificationService::remove(const store::Tenant& tenant, std::int64_t id) {
    RemovedVerification removed;
    db_.write([&](Poco::Data::Session& s) {
        const TimeMs at = clock_.nowMs();
        auto found = TelephonyRepository::find(s, db_.dialect(), tenant.id, id, true);
        if (!found) throw ServiceError(ErrorKind::NotFound, "not_found", "no such verified number");
        removed.verification = *found;
        removed.forwarding = TelephonyRepository::configOf(s, tenant.id, id);
        TelephonyRepository::remove(s, tenant.id, id);
        store::AuditRepository::append(
            s, tenant.id, tenant.auditActor(), "telephony.verification.deleted", target(id),
            detailJson({{"phoneNumber", found->phoneNumber},
                        {"forwardingStatus", removed.forwarding
                                                 ? Poco::Dynamic::Var(removed.forwarding->status)
                                                 : Poco::Dynamic::Var()}}),
            at);
    });
    return removed;
}

}  // namespace switchboard::telephony
