// X-Twilio-Signature against Twilio's official Node SDK (`twilio` 6.x): every signature here
// is computed by twilio.getExpectedTwilioSignature, and for every case the SDK's own verdict
// (validateRequest / validateRequestWithBody on the URL the server sees) is compared with
// the plugin's verify hook, loaded from the real sb_twilio.so. Node runs once for all cases
// (SetUpTestSuite); a missing node or package fails every test here, never skips.
//
// Groups: Twilio's published examples; port variants; query strings (repeated, encoded,
// raw vs. escaped); parameter sets (repeated keys, '+', spaces, '&', '=', unicode, empty
// values, UTF-16 sort order); JSON bodies with bodySHA256; 60+ seeded random cases, each
// with a tampered twin; 64 seeded pairs of spellings of one URL (raw vs. escaped, host case,
// default port, "./"); credentials in the URL (Twilio's documented rule, a superset of the
// SDK's).
#include "TwilioNodeOracle.h"

#include "plugin/PluginLibrary.h"
#include "plugin/ProviderInstance.h"

#include <Poco/URI.h>
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#ifndef SWITCHBOARD_PLUGIN_DIR
#error "SWITCHBOARD_PLUGIN_DIR must name the directory holding sb_twilio.so"
#endif

namespace {

using switchboard::plugin::PluginLibrary;
using switchboard::plugin::ProviderInstance;
using switchboard::plugin::WebhookRequest;
using switchboard::testing::twilio::OracleCase;
using switchboard::testing::twilio::OracleRun;
using switchboard::testing::twilio::runTwilioOracle;
using Params = std::vector<std::pair<std::string, std::string>>;

constexpr const char* kAccountSid = "AC0123456789abcdef0123456789abcdef";
constexpr const char* kToken = "f3c2a1b0e9d8c7b6a5f4e3d2c1b0a9f8";
constexpr const char* kBase = "https://sms.example.com/api/webhooks/twilio";

// An inbound SMS as Twilio posts it (https://www.twilio.com/docs/messaging/guides/webhook-request).
const Params& inboundParams() {
    static const Params params = {{"MessageSid", "SM1f0e8ae6ade43cb3c0ce4525424e404f"},
                                  {"AccountSid", kAccountSid},
                                  {"From", "+14155551234"},
                                  {"To", "+15550100001"},
                                  {"Body", "Can I book Tuesday? 10:30 + 2 guests & a dog"},
                                  {"NumMedia", "0"}};
    return params;
}

// Form-encodes as a sender may: every byte outside A-Z a-z 0-9 - _ . ~ as %XX (Poco's
// encoder), spaces as '+' or %20.
std::string formBody(const Params& params, bool plusForSpace) {
    std::string body;
    for (const auto& [key, value] : params) {
        std::string k, v;
        Poco::URI::encode(key, "!#$&'()*+,/:;=?@[]", k);
        Poco::URI::encode(value, "!#$&'()*+,/:;=?@[]", v);
        if (plusForSpace) {
            for (auto* s : {&k, &v}) {
                for (std::size_t at; (at = s->find("%20")) != std::string::npos;)
                    s->replace(at, 3, "+");
            }
        }
        body += (body.empty() ? "" : "&") + k + "=" + v;
    }
    return body;
}

// A test-side value only: the SDK's validateRequestWithBody recomputes it from the body, so
// a wrong hash here shows up as the SDK saying "invalid".
std::string sha256Hex(const std::string& data) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr);
    static const char* const kHex = "0123456789abcdef";
    std::string hex;
    for (unsigned int i = 0; i < length; ++i) {
        hex.push_back(kHex[digest[i] >> 4]);
        hex.push_back(kHex[digest[i] & 0x0F]);
    }
    return hex;
}

struct Check {
    std::string group;
    std::string name;
    OracleCase oracle;
    std::string body;  // what the plugin receives
    std::string contentType = "application/x-www-form-urlencoded";
    std::optional<bool> sdkMustSay;     // a known fact about the SDK's verdict
    std::optional<bool> pluginMustSay;  // where the plugin deliberately differs from the SDK
};

class TwilioSignatureOracle : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        try {
            library_ = PluginLibrary::load(std::string(SWITCHBOARD_PLUGIN_DIR) + "/sb_twilio.so");
            buildChecks();
            std::vector<OracleCase> cases;
            for (const auto& check : checks_) cases.push_back(check.oracle);
            run_ = runTwilioOracle(cases);
        } catch (const std::exception& e) {
            setupError_ = e.what();
        }
    }
    static void TearDownTestSuite() {
        instances_.clear();
        library_.reset();
    }
    void SetUp() override { ASSERT_TRUE(setupError_.empty()) << setupError_; }

    static void add(Check check) { checks_.push_back(std::move(check)); }

    static std::size_t addForm(const std::string& group, const std::string& name,
                               const std::string& url, const Params& params,
                               std::optional<std::string> receivedUrl = {},
                               bool plusForSpace = false, const std::string& token = kToken) {
        Check check;
        check.group = group;
        check.name = name;
        check.oracle.authToken = token;
        check.oracle.url = url;
        check.oracle.params = params;
        check.oracle.receivedUrl = std::move(receivedUrl);
        check.body = formBody(params, plusForSpace);
        add(std::move(check));
        return checks_.size() - 1;
    }

    // The same request with one parameter changed, presenting the original's signature.
    static void addTampered(std::size_t original, std::size_t which) {
        Check tampered = checks_[original];
        tampered.group = "tampered";
        tampered.name = "tampered " + checks_[original].name;
        auto& value = tampered.oracle.params[which % tampered.oracle.params.size()].second;
        value += "\xC3\xA9";
        tampered.oracle.presentedFrom = original;
        tampered.body = formBody(tampered.oracle.params, false);
        tampered.sdkMustSay = false;
        add(std::move(tampered));
    }

    static void buildChecks() {
        addPublishedExamples();
        addPorts();
        addQueries();
        addParameterSets();
        addJsonBodies();
        addRandom();
        addSpellings();
        addCredentials();
    }

    static void addPublishedExamples() {
        // https://www.twilio.com/docs/usage/webhooks/webhooks-security (formerly
        // /docs/usage/security#validating-requests): auth token 12345, this URL and these
        // parameters give 0/KCTR6DLpKmkAf8muzZqo1nDgQ=. The twilio-php validation guide's
        // variant (Caller/From +14158675309) gives RSOYDt4T1cUTdK1PDd93/VVr8B8=.
        const std::string url = "https://mycompany.com/myapp.php?foo=1&bar=2";
        for (const std::string caller : {"+12349013030", "+14158675309"}) {
            const std::size_t i = addForm("published", "example with Caller " + caller, url,
                                          {{"CallSid", "CA1234567890ABCDE"},
                                           {"Caller", caller},
                                           {"Digits", "1234"},
                                           {"From", caller},
                                           {"To", "+18005551212"}},
                                          {}, false, "12345");
            checks_[i].sdkMustSay = true;
        }
    }

    static void addPorts() {
        for (const std::string scheme : {"https", "http"}) {
            for (const std::string signedPort : {"", ":443", ":80", ":8443"}) {
                for (const std::string seenPort : {"", ":443", ":80", ":8443"}) {
                    const std::string path = "/api/webhooks/twilio?tenant=acme";
                    const std::size_t i = addForm(
                        "ports", scheme + " signed '" + signedPort + "' seen '" + seenPort + "'",
                        scheme + "://sms.example.com" + signedPort + path, inboundParams(),
                        scheme + "://sms.example.com" + seenPort + path);
                    // What the SDK is documented to do: the default port may be added or
                    // removed, any port may be dropped, none is ever invented.
                    const std::string defaultPort = scheme == "https" ? ":443" : ":80";
                    if (signedPort == seenPort) checks_[i].sdkMustSay = true;
                    if (signedPort.empty() || (seenPort.empty() && signedPort == defaultPort))
                        checks_[i].sdkMustSay = true;
                    if (seenPort.empty() && !signedPort.empty() && signedPort != defaultPort)
                        checks_[i].sdkMustSay = false;
                }
            }
        }
    }

    static void addQueries() {
        const std::string b = kBase;
        // Twilio signs what it calls; the server sees the same URL.
        for (const std::string& url : std::vector<std::string>{
                 b + "?tenant=acme", b + "?a=1&a=2&b=", b + "?q=a+b%20c%2Bd", b + "?name=O'Brien",
                 b + "?name=O%27Brien", b + "?city=M%C3%BCnchen",
                 b + "?city=M\xC3\xBC"
                     "nchen",
                 b + "?emoji=%F0%9F%98%80", b + "?&&x=1&", b + "?", b + "?k=v=w&=empty",
                 b + "/?x=1", b + "?x=%zz", b + "?2=b&10=a&x=%7E",
                 "https://SMS.Example.com/api/"
                 "webhooks/twilio",
                 b + "?redirect=https%3A%2F%2Fexample.org%2Fa%3Fb%3Dc"}) {
            addForm("query", "signed and seen " + url, url, inboundParams());
        }
        // The server sees another spelling of the URL Twilio signed: the SDK's normalised and
        // legacy-querystring fallbacks decide.
        const std::vector<std::pair<std::string, std::string>> pairs = {
            {b + "?name=O'Brien", b + "?name=O%27Brien"},
            {b + "?name=O%27Brien", b + "?name=O'Brien"},
            {b + "?note=a%20b", b + "?note=a+b"},
            {b + "?note=a+b", b + "?note=a%20b"},
            {b + "?x=~", b + "?x=%7E"},
            {b + "?x=%7E", b + "?x=~"},
            {b + "?x=a%2Fb", b + "?x=a/b"},
            {b + "?x=a/b", b + "?x=a%2Fb"},
            {b + "?b=2&a=1", b + "?a=1&b=2"},
            {b + "?city=M%C3%BCnchen", b + "?city=M\xC3\xBC"
                                           "nchen"},
            {"https://sms.example.com/api/webhooks/twilio",
             "https://SMS.EXAMPLE.COM/api/webhooks/twilio"},
            {"https://SMS.EXAMPLE.COM/api/webhooks/twilio",
             "https://sms.example.com/api/webhooks/twilio"},
            {"https://sms.example.com/api/webhooks/twilio",
             "https://sms.example.com/api/./x/../webhooks/twilio"},
            {"https://sms.example.com/api/webhooks/twilio",
             "https://sms.example.com/api/webhooks/twilio?x=1"},
            {"https://sms.example.com/", "https://sms.example.com"},
            {"https://sms.example.com", "https://sms.example.com/"},
            {b + "?x=1", b + "?x=1#frag"},
            {"https://127.0.0.1/hook", "https://0x7f.0.0.1/hook"},
            {"https://sms.example.com/a%7Bb%7D", "https://sms.example.com/a{b}"},
        };
        for (const auto& [signedUrl, seenUrl] : pairs)
            addForm("query", "signed " + signedUrl + " seen " + seenUrl, signedUrl, inboundParams(),
                    seenUrl);
    }

    static void addParameterSets() {
        const std::vector<std::pair<std::string, Params>> sets = {
            {"no parameters", {}},
            {"repeated key, values out of order",
             {{"MediaUrl", "b"}, {"MediaUrl", "a"}, {"X", "1"}}},
            {"repeated identical values", {{"K", "x"}, {"K", "x"}, {"K", "y"}}},
            {"repeated key with an empty value", {{"K", ""}, {"K", "a"}}},
            {"plus, spaces, ampersand, equals",
             {{"Body", "1+1 = 2 & 3+3=6"}, {"a b", "c+d"}, {"a+b", " "}, {"a=b", "&"}}},
            {"percent and reserved", {{"Body", "100% #1? /path:x;y@z [x] $'()*,!"}}},
            {"unicode",
             {{"Body",
               "Gr\xC3\xBC\xC3\x9F"
               "e \xF0\x9F\x98\x80 \xE2\x80\x94 \xE4\xB8\xAD"},
              {"\xC3\xA9", "key"}}},
            // U+FF01 sorts after U+1F600 by code point but before it by UTF-16 code unit,
            // which is JavaScript's order and so the SDK's.
            {"UTF-16 order of keys",
             {{"\xEF\xBC\x81", "1"}, {"\xF0\x9F\x98\x80", "2"}, {"~", "3"}}},
            {"UTF-16 order of values",
             {{"V", "\xF0\x9F\x98\x80"}, {"V", "\xEF\xBC\x81"}, {"V", "\xEE\x80\x80"}}},
            {"empty values and an empty key", {{"Body", ""}, {"To", ""}, {"", "x"}}},
            {"case and digits in keys", {{"body", "a"}, {"Body", "b"}, {"10", "c"}, {"9", "d"}}},
            {"control characters", {{"Body", "line1\nline2\tend\r"}}},
            {"long value", {{"Body", std::string(2000, 'x') + "\xC3\xA9"}}},
            {"many parameters",
             [] {
                 Params many;
                 for (int i = 0; i < 60; ++i)
                     many.emplace_back("P" + std::to_string(i), std::to_string(i * 7));
                 return many;
             }()},
        };
        for (const auto& [name, params] : sets) {
            const std::size_t i = addForm("params", name, kBase, params, {}, false);
            checks_[i].sdkMustSay = true;
            if (!params.empty()) addTampered(i, 0);
            const std::size_t plus =
                addForm("params", name + " (spaces as +)", kBase, params, {}, true);
            checks_[plus].sdkMustSay = true;
        }
    }

    static void addJsonBodies() {
        const std::vector<std::string> bodies = {
            R"({"MessageSid":"SM1","MessageStatus":"delivered"})",
            "{}",
            "{\"Body\":\"Gr\xC3\xBC\xC3\x9F"
            "e \xF0\x9F\x98\x80\",\"n\":1}\n",
            R"({"a":[1,2,{"b":"c d+e&f=g"}]})",
        };
        for (std::size_t k = 0; k < bodies.size(); ++k) {
            for (const std::string& prefix : {std::string("?"), std::string("?tenant=acme&")}) {
                const std::string url =
                    std::string(kBase) + prefix + "bodySHA256=" + sha256Hex(bodies[k]);
                for (const std::string& seen :
                     {url, "https://sms.example.com:443" +
                               url.substr(std::string("https://sms.example.com").size())}) {
                    Check check;
                    check.group = "json";
                    check.name = "body " + std::to_string(k) + " url " + url + " seen " + seen;
                    check.oracle.authToken = kToken;
                    check.oracle.url = url;
                    check.oracle.body = bodies[k];
                    check.oracle.receivedUrl = seen;
                    check.body = bodies[k];
                    check.contentType = "application/json";
                    check.sdkMustSay = true;
                    add(check);
                    // The same URL and signature over another body: the hash gives it away.
                    Check tampered = check;
                    tampered.name = "tampered " + check.name;
                    tampered.oracle.body = bodies[k] + " ";
                    tampered.body = bodies[k] + " ";
                    tampered.oracle.presentedFrom = checks_.size() - 1;
                    tampered.sdkMustSay = false;
                    add(tampered);
                }
            }
        }
    }

    static void addRandom() {
        // Fixed seed, and only rng() itself (whose sequence the standard fixes): the same
        // cases on every machine.
        std::mt19937 rng(20260101u);
        auto pick = [&rng](const auto& list) { return list[rng() % list.size()]; };
        const std::vector<std::string> schemes = {"https", "http"};
        const std::vector<std::string> hosts = {"sms.example.com", "SMS.Example.COM",
                                                "hooks.example.org", "127.0.0.1", "example.com."};
        const std::vector<std::string> ports = {"", "", ":443", ":80", ":8443", ":10443"};
        const std::vector<std::string> pathAtoms = {"api", "webhooks", "twilio",    "v1", "a-b",
                                                    "x_y", "%20",      "caf%C3%A9", "~t", "1.2"};
        const std::vector<std::string> atoms = {"a",
                                                "Z",
                                                "0",
                                                "9",
                                                "-",
                                                "_",
                                                ".",
                                                "~",
                                                " ",
                                                "+",
                                                "&",
                                                "=",
                                                "%",
                                                "#",
                                                "?",
                                                "/",
                                                ":",
                                                "@",
                                                "'",
                                                "\"",
                                                "<",
                                                ">",
                                                "\n",
                                                "\xC3\xA9",
                                                "\xC3\xBC",
                                                "\xE2\x82\xAC",
                                                "\xF0\x9F\x98\x80",
                                                "\xEF\xBC\x81",
                                                "\xEE\x80\x80",
                                                "\xE4\xB8\xAD"};
        const std::vector<std::string> keys = {
            "Body", "From", "To",       "MessageSid",       "MediaUrl0",    "x",   "X",
            "10",   "9",    "\xC3\xA9", "\xF0\x9F\x98\x80", "\xEF\xBC\x81", "a b", "a+b"};
        auto text = [&](std::size_t maxAtoms) {
            std::string s;
            for (std::size_t n = rng() % (maxAtoms + 1); n > 0; --n) s += pick(atoms);
            return s;
        };
        for (int c = 0; c < 64; ++c) {
            std::string token;
            for (int i = 0; i < 32; ++i) token.push_back("0123456789abcdef"[rng() % 16]);
            const std::string scheme = pick(schemes);
            const std::string host = pick(hosts);
            std::string path;
            for (std::size_t n = 1 + rng() % 3; n > 0; --n) path += "/" + pick(pathAtoms);
            std::string query;
            if (rng() % 2) {
                Params q;
                for (std::size_t n = 1 + rng() % 3; n > 0; --n)
                    q.emplace_back(text(2) + "k", text(3));
                query = "?" + formBody(q, rng() % 2);
            }
            Params params;
            for (std::size_t n = rng() % 8; n > 0; --n) {
                params.emplace_back(pick(keys), text(6));
                if (rng() % 5 == 0) params.emplace_back(params.back().first, text(4));  // repeated
            }
            for (std::size_t k = params.size(); k > 1; --k)
                std::swap(params[k - 1], params[rng() % k]);
            const std::string signedPort = pick(ports);
            const std::string seenPort = rng() % 2 ? signedPort : pick(ports);
            const std::string url = scheme + "://" + host + signedPort + path + query;
            const std::string seen = scheme + "://" + host + seenPort + path + query;
            const std::size_t i = addForm("random", "random #" + std::to_string(c), url, params,
                                          seen, rng() % 2, token);
            if (seen == url) checks_[i].sdkMustSay = true;
            if (!params.empty()) {
                // Its twin as signed, and the twin's tampered copy: one value changed after
                // signing.
                Check twin = checks_[i];
                twin.oracle.receivedUrl = url;
                twin.name = "random #" + std::to_string(c) + " (seen as signed)";
                twin.sdkMustSay = true;
                add(twin);
                addTampered(checks_.size() - 1, rng());
            }
        }
    }

    // Twilio signs one spelling of a URL and the server sees another that means the same (or
    // not quite): a character raw or percent-encoded, host case, the default port, a "./"
    // segment. Whether the SDK's normalised and legacy-querystring candidates bridge the two
    // is the SDK's call; the plugin must make the same one.
    static void addSpellings() {
        std::mt19937 rng(4242u);
        using Group = std::vector<std::string>;
        const std::vector<Group> pathAtoms = {{"api"},
                                              {"webhooks"},
                                              {"~t", "%7Et"},
                                              {"caf\xC3\xA9", "caf%C3%A9"},
                                              {"x{y}", "x%7By%7D"},
                                              {"a'b", "a%27b"},
                                              {"p^q"},
                                              {"s%20t"}};
        const std::vector<Group> queryAtoms = {
            {"a"},        {"'", "%27"}, {"~", "%7E"}, {"\xC3\xA9", "%C3%A9"}, {"%20", "+"},
            {"/", "%2F"}, {"!"},        {"*", "%2A"}, {"(", "%28"},           {"\"", "%22"},
            {"<", "%3C"}, {":", "%3A"}, {"%25"}};
        const Group hosts = {"sms.example.com", "SMS.example.COM"};
        const Group ports = {"", ":443"};
        const Group dots = {"", "/."};
        for (int c = 0; c < 64; ++c) {
            std::vector<std::size_t> path(1 + rng() % 3), query(rng() % 6);
            for (auto& a : path) a = rng() % pathAtoms.size();
            for (auto& a : query) a = rng() % queryAtoms.size();
            // One spelling = one choice per group; the seen URL re-spells each with odds 1/4.
            std::vector<std::size_t> choice(3 + path.size() + query.size());
            for (auto& x : choice) x = rng();
            auto spell = [&](const std::vector<std::size_t>& ch) {
                std::size_t n = 0;
                auto of = [&](const Group& g) { return g[ch[n++] % g.size()]; };
                std::string url = "https://" + of(hosts) + of(ports) + of(dots);
                for (auto a : path) url += "/" + of(pathAtoms[a]);
                if (!query.empty()) {
                    url += "?k=";
                    for (std::size_t i = 0; i < query.size(); ++i)
                        url += (i == 2 ? std::string("&j=") : std::string()) +
                               of(queryAtoms[query[i]]);
                }
                return url;
            };
            std::vector<std::size_t> seen = choice;
            for (auto& x : seen)
                if (rng() % 4 == 0) x = rng();
            addForm("spellings", "spelling #" + std::to_string(c), spell(choice), inboundParams(),
                    spell(seen));
        }
    }

    static void addCredentials() {
        // Twilio signs URLs with user:password@ dropped
        // (https://www.twilio.com/docs/usage/security#notes, as quoted in
        // twilio/twilio-aspnet#18); twilio-node 6.2.0 keeps them. The plugin accepts both.
        const std::string withCredentials =
            "https://hook:s3cret@sms.example.com/api/webhooks/twilio";
        std::size_t i = addForm("credentials", "signed and seen with credentials", withCredentials,
                                inboundParams());
        checks_[i].sdkMustSay = true;
        i = addForm("credentials", "signed without, seen with credentials", kBase, inboundParams(),
                    withCredentials);
        checks_[i].sdkMustSay = false;
        checks_[i].pluginMustSay = true;
        i = addForm("credentials", "signed with other credentials",
                    "https://other:pw@sms.example.com/api/webhooks/twilio", inboundParams(),
                    withCredentials);
        checks_[i].sdkMustSay = false;
    }

    static const ProviderInstance& instanceFor(const std::string& token) {
        auto& instance = instances_[token];
        if (!instance) {
            instance = std::make_unique<ProviderInstance>(*library_, "twilio-oracle",
                                                          std::string(R"({"account_sid":")") +
                                                              kAccountSid + R"(","auth_token":")" +
                                                              token + "\"}");
        }
        return *instance;
    }

    static std::string presentedSignature(std::size_t i) {
        const auto& oracle = checks_[i].oracle;
        if (oracle.presented) return *oracle.presented;
        if (oracle.presentedFrom) return run_.results[*oracle.presentedFrom].signature;
        return run_.results[i].signature;
    }

    static bool pluginAccepts(std::size_t i) {
        const Check& check = checks_[i];
        const std::string publicUrl = check.oracle.receivedUrl.value_or(check.oracle.url);
        WebhookRequest request;
        request.method = "POST";
        const auto q = publicUrl.find('?');
        if (q != std::string::npos)
            request.query = publicUrl.substr(q + 1, publicUrl.find('#', q) - q - 1);
        request.headers = {{"content-type", check.contentType},
                           {"x-twilio-signature", presentedSignature(i)}};
        request.body = check.body;
        request.publicUrl = publicUrl;
        request.remoteAddr = "54.172.60.1";
        return instanceFor(check.oracle.authToken).verify(request).status == SB_OK;
    }

    // Every check of `group`: the plugin says what the SDK says (or what the check pins), and
    // the SDK says what is documented where the check pins that. Returns {accepted, rejected}.
    static std::pair<int, int> expectAgreement(const std::string& group) {
        int accepted = 0, rejected = 0;
        for (std::size_t i = 0; i < checks_.size(); ++i) {
            const Check& check = checks_[i];
            if (check.group != group) continue;
            const auto& result = run_.results[i];
            const bool plugin = pluginAccepts(i);
            const std::string context =
                check.name + "\n  signed: " + check.oracle.url +
                "\n  seen:   " + check.oracle.receivedUrl.value_or(check.oracle.url) +
                "\n  body:   " + check.body.substr(0, 300) + "\n  sdk error: " + result.error;
            if (check.sdkMustSay) {
                EXPECT_EQ(result.valid, *check.sdkMustSay) << context;
            }
            EXPECT_EQ(plugin, check.pluginMustSay.value_or(result.valid)) << context;
            (plugin ? accepted : rejected)++;
        }
        return {accepted, rejected};
    }

    static std::unique_ptr<PluginLibrary> library_;
    static std::map<std::string, std::unique_ptr<ProviderInstance>> instances_;
    static std::vector<Check> checks_;
    static OracleRun run_;
    static std::string setupError_;
};

std::unique_ptr<PluginLibrary> TwilioSignatureOracle::library_;
std::map<std::string, std::unique_ptr<ProviderInstance>> TwilioSignatureOracle::instances_;
std::vector<Check> TwilioSignatureOracle::checks_;
OracleRun TwilioSignatureOracle::run_;
std::string TwilioSignatureOracle::setupError_;

TEST_F(TwilioSignatureOracle, TheOracleIsTwiliosNodeSdkVersion6) {
    EXPECT_EQ(run_.twilioVersion.rfind("6.", 0), 0u) << run_.twilioVersion;
    EXPECT_GE(checks_.size(), 250u);
}

TEST_F(TwilioSignatureOracle, PublishedExamplesMatchTheDocumentedSignatures) {
    std::vector<std::string> signatures;
    for (std::size_t i = 0; i < checks_.size(); ++i)
        if (checks_[i].group == "published") signatures.push_back(run_.results[i].signature);
    EXPECT_EQ(signatures, (std::vector<std::string>{"0/KCTR6DLpKmkAf8muzZqo1nDgQ=",
                                                    "RSOYDt4T1cUTdK1PDd93/VVr8B8="}));
    EXPECT_EQ(expectAgreement("published"), std::make_pair(2, 0));
}

TEST_F(TwilioSignatureOracle, PortsAreTriedAsTheSdkTriesThem) {
    auto [accepted, rejected] = expectAgreement("ports");
    EXPECT_GT(accepted, 10);
    EXPECT_GT(rejected, 5);
}

TEST_F(TwilioSignatureOracle, QueryStringsAndUrlSpellingsAreHandledAsTheSdkHandlesThem) {
    auto [accepted, rejected] = expectAgreement("query");
    EXPECT_GT(accepted, 25);
    EXPECT_GT(rejected, 2);
}

TEST_F(TwilioSignatureOracle, ParameterSetsAreSignedAsTheSdkSignsThem) {
    auto [accepted, rejected] = expectAgreement("params");
    EXPECT_EQ(rejected, 0);
    EXPECT_GE(accepted, 28);
}

TEST_F(TwilioSignatureOracle, JsonBodiesAreCheckedThroughBodySha256AsTheSdkChecksThem) {
    auto [accepted, rejected] = expectAgreement("json");
    EXPECT_EQ(accepted, 16);
    EXPECT_EQ(rejected, 16);
}

TEST_F(TwilioSignatureOracle, SixtyRandomCasesAgreeWithTheSdk) {
    auto [accepted, rejected] = expectAgreement("random");
    EXPECT_GE(accepted + rejected, 60);
    EXPECT_GE(accepted, 60);
}

TEST_F(TwilioSignatureOracle, OtherSpellingsOfTheSignedUrlAreJudgedAsTheSdkJudgesThem) {
    auto [accepted, rejected] = expectAgreement("spellings");
    EXPECT_GT(accepted, 10);
    EXPECT_GT(rejected, 10);
}

TEST_F(TwilioSignatureOracle, ChangingOneParameterAfterSigningIsRejected) {
    auto [accepted, rejected] = expectAgreement("tampered");
    EXPECT_EQ(accepted, 0);
    EXPECT_GE(rejected, 50);
}

TEST_F(TwilioSignatureOracle, CredentialsInTheUrlAreDroppedAsTwilioDocuments) {
    EXPECT_EQ(expectAgreement("credentials"), std::make_pair(2, 1));
}

}  // namespace
