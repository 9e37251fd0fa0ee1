-- PostgreSQL twin of migrations/sqlite/008 (see there for what the table holds).
CREATE TABLE parked_receipts (
    id BIGSERIAL PRIMARY KEY,
    provider_instance TEXT NOT NULL,
    provider_ref TEXT NOT NULL,
    raw_status TEXT NOT NULL,
    error_code TEXT NOT NULL DEFAULT '',
    error_message TEXT NOT NULL DEFAULT '',
    raw_payload TEXT NOT NULL,
    ip TEXT NOT NULL DEFAULT '',
    scoped_tenant TEXT,
    received_at BIGINT NOT NULL
);
CREATE INDEX parked_receipts_ref ON parked_receipts (provider_instance, provider_ref);
CREATE INDEX parked_receipts_received ON parked_receipts (received_at);
