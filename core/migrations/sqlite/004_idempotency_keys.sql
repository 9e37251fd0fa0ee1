-- Idempotency-Key records for send, reply and bulk: a repeat within 24 hours returns the
-- stored response and sends nothing new. `fingerprint` is SHA-256 of endpoint + body, so a
-- key reused for a different request is refused rather than silently replayed.
CREATE TABLE idempotency_keys (
    tenant_id TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    endpoint TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'done')),
    response_status INTEGER,
    response_body TEXT,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, idempotency_key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
