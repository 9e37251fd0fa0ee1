// libFuzzer target: the telephony plugin (sb_telephony.so, SB_CAP_TELEPHONY, ABI 1.2) through
// the host's loader and ABI wrapper, as the service drives it: telephony_carriers,
// forwarding_codes (ForwardingService), build_verification_call and
// parse_verification_call_response (VerificationCallPlacer), and create_instance with a
// mutated carrier table (the table is config/carriers.yaml as the core's
// carriersJsonFromYaml makes it, handed over in the instance config).
//
// Input layout (FuzzedDataProvider; fuzz/make-seeds writes seeds in the same layout):
//   from the END, one value each, always in this order:
//     uint8  config   which instance (modulo 2): 0 the plugin tests' config, 1 another
//                     base_url and language
//     uint8  hook     0 telephony_carriers, 1 forwarding_codes, 2 build_verification_call,
//                     3 parse_verification_call_response, 4 create_instance (modulo 5)
//     uint8  shape    the request document (modulo 8): 0-5 exactly as the core builds it,
//                     6 mutated (see below), 7 raw: the rest of the input is the document
//                     (create_instance: the carrier table)
//     uint8  pickA    forwarding: carrier (< 240: the table's carrier # modulo their count,
//                     else a string); verification: phone kind; response: header count
//                     (modulo 9); create_instance: number of table mutations (modulo 8)
//     uint8  pickB    forwarding: mode (< 240: the carrier's mode # modulo their count, else a
//                     string); verification: code kind
//     uint8  pickC    forwarding: destination kind; verification: callback (bit 0: a URL)
//     uint8  pickD    forwarding: ring time kind (modulo 4): 0 null, 1 a valid value of the
//                     mode, 2 `number` as it is, 3 a boundary of the mode's range
//     int32  number   forwarding: the ring time; verification: the code (abs % 10^6);
//                     response: the HTTP status (100 + abs % 900)
//     uint64 digits   the digits of a generated E.164 number (destination, phone)
//   then, for a mutated document, per mutation (1-3; create_instance: pickA of them):
//     uint8  target   create_instance: the node of the table (root, carrier, mode, ring_time)
//     uint8  key      which member (modulo members + 1: the last adds an unknown key)
//     uint8  kind     remove, null, integer, string, bool, float, array, object, duplicate
//     int64  value    the integer
//   from the START, strings as FuzzedDataProvider::ConsumeRandomLengthString reads them, in
//   the order the hook needs them (a carrier or mode string, a destination, a phone number, a
//   code, a friendly name, a callback URL, a mutation's string, header names and values), and
//   last the rest of the input (the response body; the raw document).
//
// Phone kinds: 0 generated E.164, 1 '+' and a string, 2 a string, 3 "+15551234567".
// Destination kinds: the same with "+15550109999". Code kinds: 0-2 six digits from `number`,
// 3 a string.
//
// What counts as a finding (beyond any sanitizer report), with plugin_abi.h as the contract:
//   - a request as the core builds it answered with anything but SB_OK / SB_BAD_INPUT, or
//     (forwarding_codes, checked against the plugin's own telephony_carriers list) SB_OK for
//     what must be refused or SB_BAD_INPUT for what must be served;
//   - parse_verification_call_response answering anything but SB_OK, or ACCEPTED without a
//     call id or for a non-2xx status;
//   - an SB_OK document that breaks its schema: codes and instructions that are not strings
//     or keep a placeholder, a destination without '+', an activation code that does not
//     dial the destination or the ring time, a ring time outside the mode's range, a
//     verification request the host's codec cannot read, a redact list that leaves a form of
//     the code in the recorded body;
//   - a reason that is empty, not one line or not valid UTF-8 (forwarding reasons are shown
//     to the tenant verbatim; for raw bytes, which the core never sends, only an empty one),
//     or that reveals the auth token or the verification code;
//   - a carrier table the plugin accepts whose telephony_carriers list breaks the schema.
#include "support/Findings.h"
#include "support/PluginHookFuzzer.h"
#include "telephony/CarrierTableSource.h"
#include "util/E164.h"
#include "util/JsonText.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/URI.h>
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <initializer_list>
#include <iterator>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace {

using namespace switchboard;
using namespace switchboard::fuzz;
using plugin::HookResult;
using Poco::JSON::Array;
using Poco::JSON::Object;

// tests/plugins/telephony/TelephonyPluginFixture.h
constexpr const char* kAccountSid = "AC0123456789abcdef0123456789abcdef";
constexpr const char* kAuthToken = "test-twilio-auth-token-42";
constexpr const char* kCallerNumber = "+15550109000";

enum Hook { kCarriers, kForwarding, kVerificationCall, kCallResponse, kCreateInstance, kHooks };

std::string carriersJson() {
    return telephony::carriersJsonFromYaml(telephony::builtInCarriersYaml(), "built-in");
}

std::string instanceConfig(const std::string& carriers, const std::string& baseUrl,
                           const std::string& language) {
    Object config(Poco::JSON_PRESERVE_KEY_ORDER);
    config.set("carriers", carriers);
    config.set("account_sid", kAccountSid);
    config.set("auth_token", kAuthToken);
    config.set("caller_number", kCallerNumber);
    config.set("base_url", baseUrl);
    config.set("language", language);
    return util::toJson(config);
}

// What telephony_carriers listed, for the forwarding_codes oracle.
struct Ring {
    int min = 0, max = 0, step = 1;
    std::optional<int> defaultSeconds;
};
struct Mode {
    std::string id;
    std::optional<Ring> ring;
};
struct Carrier {
    std::string id, name;
    std::optional<std::string> cancelAll;
    std::vector<Mode> modes;
};

struct Decoded {
    std::size_t config = 0;
    int hook = 0;
    int shape = 0;
    std::uint8_t pickA = 0, pickB = 0, pickC = 0, pickD = 0;
    std::int32_t number = 0;
    std::uint64_t digits = 0;
    bool host() const { return shape < 6; }
    bool mutated() const { return shape == 6; }
    bool raw() const { return shape == 7; }
};

std::vector<Carrier>& shippedCarriers() {
    static std::vector<Carrier> carriers;
    return carriers;
}

bool contains(const std::string& text, const std::string& part) {
    return !part.empty() && text.find(part) != std::string::npos;
}

// The auth token may only show up where the input put it.
void requireNoSecret(const std::string& where, const std::string& text, const std::string& input) {
    if (!contains(input, kAuthToken))
        require(!contains(text, kAuthToken), where + " reveals the auth token: " + printable(text));
}

void requireIntegerOrNull(const std::string& where, const Object& o, const std::string& key) {
    require(o.has(key), where + ": '" + key + "' is missing");
    if (o.isNull(key)) return;
    const Poco::Dynamic::Var v = o.get(key);
    require(v.isInteger() && !v.isBoolean(), where + ": '" + key + "' is not an integer");
}

std::optional<int> optionalInt(const Object& o, const std::string& key) {
    if (o.isNull(key)) return std::nullopt;
    return o.getValue<int>(key);
}

void requireStringOrNull(const std::string& where, const Object& o, const std::string& key) {
    require(o.has(key), where + ": '" + key + "' is missing");
    if (!o.isNull(key)) requireStringMember(where, o, key, true);
}

void requireNonEmptyString(const std::string& where, const Object& o, const std::string& key) {
    requireStringMember(where, o, key, true);
    require(!o.getValue<std::string>(key).empty(), where + ": '" + key + "' is empty");
}

// plugin_abi.h, telephony_carriers: {"carriers": [{"id", "name", "technology",
// "cancel_all_code", "modes": [{"id", "label", "ring_time": null | {...}}]}]}.
std::vector<Carrier> checkCarriers(const HookResult& result, const std::string& input) {
    requireStatus("telephony_carriers", result, {SB_OK});
    requireNoSecret("telephony_carriers", result.output, input);
    Object::Ptr root = parsedOutput("telephony_carriers", result);
    Array::Ptr list = root->getArray("carriers");
    require(!list.isNull(), "telephony_carriers has no 'carriers' array: " + result.output);
    require(list->size() > 0, "telephony_carriers lists no carrier");
    std::vector<Carrier> carriers;
    for (std::size_t i = 0; i < list->size(); ++i) {
        const std::string where = "telephony_carriers carriers[" + std::to_string(i) + "]";
        Object::Ptr c = list->getObject(static_cast<unsigned>(i));
        require(!c.isNull(), where + " is not an object");
        Carrier carrier;
        for (const char* key : {"id", "name", "technology"}) requireNonEmptyString(where, *c, key);
        carrier.id = c->getValue<std::string>("id");
        carrier.name = c->getValue<std::string>("name");
        const std::string technology = c->getValue<std::string>("technology");
        require(technology == "gsm" || technology == "cdma",
                where + " technology '" + technology + "' is not gsm or cdma");
        requireStringOrNull(where, *c, "cancel_all_code");
        if (!c->isNull("cancel_all_code"))
            carrier.cancelAll = c->getValue<std::string>("cancel_all_code");
        for (const auto& other : carriers)
            require(other.id != carrier.id, where + " repeats carrier id " + carrier.id);
        Array::Ptr modes = c->getArray("modes");
        require(!modes.isNull() && modes->size() > 0, where + " has no 'modes'");
        for (std::size_t j = 0; j < modes->size(); ++j) {
            const std::string at = where + ".modes[" + std::to_string(j) + "]";
            Object::Ptr m = modes->getObject(static_cast<unsigned>(j));
            require(!m.isNull(), at + " is not an object");
            requireNonEmptyString(at, *m, "id");
            requireNonEmptyString(at, *m, "label");
            Mode mode;
            mode.id = m->getValue<std::string>("id");
            for (const auto& other : carrier.modes)
                require(other.id != mode.id, at + " repeats mode id " + mode.id);
            require(m->has("ring_time"), at + ": 'ring_time' is missing");
            if (!m->isNull("ring_time")) {
                Object::Ptr r = m->getObject("ring_time");
                require(!r.isNull(), at + ".ring_time is neither null nor an object");
                for (const char* key : {"min", "max", "step", "default"})
                    requireIntegerOrNull(at + ".ring_time", *r, key);
                Ring ring;
                require(!r->isNull("min") && !r->isNull("max") && !r->isNull("step"),
                        at + ".ring_time min/max/step must not be null");
                ring.min = r->getValue<int>("min");
                ring.max = r->getValue<int>("max");
                ring.step = r->getValue<int>("step");
                ring.defaultSeconds = optionalInt(*r, "default");
                require(ring.min >= 1 && ring.min <= ring.max && ring.step >= 1,
                        at + ".ring_time is not a range: " + util::toJson(r));
                if (ring.defaultSeconds)
                    require(*ring.defaultSeconds >= ring.min && *ring.defaultSeconds <= ring.max &&
                                (*ring.defaultSeconds - ring.min) % ring.step == 0,
                            at + ".ring_time default is off the range: " + util::toJson(r));
                mode.ring = ring;
            }
            carrier.modes.push_back(std::move(mode));
        }
        carriers.push_back(std::move(carrier));
    }
    return carriers;
}

// ---- request documents -----------------------------------------------------------------

std::string generatedE164(std::uint64_t digits) {
    // '+', a non-zero digit, then 6 to 14 more: every length E.164 allows.
    std::string number = "+" + std::to_string(1 + digits % 9);
    digits /= 9;
    const std::size_t more = 6 + digits % 9;
    digits /= 9;
    for (std::size_t i = 0; i < more; ++i, digits /= 10)
        number += static_cast<char>('0' + digits % 10);
    return number;
}

std::string phoneOf(std::uint8_t kind, std::uint64_t digits, const char* usual,
                    FuzzedDataProvider& in) {
    switch (kind % 4) {
        case 0:
            return generatedE164(digits);
        case 1:
            return "+" + in.ConsumeRandomLengthString(32);
        case 2:
            return in.ConsumeRandomLengthString(32);
        default:
            return usual;
    }
}

// One change to `o`: a member (an existing one, or a new unknown key) removed or given a
// value of another type.
void mutate(Object& o, FuzzedDataProvider& in) {
    std::vector<std::string> keys;
    for (const auto& [key, value] : o) keys.push_back(key);
    const std::size_t pick = in.ConsumeIntegral<std::uint8_t>() % (keys.size() + 1);
    const int kind = in.ConsumeIntegral<std::uint8_t>() % 9;
    const std::int64_t value = in.ConsumeIntegral<std::int64_t>();
    const std::string key = pick < keys.size() ? keys[pick] : "x_unknown";
    switch (kind) {
        case 0:
            o.remove(key);
            break;
        case 1:
            o.set(key, Poco::Dynamic::Var());
            break;
        case 2:
            o.set(key, static_cast<Poco::Int64>(value));
            break;
        case 3:
            o.set(key, in.ConsumeRandomLengthString(64));
            break;
        case 4:
            o.set(key, (value & 1) != 0);
            break;
        case 5:
            o.set(key, static_cast<double>(value) / 3.0);
            break;
        case 6: {
            Array::Ptr a = new Array;
            if (o.has(key)) a->add(o.get(key));
            o.set(key, a);
            break;
        }
        case 7:
            o.set(key, Object::Ptr(new Object));
            break;
        default:
            // Another member's value under this key.
            if (!keys.empty())
                o.set(key, o.get(keys[static_cast<std::size_t>(value) % keys.size()]));
            break;
    }
}

// The document: as the core encodes it, mutated, or the rest of the input.
std::string documentOf(const Object& hostDocument, const Decoded& d, FuzzedDataProvider& in) {
    if (d.raw()) return in.ConsumeRemainingBytesAsString();
    if (!d.mutated()) return util::toJson(hostDocument);
    Object copy(hostDocument);
    const int count = 1 + in.ConsumeIntegral<std::uint8_t>() % 3;
    for (int i = 0; i < count; ++i) mutate(copy, in);
    return util::toJson(copy);
}

bool realisticStrings(std::initializer_list<const std::string*> texts) {
    for (const std::string* text : texts)
        if (!isValidUtf8(*text)) return false;
    return true;
}

// A refusal's reason. Raw bytes are no document the core ever sends (it encodes valid JSON),
// and the SDK passes Poco's parse error on as it is, quoting the offending byte: for them the
// reason only has to exist and keep the secrets.
void checkReason(const std::string& hook, const HookResult& result, const Decoded& d,
                 const std::string& input) {
    if (d.raw()) {
        require(!result.output.empty(), hook + " refused raw input without a reason");
    } else {
        requireReason(hook, result);
    }
    requireNoSecret(hook + " reason", result.output, input);
}

// ---- forwarding_codes --------------------------------------------------------------------

bool ringFits(const Mode& mode, const std::optional<int>& ring) {
    if (!ring) return true;
    if (!mode.ring) return false;
    const Ring& r = *mode.ring;
    return *ring >= r.min && *ring <= r.max && (*ring - r.min) % r.step == 0;
}

void checkForwardingCodes(const HookResult& result, const std::vector<Carrier>& carriers,
                          const std::string& input) {
    const std::string hook = "forwarding_codes";
    Object::Ptr root = parsedOutput(hook, result);
    for (const char* key : {"carrier", "carrier_name", "mode", "mode_label", "destination",
                            "activation_code", "deactivation_code"})
        requireNonEmptyString(hook, *root, key);
    requireIntegerOrNull(hook, *root, "ring_time_s");
    requireStringOrNull(hook, *root, "cancel_all_code");
    const std::string destination = root->getValue<std::string>("destination");
    require(destination[0] == '+' && util::isE164(destination),
            hook + " destination is not E.164: " + printable(destination));
    const std::string activation = root->getValue<std::string>("activation_code");
    const std::string deactivation = root->getValue<std::string>("deactivation_code");
    require(contains(activation, destination),
            hook + " activation code does not dial the destination: " + result.output);
    for (const std::string* code : {&activation, &deactivation})
        require(code->find_first_of("{}") == std::string::npos,
                hook + " code keeps a placeholder: " + printable(*code));
    require(!contains(deactivation, destination),
            hook + " deactivation code carries the destination: " + result.output);

    // The answer is about what was asked, and fits what telephony_carriers lists.
    Object::Ptr request = util::parseObject(input);
    require(root->getValue<std::string>("carrier") == request->getValue<std::string>("carrier") &&
                root->getValue<std::string>("mode") == request->getValue<std::string>("mode") &&
                destination == request->getValue<std::string>("destination"),
            hook + " answered another request: " + result.output + " for " + input);
    const Carrier* carrier = nullptr;
    for (const auto& c : carriers)
        if (c.id == root->getValue<std::string>("carrier")) carrier = &c;
    require(carrier != nullptr, hook + " served an unlisted carrier: " + result.output);
    require(root->getValue<std::string>("carrier_name") == carrier->name,
            hook + " carrier_name differs from telephony_carriers: " + result.output);
    require(root->isNull("cancel_all_code")
                ? !carrier->cancelAll
                : carrier->cancelAll == root->getValue<std::string>("cancel_all_code"),
            hook + " cancel_all_code differs from telephony_carriers: " + result.output);
    const Mode* mode = nullptr;
    for (const auto& m : carrier->modes)
        if (m.id == root->getValue<std::string>("mode")) mode = &m;
    require(mode != nullptr, hook + " served an unlisted mode: " + result.output);
    const std::optional<int> ring = optionalInt(*root, "ring_time_s");
    const std::optional<int> asked =
        request->isNull("ring_time_s") ? std::nullopt : optionalInt(*request, "ring_time_s");
    if (asked) {
        require(ring == asked, hook + " changed the ring time: " + result.output);
    } else {
        require(ring == (mode->ring ? mode->ring->defaultSeconds : std::nullopt),
                hook + " did not use the mode's default ring time: " + result.output);
    }
    require(ringFits(*mode, ring), hook + " ring time is off the mode's range: " + result.output);
    if (ring)
        require(contains(activation, std::to_string(*ring)),
                hook + " activation code does not carry the ring time: " + result.output);

    for (const char* key : {"activation_instructions", "deactivation_instructions"}) {
        Array::Ptr steps = root->getArray(key);
        require(!steps.isNull() && steps->size() > 0, hook + " has no " + key);
        for (std::size_t i = 0; i < steps->size(); ++i) {
            const Poco::Dynamic::Var step = steps->get(static_cast<unsigned>(i));
            require(step.isString(), hook + " " + key + " holds a non-string");
            const std::string text = step.extract<std::string>();
            require(!text.empty() && isValidUtf8(text),
                    hook + " " + key + " holds an empty or non-UTF-8 step: " + printable(text));
            require(!contains(text, "{number}") && !contains(text, "{ring}"),
                    hook + " " + key + " keeps a placeholder: " + text);
        }
    }
    // ForwardingService::create reads the document like this.
    (void)root->getValue<std::string>("activation_code");
    if (!root->isNull("ring_time_s")) (void)root->getValue<int>("ring_time_s");
}

void fuzzForwarding(const plugin::ProviderInstance& instance, const std::vector<Carrier>& carriers,
                    const Decoded& d, FuzzedDataProvider& in) {
    const Carrier* carrier = d.pickA < 240 ? &carriers[d.pickA % carriers.size()] : nullptr;
    const std::string carrierId = carrier ? carrier->id : in.ConsumeRandomLengthString(64);
    const Mode* mode =
        carrier && d.pickB < 240 ? &carrier->modes[d.pickB % carrier->modes.size()] : nullptr;
    const std::string modeId = mode ? mode->id : in.ConsumeRandomLengthString(64);
    const std::string destination = phoneOf(d.pickC, d.digits, "+15550109999", in);
    std::optional<int> ring;
    const Ring* range = mode && mode->ring ? &*mode->ring : nullptr;
    switch (d.pickD % 4) {
        case 0:
            break;
        case 1:
            ring = range ? range->min +
                               static_cast<int>(static_cast<std::uint32_t>(d.number) %
                                                ((range->max - range->min) / range->step + 1)) *
                                   range->step
                         : 25;
            break;
        case 2:
            ring = d.number;
            break;
        default: {
            const int min = range ? range->min : 5, max = range ? range->max : 60;
            const int edges[] = {min - 1,
                                 min,
                                 min + 1,
                                 max - 1,
                                 max,
                                 max + 1,
                                 0,
                                 -1,
                                 std::numeric_limits<int>::min(),
                                 std::numeric_limits<int>::max()};
            ring = edges[static_cast<std::uint32_t>(d.number) % std::size(edges)];
            break;
        }
    }

    // ForwardingService::create's document.
    Object request;
    request.set("carrier", carrierId);
    request.set("mode", modeId);
    request.set("destination", destination);
    request.set("ring_time_s", ring ? Poco::Dynamic::Var(*ring) : Poco::Dynamic::Var());
    // The core only passes strings that are valid UTF-8 (JsonFields refuses others).
    const bool host = d.host() && realisticStrings({&carrierId, &modeId, &destination});
    const std::string input = documentOf(request, d, in);
    HookResult result = instance.forwardingCodes(input);
    if (debugEnabled())
        std::fprintf(stderr, "forwarding_codes %s: %s %s\n", input.c_str(),
                     statusName(result.status), result.output.c_str());

    if (host) {
        requireStatus("forwarding_codes", result, {SB_OK, SB_BAD_INPUT});
        const Carrier* listed = nullptr;
        for (const auto& c : carriers)
            if (c.id == carrierId) listed = &c;
        const Mode* listedMode = nullptr;
        if (listed)
            for (const auto& m : listed->modes)
                if (m.id == modeId) listedMode = &m;
        const bool servable =
            listedMode && util::isE164(destination) && ringFits(*listedMode, ring);
        require(result.ok() == servable, std::string("forwarding_codes ") +
                                             (servable ? "refused" : "served") + " " + input +
                                             ": " + printable(result.output));
    }
    if (result.ok()) {
        requireNoSecret("forwarding_codes", result.output, input);
        // Only a document the hook could read reaches SB_OK; check against what it read.
        checkForwardingCodes(result, carriers, input);
    } else {
        checkReason("forwarding_codes", result, d, input);
    }
}

// ---- build_verification_call -------------------------------------------------------------

std::string spoken(const std::string& code) {
    std::string text;
    for (char c : code) text += (text.empty() ? "" : ", ") + std::string(1, c);
    return text;
}

void checkVerificationCall(const HookResult& result, const std::string& code,
                           const std::string& phone, const std::string& input) {
    const std::string hook = "build_verification_call";
    Object::Ptr root = parsedOutput(hook, result);
    Object::Ptr request = root->getObject("request");
    require(!request.isNull(), hook + " has no 'request' object: " + result.output);
    checkOutgoingRequest(hook + " request", request);
    Array::Ptr redact = root->getArray("redact");
    require(!redact.isNull(), hook + " has no 'redact' array: " + result.output);
    std::vector<std::string> forms{code};
    for (std::size_t i = 0; i < redact->size(); ++i) {
        const Poco::Dynamic::Var form = redact->get(static_cast<unsigned>(i));
        require(form.isString(), hook + " redact holds a non-string");
        forms.push_back(form.extract<std::string>());
    }
    const std::string url = request->getValue<std::string>("url");
    std::string body = request->getValue<std::string>("body");
    require(url.rfind("https://", 0) == 0 || url.rfind("http://", 0) == 0,
            hook + " url is not http(s): " + printable(url));
    for (const auto& [name, value] : *request->getObject("headers"))
        require(!contains(value.extract<std::string>(), kAuthToken),
                hook + " header " + name + " holds the bare auth token");
    requireNoSecret(hook + " url", url, input);
    requireNoSecret(hook + " body", body, input);
    // VerificationCallPlacer masks every listed form in the recorded body; no form of the
    // code may survive, raw or form-decoded (the test's RedactListsEveryForm..., fuzzed).
    if (code.size() == 6 && !contains(phone, code)) {
        for (const auto& form : forms) {
            if (form.empty()) continue;
            for (std::size_t at = body.find(form); at != std::string::npos;
                 at = body.find(form, at + 4))
                body.replace(at, form.size(), "****");
        }
        std::string decoded;
        try {
            Poco::URI::decode(body, decoded, true);
        } catch (const std::exception&) {
            decoded = body;
        }
        require(!contains(decoded, code) && !contains(decoded, spoken(code)),
                hook + " redact leaves the code in the recorded body: " + decoded);
    }
}

void fuzzVerificationCall(const plugin::ProviderInstance& instance, const Decoded& d,
                          FuzzedDataProvider& in) {
    const std::string phone = phoneOf(d.pickA, d.digits, "+15551234567", in);
    std::string code;
    if (d.pickB % 4 < 3) {
        char digits[8];
        std::snprintf(digits, sizeof digits, "%06u",
                      static_cast<unsigned>(static_cast<std::uint32_t>(d.number) % 1000000u));
        code = digits;
    } else {
        code = in.ConsumeRandomLengthString(16);
    }
    const std::string friendlyName = in.ConsumeRandomLengthString(64);
    std::optional<std::string> callback;
    if (d.pickC & 1) callback = in.ConsumeRandomLengthString(256);

    // VerificationCallPlacer::place's document (its callback is null today).
    Object request;
    request.set("verification_id", std::to_string(1 + (d.digits >> 1) % 1000000000));
    request.set("phone_number", phone);
    request.set("friendly_name", friendlyName);
    request.set("code", code);
    request.set("status_callback_url",
                callback ? Poco::Dynamic::Var(*callback) : Poco::Dynamic::Var());
    const std::string callbackText = callback.value_or("");
    const bool host = d.host() && realisticStrings({&phone, &code, &friendlyName, &callbackText});
    const std::string input = documentOf(request, d, in);
    HookResult result = instance.buildVerificationCall(input);
    if (debugEnabled())
        std::fprintf(stderr, "build_verification_call %s: %s %s\n", input.c_str(),
                     statusName(result.status), result.output.c_str());
    if (host) {
        requireStatus("build_verification_call", result, {SB_OK, SB_BAD_INPUT});
        // The host's own checks: an E.164 number and 6 digits are always served.
        const bool sixDigits =
            code.size() == 6 && code.find_first_not_of("0123456789") == std::string::npos;
        if (util::isE164(phone) && sixDigits)
            require(result.ok(),
                    "build_verification_call refused " + input + ": " + printable(result.output));
    }
    if (result.ok()) {
        checkVerificationCall(result, code, phone, input);
    } else {
        checkReason("build_verification_call", result, d, input);
        // The code is a secret (plugin_abi.h): never in a reason.
        if (host && code.size() == 6)
            require(!contains(result.output, code),
                    "build_verification_call reason reveals the code: " + result.output);
    }
}

// ---- parse_verification_call_response ----------------------------------------------------

void fuzzCallResponse(const plugin::ProviderInstance& instance, const Decoded& d,
                      FuzzedDataProvider& in) {
    const int status = 100 + static_cast<int>(static_cast<std::uint32_t>(d.number) % 900);
    const auto headers = consumePairs(in, d.pickA % 9, true);
    const std::string body = in.ConsumeRemainingBytesAsString();
    HookResult result = instance.parseVerificationCallResponse(status, headers, body);
    if (debugEnabled())
        std::fprintf(stderr, "call response %d, %zu headers, %zu-byte body: %s %s\n", status,
                     headers.size(), body.size(), statusName(result.status), result.output.c_str());
    const std::string hook = "parse_verification_call_response";
    requireStatus(hook, result, {SB_OK});
    checkSendResult(hook, result);
    requireNoSecret(hook, result.output, body);
    Object::Ptr root = util::parseObject(result.output);
    if (root->getValue<std::string>("outcome") == "ACCEPTED") {
        require(status >= 200 && status <= 299,
                hook + " accepted HTTP " + std::to_string(status) + ": " + result.output);
        require(!root->optValue<std::string>("provider_ref", "").empty(),
                hook + " accepted without a call id: " + result.output);
    }
}

// ---- create_instance with a mutated carrier table ----------------------------------------

// The objects of the table a mutation can reach: `target` bits 0-1 pick the level (root,
// carrier, mode, ring_time), bits 2-4 the carrier and bits 5-7 the mode (modulo their counts).
// Members are in the parser's (sorted) key order.
Object::Ptr nodeOf(const Object::Ptr& root, std::uint8_t target) {
    const unsigned level = target & 3u, carrierIndex = (target >> 2) & 7u, modeIndex = target >> 5;
    Array::Ptr carriers = root->getArray("carriers");
    if (level == 0 || carriers.isNull() || carriers->size() == 0) return root;
    Object::Ptr carrier = carriers->getObject(carrierIndex % carriers->size());
    if (carrier.isNull() || level == 1) return carrier ? carrier : root;
    Array::Ptr modes = carrier->getArray("modes");
    if (modes.isNull() || modes->size() == 0) return carrier;
    Object::Ptr mode = modes->getObject(modeIndex % modes->size());
    if (mode.isNull() || level == 2) return mode ? mode : carrier;
    Object::Ptr ring = mode->getObject("ring_time");
    return ring ? ring : mode;
}

void fuzzCreateInstance(const Decoded& d, FuzzedDataProvider& in) {
    std::string table;
    if (d.raw()) {
        table = in.ConsumeRemainingBytesAsString();
    } else {
        // A fresh copy of the shipped table each time: mutations change it in place.
        Object::Ptr root = util::parseObject(carriersJson());
        const int count = d.pickA % 8;
        for (int i = 0; i < count; ++i) {
            Object::Ptr node = nodeOf(root, in.ConsumeIntegral<std::uint8_t>());
            mutate(*node, in);
        }
        table = util::toJson(root);
    }
    const std::string config = instanceConfig(
        table, d.config ? "http://127.0.0.1:4010/" : "https://api.twilio.com", "en-US");
    std::unique_ptr<plugin::ProviderInstance> instance;
    try {
        instance =
            std::make_unique<plugin::ProviderInstance>(fuzzedLibrary(), "fuzz-table", config);
    } catch (const std::runtime_error& e) {
        // Refused: the start-up error names the entry, never the token.
        const std::string reason = e.what();
        if (debugEnabled()) std::fprintf(stderr, "create_instance refused: %s\n", e.what());
        require(!contains(reason, kAuthToken), "create_instance reason reveals the auth token");
        require(!contains(reason, "no reason given"), "create_instance refused without a reason");
        return;
    }
    const std::vector<Carrier> carriers = checkCarriers(instance->telephonyCarriers(), table);
    if (debugEnabled())
        std::fprintf(stderr, "create_instance accepted %zu carriers\n", carriers.size());
    // Every mode the accepted table lists, with and without a ring time, must be servable.
    for (const auto& carrier : carriers) {
        for (const auto& mode : carrier.modes) {
            for (int variant = 0; variant < 2; ++variant) {
                std::optional<int> ring;
                if (variant == 1) {
                    if (!mode.ring) continue;
                    ring = mode.ring->max - (mode.ring->max - mode.ring->min) % mode.ring->step;
                }
                Object request;
                request.set("carrier", carrier.id);
                request.set("mode", mode.id);
                request.set("destination", "+15550109999");
                request.set("ring_time_s", ring ? Poco::Dynamic::Var(*ring) : Poco::Dynamic::Var());
                const std::string input = util::toJson(request);
                HookResult result = instance->forwardingCodes(input);
                require(result.ok(), "an accepted table cannot serve " + input + ": " +
                                         printable(result.output));
                checkForwardingCodes(result, carriers, input);
            }
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
    const std::string carriers = carriersJson();
    initPluginFuzzer({"sb_telephony.so",
                      {// The plugin tests' config (TelephonyPluginFixture.h) ...
                       instanceConfig(carriers, "https://api.twilio.com", "en-US"),
                       // ... and BaseUrlIsConfigurableForTestsAndRegions' base URL.
                       instanceConfig(carriers, "http://127.0.0.1:4010/", "fr-CA")},
                      "",
                      ""});
    for (const auto& instance : fuzzedInstances())
        require(instance->telephony(), "sb_telephony.so does not declare SB_CAP_TELEPHONY");
    shippedCarriers() = checkCarriers(fuzzedInstances().front()->telephonyCarriers(), "");
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider in(data, size);
    const auto& instances = fuzzedInstances();
    Decoded d;
    d.config = in.ConsumeIntegral<std::uint8_t>() % instances.size();
    d.hook = in.ConsumeIntegral<std::uint8_t>() % kHooks;
    d.shape = in.ConsumeIntegral<std::uint8_t>() % 8;
    d.pickA = in.ConsumeIntegral<std::uint8_t>();
    d.pickB = in.ConsumeIntegral<std::uint8_t>();
    d.pickC = in.ConsumeIntegral<std::uint8_t>();
    d.pickD = in.ConsumeIntegral<std::uint8_t>();
    d.number = in.ConsumeIntegral<std::int32_t>();
    d.digits = in.ConsumeIntegral<std::uint64_t>();
    const plugin::ProviderInstance& instance = *instances[d.config];
    switch (d.hook) {
        case kCarriers: {
            const std::vector<Carrier> listed = checkCarriers(instance.telephonyCarriers(), "");
            require(listed.size() == shippedCarriers().size(),
                    "telephony_carriers changed between calls");
            break;
        }
        case kForwarding:
            fuzzForwarding(instance, shippedCarriers(), d, in);
            break;
        case kVerificationCall:
            fuzzVerificationCall(instance, d, in);
            break;
        case kCallResponse:
            fuzzCallResponse(instance, d, in);
            break;
        default:
            fuzzCreateInstance(d, in);
            break;
    }
    return 0;
}
