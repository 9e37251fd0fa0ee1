-- Webhooks are idempotent in the schema, not only in the code: a provider's retry, the same
-- callback racing on two processes, or a transaction re-run after its commit went through but
-- its acknowledgement was lost (Database::write) store nothing twice.
--
-- Inbound messages: a provider's message id (Twilio MessageSid, ExtremeSMS id, ...) names one
-- MO. `inbound_ref` carries it for inbound rows and is unique per provider instance. Rows
-- stored twice before this migration keep their data; only the oldest of each group gets the
-- key, so the index can be built without deleting or altering anything already stored.
ALTER TABLE messages ADD COLUMN inbound_ref TEXT;
UPDATE messages SET inbound_ref = provider_ref
WHERE direction = 'inbound' AND provider_ref IS NOT NULL AND provider_ref <> ''
  AND id = (SELECT MIN(m2.id) FROM messages m2
            WHERE m2.direction = 'inbound' AND m2.provider_instance = messages.provider_instance
              AND m2.provider_ref = messages.provider_ref);
CREATE UNIQUE INDEX messages_inbound_ref ON messages (provider_instance, inbound_ref);
-- GET /api/admin/messages?providerRef=… without a provider instance.
CREATE INDEX messages_ref ON messages (provider_ref);
-- "Is a send in flight on this instance?" (every delivery receipt asks, to decide whether an
-- unknown reference may be parked): without this the planner walks the instance's whole
-- (provider_instance, provider_ref) index, one row per message ever sent.
CREATE INDEX messages_in_flight ON messages (provider_instance) WHERE direction = 'outbound' AND status = 'QUEUED' AND locked_until IS NOT NULL;

-- Delivery receipts: every callback is logged, repeats included (DESIGN.md, status model),
-- so one callback's identity is what must not be stored twice. `callback_key` is
-- "provider:<SHA-256 of its id>" when the provider numbers its callbacks and repeats the
-- number on a retry (Twilio's I-Twilio-Idempotency-Token), else "request:<random>" drawn
-- once per HTTP request Switchboard received, which only a re-run of that request's own
-- transaction repeats. Older rows have none (NULLs never collide) and stay as they are. A
-- parked receipt keeps its key.
ALTER TABLE delivery_events ADD COLUMN callback_key TEXT;
CREATE UNIQUE INDEX delivery_events_callback ON delivery_events (provider_instance, provider_ref, callback_key);
ALTER TABLE parked_receipts ADD COLUMN callback_key TEXT NOT NULL DEFAULT '';

-- The category of a refusal (signature, malformed, ip_not_allowed, ...), so the admin can
-- count rejections by cause without parsing free-text reasons.
ALTER TABLE webhook_events ADD COLUMN reason_code TEXT NOT NULL DEFAULT '';
CREATE INDEX webhook_events_outcome_received ON webhook_events (outcome, received_at);
