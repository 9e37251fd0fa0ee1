#!/usr/bin/env node
// X-Twilio-Signature oracle for the test suite: Twilio's official Node SDK (the `twilio`
// package in ./node_modules, v6) computes and checks signatures, so the C++ plugin is never
// tested against signatures it computed itself.
//
// Input (stdin): a JSON array of cases
//   {"authToken": "...",
//    "url": "the URL Twilio signed",
//    "params": {"Key": "value" | ["v1", "v2"]}    -- form webhooks, or
//    "body": "raw JSON body text"                  -- JSON webhooks; url must then already
//                                                     carry bodySHA256 = hex sha256(body),
//    "receivedUrl": "URL the server sees" (optional, default url),
//    "presented": "X-Twilio-Signature to check" (optional, default the computed one),
//    "presentedFrom": index of an earlier case whose computed signature is presented
//                     (optional; for tampering: another case's parameters, this signature)}
// Output (stdout): {"twilioVersion": "6.x.y", "results": [{"signature": "...",
//   "valid": true|false, "error": "..." (when the SDK threw)}]}, one result per case, in order.
//   signature = twilio.getExpectedTwilioSignature(authToken, url, params | {});
//   valid     = twilio.validateRequest(authToken, presented, receivedUrl, params) or, for a
//               body, twilio.validateRequestWithBody(authToken, presented, receivedUrl, body).
// Exit status 1 (with the reason on stderr) on malformed input, a body case whose url lacks
// bodySHA256, or a missing/wrong-major `twilio` package: the calling test must fail, not skip.
"use strict";

const path = require("path");

function fail(message) {
  process.stderr.write(`twilio_signatures.js: ${message}\n`);
  process.exit(1);
}

let twilio;
let twilioVersion;
try {
  twilio = require(path.join(__dirname, "node_modules", "twilio"));
  twilioVersion = require(path.join(__dirname, "node_modules", "twilio", "package.json")).version;
} catch (e) {
  fail(`cannot load the twilio package from ${__dirname}/node_modules (run scripts/install-deps --test): ${e.message}`);
}
if (!/^6\./.test(twilioVersion)) fail(`expected twilio 6.x, found ${twilioVersion}`);

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  let cases;
  try {
    cases = JSON.parse(input);
  } catch (e) {
    fail(`stdin is not JSON: ${e.message}`);
  }
  if (!Array.isArray(cases)) fail("stdin must be a JSON array of cases");

  const results = [];
  cases.forEach((c, index) => {
    if (typeof c.authToken !== "string" || typeof c.url !== "string")
      fail(`case ${index}: authToken and url must be strings`);
    const isBody = typeof c.body === "string";
    if (isBody && c.url.indexOf("bodySHA256=") === -1)
      fail(`case ${index}: a body case needs bodySHA256 in its url`);
    const params = isBody ? {} : c.params || {};
    const signature = twilio.getExpectedTwilioSignature(c.authToken, c.url, params);
    let presented = typeof c.presented === "string" ? c.presented : signature;
    if (c.presentedFrom !== undefined) {
      if (!Number.isInteger(c.presentedFrom) || c.presentedFrom < 0 || c.presentedFrom >= index)
        fail(`case ${index}: presentedFrom must name an earlier case`);
      presented = results[c.presentedFrom].signature;
    }
    const receivedUrl = typeof c.receivedUrl === "string" ? c.receivedUrl : c.url;
    try {
      const valid = isBody
        ? twilio.validateRequestWithBody(c.authToken, presented, receivedUrl, c.body)
        : twilio.validateRequest(c.authToken, presented, receivedUrl, params);
      results.push({ signature, valid });
    } catch (e) {
      // validateRequest throws (new URL()) for a URL the WHATWG parser refuses: not valid.
      results.push({ signature, valid: false, error: String(e && e.message) });
    }
  });
  process.stdout.write(JSON.stringify({ twilioVersion, results }));
});
