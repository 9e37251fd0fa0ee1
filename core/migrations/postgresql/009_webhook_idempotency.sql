-- PostgreSQL twin of migrations/sqlite/009 (see there for why each piece exists).
ALTER TABLE messages ADD COLUMN inbound_ref TEXT;
UPDATE messages SET inbound_ref = provider_ref
WHERE direction = 'inbound' AND provider_ref IS NOT NULL AND provider_ref <> ''
  AND id = (SELECT MIN(m2.id) FROM messages m2
            WHERE m2.direction = 'inbound' AND m2.provider_instance = messages.provider_instance
              AND m2.provider_ref = messages.provider_ref);
CREATE UNIQUE INDEX messages_inbound_ref ON messages (provider_instance, inbound_ref);
CREATE INDEX messages_ref ON messages (provider_ref);
CREATE INDEX messages_in_flight ON messages (provider_instance) WHERE direction = 'outbound' AND status = 'QUEUED' AND locked_until IS NOT NULL;

ALTER TABLE delivery_events ADD COLUMN callback_key TEXT;
CREATE UNIQUE INDEX delivery_events_callback ON delivery_events (provider_instance, provider_ref, callback_key);
ALTER TABLE parked_receipts ADD COLUMN callback_key TEXT NOT NULL DEFAULT '';

ALTER TABLE webhook_events ADD COLUMN reason_code TEXT NOT NULL DEFAULT '';
CREATE INDEX webhook_events_outcome_received ON webhook_events (outcome, received_at);
