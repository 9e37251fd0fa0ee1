-- Delivery receipts that arrived before their message's provider reference was stored: a
-- fast provider can call back before the dispatcher has committed the send's answer. They
-- wait here and are applied the moment the reference is stored (or by the periodic
-- reconciliation); one still unmatched after 24 hours is dropped with a log line.
-- `scoped_tenant` is set when the callback was signed with a tenant's own credentials:
-- then it may only ever apply to that tenant's message.
CREATE TABLE parked_receipts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    provider_instance TEXT NOT NULL,
    provider_ref TEXT NOT NULL,
    raw_status TEXT NOT NULL,
    error_code TEXT NOT NULL DEFAULT '',
    error_message TEXT NOT NULL DEFAULT '',
    raw_payload TEXT NOT NULL,
    ip TEXT NOT NULL DEFAULT '',
    scoped_tenant TEXT,
    received_at INTEGER NOT NULL
);
CREATE INDEX parked_receipts_ref ON parked_receipts (provider_instance, provider_ref);
CREATE INDEX parked_receipts_received ON parked_receipts (received_at);
