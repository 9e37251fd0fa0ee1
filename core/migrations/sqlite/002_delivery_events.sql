-- The immutable delivery-event log: one row per accepted delivery receipt (DLR), late and
-- duplicate ones included. The triggers make immutability a property of the database, not
-- only of the code: no UPDATE or DELETE can succeed.
CREATE TABLE delivery_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    message_id INTEGER NOT NULL REFERENCES messages (id),
    tenant_id TEXT,
    provider_instance TEXT NOT NULL,
    provider_ref TEXT NOT NULL,
    status TEXT NOT NULL,
    raw_status TEXT NOT NULL,
    error_code TEXT,
    raw_payload TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    ip TEXT NOT NULL DEFAULT '',
    applied INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX delivery_events_message ON delivery_events (message_id, id);
CREATE INDEX delivery_events_tenant_received ON delivery_events (tenant_id, received_at);
CREATE INDEX delivery_events_provider_ref ON delivery_events (provider_ref);

CREATE TRIGGER delivery_events_no_update BEFORE UPDATE ON delivery_events
BEGIN
    SELECT RAISE(ABORT, 'delivery_events is append-only');
END;

CREATE TRIGGER delivery_events_no_delete BEFORE DELETE ON delivery_events
BEGIN
    SELECT RAISE(ABORT, 'delivery_events is append-only');
END;

-- Messages that ended FAILED or UNDELIVERED, for the admin now and for notifications later.
CREATE TABLE failure_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at INTEGER NOT NULL,
    tenant_id TEXT,
    message_id INTEGER NOT NULL REFERENCES messages (id),
    status TEXT NOT NULL,
    source TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX failure_events_at ON failure_events (at);
