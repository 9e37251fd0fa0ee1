// Runs tests/node/twilio_signatures.js — Twilio's official Node SDK (`twilio` 6.x in
// tests/node/node_modules) — as an independent oracle for X-Twilio-Signature. Shared by
// TwilioSignatureOracleTest.cpp and the Twilio end-to-end test. Header-only.
//
// Missing node, a missing package or a wrong major version makes runTwilioOracle() throw:
// the calling test fails, it never skips.
#pragma once

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>
#include <Poco/StreamCopier.h>

#include <algorithm>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#ifndef SWITCHBOARD_NODE_DIR
#error "SWITCHBOARD_NODE_DIR must name tests/node (twilio_signatures.js and node_modules)"
#endif

namespace switchboard::testing::twilio {

/// One question for the SDK. `params` keep their order; a key given twice becomes a JSON
/// array, which is how Express hands repeated form keys to the SDK.
struct OracleCase {
    std::string authToken;
    std::string url;  ///< the URL Twilio signed
    std::vector<std::pair<std::string, std::string>> params;
    std::optional<std::string> body;           ///< JSON webhooks (url must carry bodySHA256)
    std::optional<std::string> receivedUrl;    ///< URL the server sees; default url
    std::optional<std::string> presented;      ///< signature to validate; default the computed one
    std::optional<std::size_t> presentedFrom;  ///< or the signature computed for that case
};

struct OracleResult {
    std::string signature;  ///< getExpectedTwilioSignature(authToken, url, params)
    bool valid = false;     ///< validateRequest / validateRequestWithBody on receivedUrl
    std::string error;      ///< what the SDK threw, if it did
};

struct OracleRun {
    std::string twilioVersion;
    std::vector<OracleResult> results;  ///< one per case, in order
};

inline std::string oracleInput(const std::vector<OracleCase>& cases) {
    Poco::JSON::Array array;
    for (const auto& c : cases) {
        Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
        o->set("authToken", c.authToken);
        o->set("url", c.url);
        if (c.body) {
            o->set("body", *c.body);
        } else {
            Poco::JSON::Object::Ptr params = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
            std::vector<std::pair<std::string, std::vector<std::string>>> grouped;
            for (const auto& param : c.params) {
                // Not a structured binding: Clang 14 (the sanitizer build) cannot capture one.
                const std::string& key = param.first;
                auto it = std::find_if(grouped.begin(), grouped.end(),
                                       [&](const auto& g) { return g.first == key; });
                if (it == grouped.end()) {
                    grouped.push_back({key, {param.second}});
                } else {
                    it->second.push_back(param.second);
                }
            }
            for (const auto& [key, values] : grouped) {
                if (values.size() == 1) {
                    params->set(key, values.front());
                } else {
                    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
                    for (const auto& v : values) list->add(v);
                    params->set(key, list);
                }
            }
            o->set("params", params);
        }
        if (c.receivedUrl) o->set("receivedUrl", *c.receivedUrl);
        if (c.presented) o->set("presented", *c.presented);
        if (c.presentedFrom) o->set("presentedFrom", static_cast<int>(*c.presentedFrom));
        array.add(o);
    }
    std::ostringstream out;
    array.stringify(out);
    return out.str();
}

/// Runs node (from PATH) once over all `cases`. Throws std::runtime_error, with node's exit
/// code and stderr, when node cannot be started, the script fails, or the answer does not
/// hold one result per case.
inline OracleRun runTwilioOracle(const std::vector<OracleCase>& cases) {
    const std::string script = std::string(SWITCHBOARD_NODE_DIR) + "/twilio_signatures.js";
    Poco::Pipe in, out, err;
    Poco::ProcessHandle handle = [&] {
        try {
            return Poco::Process::launch("node", {script}, &in, &out, &err);
        } catch (const Poco::Exception& e) {
            throw std::runtime_error("cannot start node (needed for the Twilio SDK oracle): " +
                                     e.displayText());
        }
    }();
    {
        Poco::PipeOutputStream stdinStream(in);
        stdinStream << oracleInput(cases);
        stdinStream.close();
    }
    std::string output, errors;
    Poco::PipeInputStream stdoutStream(out);
    Poco::StreamCopier::copyToString(stdoutStream, output);
    Poco::PipeInputStream stderrStream(err);
    Poco::StreamCopier::copyToString(stderrStream, errors);
    const int code = handle.wait();
    if (code != 0)
        throw std::runtime_error("node " + script + " exited with " + std::to_string(code) +
                                 " (exit 72 = node not found on PATH): " + errors);

    Poco::JSON::Parser parser;
    auto root = parser.parse(output).extract<Poco::JSON::Object::Ptr>();
    OracleRun run;
    run.twilioVersion = root->getValue<std::string>("twilioVersion");
    auto results = root->getArray("results");
    for (std::size_t i = 0; i < results->size(); ++i) {
        auto r = results->getObject(static_cast<unsigned>(i));
        run.results.push_back({r->getValue<std::string>("signature"), r->getValue<bool>("valid"),
                               r->optValue<std::string>("error", "")});
    }
    if (run.results.size() != cases.size())
        throw std::runtime_error("the oracle answered " + std::to_string(run.results.size()) +
                                 " results for " + std::to_string(cases.size()) + " cases");
    return run;
}

/// The X-Twilio-Signature Twilio sends for a form webhook to `url` with `params`.
inline std::string twilioSignature(const std::string& authToken, const std::string& url,
                                   const std::vector<std::pair<std::string, std::string>>& params) {
    return runTwilioOracle({OracleCase{authToken, url, params, {}, {}, {}, {}}})
        .results.front()
        .signature;
}

}  // namespace switchboard::testing::twilio
