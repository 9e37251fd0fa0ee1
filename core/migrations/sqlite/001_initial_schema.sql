-- Times are milliseconds since the Unix epoch (UTC) in INTEGER columns, so ordering and
-- range filters work the same on SQLite and PostgreSQL (BIGINT there).
CREATE TABLE tenants (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    business_name TEXT NOT NULL DEFAULT '',
    default_provider TEXT NOT NULL DEFAULT '',
    disabled INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
);

CREATE TABLE tenant_numbers (
    number TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id)
);

-- API keys are stored only as SHA-256 hex of the key (keys are long random strings, so a
-- fast hash is enough; the plaintext is never stored).
CREATE TABLE api_keys (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    key_hash TEXT NOT NULL UNIQUE,
    label TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL DEFAULT 'config',
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
);

CREATE TABLE contacts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    phone TEXT NOT NULL,
    name TEXT NOT NULL DEFAULT '',
    business_name TEXT NOT NULL DEFAULT '',
    opted_out INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    UNIQUE (tenant_id, phone)
);

-- Both directions. Outbound rows are the outbox: status QUEUED with next_attempt_at due and
-- no live lease (locked_until) are claimable by a dispatcher.
CREATE TABLE messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id TEXT REFERENCES tenants (id),
    contact_id INTEGER REFERENCES contacts (id),
    direction TEXT NOT NULL CHECK (direction IN ('inbound', 'outbound')),
    kind TEXT CHECK (kind IN ('initial', 'reply')),
    from_number TEXT NOT NULL DEFAULT '',
    to_number TEXT NOT NULL,
    body TEXT NOT NULL,
    status TEXT NOT NULL,
    provider_instance TEXT NOT NULL,
    provider_ref TEXT,
    reply_to_message_id INTEGER REFERENCES messages (id),
    reply_context TEXT NOT NULL DEFAULT '{}',
    routing_modem TEXT,
    routing_port TEXT,
    warning TEXT,
    error_code TEXT,
    error_detail TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER,
    locked_until INTEGER,
    lock_owner TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    sent_at INTEGER,
    delivered_at INTEGER,
    failed_at INTEGER
);
CREATE INDEX messages_outbox ON messages (next_attempt_at) WHERE direction = 'outbound' AND status = 'QUEUED';
CREATE INDEX messages_tenant_direction ON messages (tenant_id, direction, id);
CREATE INDEX messages_tenant_contact ON messages (tenant_id, contact_id, id);
CREATE INDEX messages_provider_ref ON messages (provider_instance, provider_ref);

-- Every webhook request, accepted or not, for the admin's verification views.
CREATE TABLE webhook_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    received_at INTEGER NOT NULL,
    route_path TEXT NOT NULL,
    provider_instance TEXT,
    remote_addr TEXT NOT NULL DEFAULT '',
    outcome TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    tenant_id TEXT,
    message_id INTEGER,
    routing TEXT NOT NULL DEFAULT '{}',
    payload TEXT NOT NULL DEFAULT ''
);
CREATE INDEX webhook_events_received ON webhook_events (received_at);

-- Extreme-style modem/port → tenant routes: learned from traffic, or set by the admin
-- (source 'manual' wins and is never overwritten by traffic).
CREATE TABLE modem_routes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    provider_instance TEXT NOT NULL,
    modem TEXT NOT NULL,
    port TEXT NOT NULL,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    source TEXT NOT NULL CHECK (source IN ('traffic', 'manual')),
    updated_at INTEGER NOT NULL,
    UNIQUE (provider_instance, modem, port)
);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at INTEGER NOT NULL,
    tenant_id TEXT,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL DEFAULT '',
    detail TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_at ON audit_log (at);

-- The dry-run sink: the exact provider request a dry-run instance would have sent, with
-- secrets masked.
CREATE TABLE dry_run_requests (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    message_id INTEGER NOT NULL REFERENCES messages (id),
    tenant_id TEXT,
    provider_instance TEXT NOT NULL,
    method TEXT NOT NULL,
    url TEXT NOT NULL,
    headers TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
