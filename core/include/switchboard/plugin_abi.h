/*
 * Switchboard plugin ABI — the one hard boundary between the core and a provider plugin.
 *
 * Pure C: fixed-width integers, enums with explicit values, {data, size} views and opaque
 * handles. No C++ types, no exceptions and no RTTI cross this boundary, so a plugin built
 * by another compiler (or in another language) loads as long as it honours this header.
 *
 * Versioning
 *   SB_ABI_VERSION = (major << 16) | minor. The host refuses a plugin whose major differs
 *   from its own, or whose minor is newer than its own (the plugin may rely on hooks the
 *   host does not know). Every struct starts with `uint32_t struct_size`; fields are only
 *   ever appended, and a reader must check struct_size before touching a field that a
 *   newer minor appended.
 *   History: 1.0 messaging hooks; 1.1 sb_http_request.received_at_ms; 1.2 SB_CAP_TELEPHONY
 *   and the four telephony hooks appended to sb_plugin_hooks. A 1.0/1.1 plugin still loads
 *   in a 1.2 host: its shorter hook table simply has no telephony hooks. Optional document
 *   keys added since (build_send's "sender", a receipt's "callback_id") need no version: readers
 * ignore unknown keys.
 *
 * Entry point
 *   A plugin library exports exactly one symbol, `sb_plugin_entry` (see the bottom of this
 *   file). Everything else is reached through the descriptor it returns. Libraries are
 *   built with hidden visibility so no other symbol leaks into the host's namespace.
 *
 * Plugins are pure codecs
 *   A plugin never opens sockets, sleeps, retries, touches the database or reads files or
 *   YAML. The host hands it views of HTTP requests/responses and JSON documents, and the
 *   plugin answers with JSON documents written through an sb_output. All I/O, retries,
 *   timeouts and storage belong to the host.
 *
 * Structured data
 *   Everything structured that crosses the boundary is UTF-8 JSON text whose schema is
 *   versioned with the ABI (schema version 1, documented per hook below). Unknown keys in a
 *   document must be ignored by the reader, so either side may add keys in a minor version.
 */
#ifndef SWITCHBOARD_PLUGIN_ABI_H
#define SWITCHBOARD_PLUGIN_ABI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SB_ABI_VERSION_MAJOR 1u
#define SB_ABI_VERSION_MINOR 2u
#define SB_ABI_VERSION ((SB_ABI_VERSION_MAJOR << 16) | SB_ABI_VERSION_MINOR)
#define SB_ABI_MAJOR(v) ((uint32_t)(v) >> 16)
#define SB_ABI_MINOR(v) ((uint32_t)(v)&0xFFFFu)

/* Name of the single exported symbol, for dlsym()/Poco::SharedLibrary::getSymbol(). */
#define SB_PLUGIN_ENTRY_SYMBOL "sb_plugin_entry"

/* A borrowed, not necessarily NUL-terminated byte range. The owner is stated per use. */
typedef struct sb_str {
    const char* data;
    size_t size; /* bytes, not characters */
} sb_str;

/* Result of every hook. Values are fixed forever. */
typedef enum sb_status {
    SB_OK = 0,        /* success; the hook's output holds its documented result */
    SB_NOT_MINE = 1,  /* detect only: the request is not for this plugin */
    SB_REJECTED = 2,  /* verify only: the request is not authentic; output = reason text */
    SB_BAD_INPUT = 3, /* the input is malformed for this plugin; output = reason text */
    SB_ERROR = 4      /* internal error (e.g. an exception caught by the SDK); output = text */
} sb_status;

/* Log levels for sb_host_api.log, ordered by severity. */
typedef enum sb_log_level {
    SB_LOG_DEBUG = 0,
    SB_LOG_INFO = 1,
    SB_LOG_WARNING = 2,
    SB_LOG_ERROR = 3
} sb_log_level;

/* Capability bits in sb_plugin_descriptor.capabilities. They decide which hooks are required. */
#define SB_CAP_MESSAGING 0x1u /* requires every hook marked [messaging] below */
#define SB_CAP_TELEPHONY 0x2u /* ABI 1.2+: requires every hook marked [telephony] below */

/* Opaque host-owned sink a hook writes its result (or its error text) into. */
typedef struct sb_output sb_output;

/* Opaque plugin-owned per-instance state, created by create_instance. */
typedef struct sb_instance sb_instance;

/* One HTTP header. Names are lowercased by the host for requests it received. */
typedef struct sb_header {
    sb_str name;
    sb_str value;
} sb_header;

/*
 * An HTTP request the host received (a provider webhook). All views are owned by the host
 * and valid only for the duration of the hook call; copy what you need to keep.
 */
typedef struct sb_http_request {
    uint32_t struct_size;
    sb_str method; /* "POST", "GET", ... */
    sb_str path;   /* path only, no query string, percent-encoding preserved */
    sb_str query;  /* raw query string without '?', possibly empty */
    const sb_header* headers;
    size_t header_count;
    sb_str body;        /* raw body bytes exactly as received (signatures need them) */
    sb_str remote_addr; /* sender IP as text ("127.0.0.1", "::1"): the socket peer, or the
                           client named in X-Forwarded-For/X-Real-IP when the peer is a
                           proxy the operator listed in server.trusted_proxies */
    sb_str public_url;  /* the URL the provider called, as the operator's YAML gives
                           the public base URL + path + '?' + query (for URL-signed
                           schemes such as Twilio's) */
    /* --- ABI 1.1 --- */
    int64_t received_at_ms; /* when the host received the request, milliseconds since the
                               Unix epoch (UTC); use it, not the plugin's own clock, for
                               timestamp windows so verification is deterministic */
} sb_http_request;

/* An HTTP response the host received from a provider, for parse_send_response. */
typedef struct sb_http_response {
    uint32_t struct_size;
    int32_t status; /* HTTP status code, e.g. 201 */
    const sb_header* headers;
    size_t header_count; /* names lowercased by the host */
    sb_str body;
} sb_http_response;

/*
 * Services the host offers to the plugin. Owned by the host, valid from sb_plugin_entry
 * until the library is unloaded. Every function is thread-safe.
 */
typedef struct sb_host_api {
    uint32_t struct_size;
    uint32_t abi_version; /* the host's SB_ABI_VERSION */
    void* host_context;   /* pass back as the first argument of log */
    /* Writes one log line attributed to the plugin. The host masks configured secrets. */
    void (*log)(void* host_context, sb_log_level level, sb_str message);
    /* Appends bytes to an output. May be called several times per hook; the result is the
       concatenation. Never fails (the host aborts the request if memory is exhausted). */
    void (*output_append)(sb_output* out, const char* data, size_t size);
} sb_host_api;

/*
 * Hooks. Threading contract for every hook that takes an sb_instance: the host may call
 * any hook concurrently from several threads on the same instance, so an instance must be
 * immutable after create_instance (or synchronise internally). Hooks must not block on
 * I/O: they are codecs.
 *
 * Error contract: a hook returns one of the sb_status values documented for it and, for
 * anything but SB_OK/SB_NOT_MINE, writes a one-line human-readable reason into `out`.
 * The reason may reach logs (the host masks secrets) but never a tenant. A hook must never
 * let an exception or longjmp cross the boundary (the C++ SDK catches them for you).
 *
 * Ownership: every pointer argument is borrowed from the host for the duration of the call.
 */
typedef struct sb_plugin_hooks {
    uint32_t struct_size;

    /* [required] Creates one configured instance.
       config_json: the instance's `config:` mapping from YAML as a JSON object, already
       validated by the host against config_schema_json and with secrets resolved.
       On SB_OK, *instance is set (may be NULL if the plugin keeps no state).
       On SB_BAD_INPUT/SB_ERROR, out holds the reason and the host refuses to start. */
    sb_status (*create_instance)(sb_str config_json, sb_instance** instance, sb_output* out);

    /* [required] Destroys an instance from create_instance. Called once, after every
       other call on that instance has returned. Must not fail. */
    void (*destroy_instance)(sb_instance* instance);

    /* [messaging] Does this webhook request belong to this plugin? Used when one route is
       shared by several provider instances. Returns SB_OK (mine) or SB_NOT_MINE; must not
       check authenticity. `out` unused on SB_OK/SB_NOT_MINE. */
    sb_status (*detect)(sb_instance* instance, const sb_http_request* request, sb_output* out);

    /* [messaging] Is this webhook request authentic (signature, shared secret, token)?
       Returns SB_OK, or SB_REJECTED with the reason in out ("signature mismatch", ...).
       Secrets must be compared in constant time. */
    sb_status (*verify)(sb_instance* instance, const sb_http_request* request, sb_output* out);

    /* [messaging] Parses an authentic webhook into canonical events. On SB_OK, out holds
       {"events": [EVENT...]} where EVENT is one of (schema version 1):
         {"type": "inbound", "from": "+E164", "to": "+E164 or provider text",
          "text": "UTF-8 body", "provider_message_id": "...",
          "reply_context": {string: string, ...}   -- opaque to the host, handed back to
                                                      build_send when replying; may be {}
          "routing": {"modem": "...", "port": "..."} -- optional, for the modem/port
                                                      route table }
         {"type": "delivery_receipt", "provider_ref": "...", "raw_status": "...",
          "error_code": "..." (optional), "error_message": "..." (optional),
          "callback_id": "..." (optional: the provider's id of this callback, repeated on
                                its retries; the host stores each such callback once)}
       SB_BAD_INPUT with a reason when the payload is malformed. */
    sb_status (*parse)(sb_instance* instance, const sb_http_request* request, sb_output* out);

    /* [messaging] Builds the provider HTTP request for one outbound message (MT).
       message_json (schema version 1):
         {"message_id": "123", "to": "+E164", "from": "+E164" or null, "text": "UTF-8",
          "kind": "initial" | "reply",
          "reply_context": {string: string} or null  -- from the inbound being answered,
          "status_callback_url": "https://..." or null}
       On SB_OK, out holds
         {"method": "POST", "url": "https://...", "headers": {"Name": "value", ...},
          "body": "exact body text",
          "sender": "+E164 or sender id"  -- optional: the sender the body names (the
                                             message's "from", else the instance's default),
                                             stored on the message as what went on the wire;
                                             omitted when the provider picks one itself}
       SB_BAD_INPUT when the message cannot be expressed for this provider. */
    sb_status (*build_send)(sb_instance* instance, sb_str message_json, sb_output* out);

    /* [messaging] Classifies the provider's answer to a build_send request.
       On SB_OK, out holds
         {"outcome": "ACCEPTED" | "RETRY" | "THROTTLED" | "REJECTED",
          "provider_ref": "..." (ACCEPTED),
          "error_code": "..." (optional), "error_message": "..." (optional, internal only),
          "retry_after_s": <integer seconds> (optional, THROTTLED/RETRY)}
       RETRY and THROTTLED are retried by the host with backoff; REJECTED is final. */
    sb_status (*parse_send_response)(sb_instance* instance, const sb_http_response* response,
                                     sb_output* out);

    /* [messaging] What the provider expects back from a webhook.
       outcome_json: {"result": "accepted" | "rejected" | "ignored" | "error"}.
       On SB_OK, out holds {"status": 200, "content_type": "...", "body": "..."}. */
    sb_status (*webhook_response)(sb_instance* instance, sb_str outcome_json, sb_output* out);

    /* --- ABI 1.2: telephony (caller-ID verification and call-forwarding codes) ---
       A host reads these fields only when the plugin declares SB_CAP_TELEPHONY, an
       abi_version of at least 1.2 and a hook table struct_size that covers them; for an
       older plugin they do not exist. Same threading, ownership and error contracts as the
       hooks above unless a hook says otherwise. */

    /* [telephony] The carriers and forwarding modes this instance can generate codes for.
       No input besides the instance. On SB_OK, out holds (schema version 1):
         {"carriers": [
            {"id": "tmobile", "name": "T-Mobile", "technology": "gsm" | "cdma",
             "cancel_all_code": "##002#" or null,     -- cancels every forwarding, if any
             "modes": [
               {"id": "safety_net", "label": "Safety net: ...",
                "ring_time": null                     -- the carrier takes no ring time
                           | {"min": 5, "max": 60, "step": 1,   -- seconds, inclusive
                              "default": 25 or null}}  -- null: optional, network default
             ]}]}
       Carriers and modes are listed in the plugin's order (the order a UI should show).
       SB_ERROR only for an internal failure. */
    sb_status (*telephony_carriers)(sb_instance* instance, sb_output* out);

    /* [telephony] The codes a subscriber dials on their own phone to switch call forwarding
       on and off, with the human instructions for each step.
       request_json (schema version 1):
         {"carrier": "tmobile", "mode": "safety_net",
          "destination": "+15550109999",        -- E.164 with '+', where calls are forwarded
          "ring_time_s": 25 or null}            -- seconds before a conditional forward;
                                                   null: the carrier's default, if any
       On SB_OK, out holds
         {"carrier": "tmobile", "carrier_name": "T-Mobile", "mode": "safety_net",
          "mode_label": "...", "destination": "+15550109999",
          "ring_time_s": 25 or null,            -- the value encoded in the code, if any
          "activation_code": "**61*+15550109999*11*25#",
          "deactivation_code": "##61#",
          "cancel_all_code": "##002#" or null,
          "activation_instructions": ["Open your phone's dialer ...", ...],
          "deactivation_instructions": [...]}
       SB_BAD_INPUT for an unknown carrier or mode, a destination that is not E.164, or a
       ring time the carrier does not take or that lies outside its range/step (never
       clamped). Unlike other hooks' reasons, this one is written for the end user: one
       sentence naming the carrier, mode and allowed values, no secrets, so the host may
       show it to the tenant verbatim. */
    sb_status (*forwarding_codes)(sb_instance* instance, sb_str request_json, sb_output* out);

    /* [telephony] Builds the provider request that places a caller-ID verification call:
       the provider calls `phone_number` and reads out `code`, which the subscriber then
       types into the tenant's application (so the call proves they hold the phone).
       request_json (schema version 1):
         {"verification_id": "42", "phone_number": "+15551234567",
          "friendly_name": "Office line" or "",
          "code": "123456",                     -- 6 digits, generated by the host's CSPRNG
          "status_callback_url": "https://..." or null}
       On SB_OK, out holds
         {"request": {"method": "POST", "url": "https://...", "headers": {"Name": "v"},
                      "body": "exact body text"},
          "redact": ["1, 2, 3, 4, 5, 6", ...]}  -- every form in which the code appears in
                                                   the request; the host masks each of them
                                                   (and the code itself) wherever it records
                                                   or logs the request (dry-run records)
       The code is a secret: a plugin must not log it or put it in a reason text.
       SB_BAD_INPUT when the call cannot be expressed (e.g. a number the provider refuses). */
    sb_status (*build_verification_call)(sb_instance* instance, sb_str request_json,
                                         sb_output* out);

    /* [telephony] Classifies the provider's answer to a build_verification_call request.
       On SB_OK, out holds the same document as parse_send_response:
         {"outcome": "ACCEPTED" | "RETRY" | "THROTTLED" | "REJECTED",
          "provider_ref": "..." (ACCEPTED: the provider's call id),
          "error_code": "..." (optional), "error_message": "..." (optional, internal only),
          "retry_after_s": <integer seconds> (optional)}
       The host does not retry a verification call on its own (a second call would ring the
       subscriber twice); it reports anything but ACCEPTED to the tenant as a failed call. */
    sb_status (*parse_verification_call_response)(sb_instance* instance,
                                                  const sb_http_response* response, sb_output* out);
} sb_plugin_hooks;

/*
 * What a plugin is. Returned by sb_plugin_entry; must stay valid (static storage) until
 * the library is unloaded. Strings are NUL-terminated UTF-8.
 */
typedef struct sb_plugin_descriptor {
    uint32_t struct_size;
    uint32_t abi_version;        /* the SB_ABI_VERSION the plugin was built against */
    const char* name;            /* unique plugin name, [a-z0-9_-]+, e.g. "extreme" */
    const char* plugin_version;  /* free text, e.g. "1.0.0"; printable, at most 64 bytes */
    const char* build_signature; /* compiler and build, e.g. "g++ 12.2.0": logged at load for
                                    diagnostics, never compared; printable, at most 256
                                    bytes. The host refuses a descriptor without either. */
    uint32_t capabilities;       /* SB_CAP_* bits */
    /* JSON schema of the instance config (version 1):
         {"properties": {"key": {"type": "string"|"integer"|"boolean"|"string_map"|
                                          "string_list",
                                 "required": bool, "secret": bool, "default": value,
                                 "description": "..."}}}
       Unknown keys in an instance's YAML are refused by the host. Values of keys marked
       secret are masked in every log line and dry-run record. */
    const char* config_schema_json;
    /* Default raw → canonical delivery status table: {"raw": "CANONICAL", ...}, where
       CANONICAL is QUEUED, PENDING, SENT, DELIVERED, UNDELIVERED, FAILED or UNKNOWN.
       "{}" for plugins without delivery receipts. */
    const char* default_status_table_json;
    const sb_plugin_hooks* hooks;
} sb_plugin_descriptor;

/*
 * The entry point every plugin exports.
 *   host_abi_version: the host's SB_ABI_VERSION; a plugin may return NULL to refuse a host
 *                     it cannot work with.
 *   host:             host services, valid until the library is unloaded.
 * Returns the descriptor, or NULL to refuse. Called once per load, on the host's main
 * thread, before any hook.
 */
typedef const sb_plugin_descriptor* (*sb_plugin_entry_fn)(uint32_t host_abi_version,
                                                          const sb_host_api* host);

#ifdef __cplusplus
}
#endif

#endif /* SWITCHBOARD_PLUGIN_ABI_H */
