-- PostgreSQL twin of migrations/sqlite/001: the same tables, columns and meanings.
-- Times are milliseconds since the Unix epoch (UTC) in BIGINT columns.
CREATE TABLE tenants (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    business_name TEXT NOT NULL DEFAULT '',
    default_provider TEXT NOT NULL DEFAULT '',
    disabled INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);

CREATE TABLE tenant_numbers (
    number TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id)
);

CREATE TABLE api_keys (
    id BIGSERIAL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    key_hash TEXT NOT NULL UNIQUE,
    label TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL DEFAULT 'config',
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);

CREATE TABLE contacts (
    id BIGSERIAL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    phone TEXT NOT NULL,
    name TEXT NOT NULL DEFAULT '',
    business_name TEXT NOT NULL DEFAULT '',
    opted_out INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    UNIQUE (tenant_id, phone)
);

CREATE TABLE messages (
    id BIGSERIAL PRIMARY KEY,
    tenant_id TEXT REFERENCES tenants (id),
    contact_id BIGINT REFERENCES contacts (id),
    direction TEXT NOT NULL CHECK (direction IN ('inbound', 'outbound')),
    kind TEXT CHECK (kind IN ('initial', 'reply')),
    from_number TEXT NOT NULL DEFAULT '',
    to_number TEXT NOT NULL,
    body TEXT NOT NULL,
    status TEXT NOT NULL,
    provider_instance TEXT NOT NULL,
    provider_ref TEXT,
    reply_to_message_id BIGINT REFERENCES messages (id),
    reply_context TEXT NOT NULL DEFAULT '{}',
    routing_modem TEXT,
    routing_port TEXT,
    warning TEXT,
    error_code TEXT,
    error_detail TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT,
    locked_until BIGINT,
    lock_owner TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    sent_at BIGINT,
    delivered_at BIGINT,
    failed_at BIGINT
);
CREATE INDEX messages_outbox ON messages (next_attempt_at) WHERE direction = 'outbound' AND status = 'QUEUED';
CREATE INDEX messages_tenant_direction ON messages (tenant_id, direction, id);
CREATE INDEX messages_tenant_contact ON messages (tenant_id, contact_id, id);
CREATE INDEX messages_provider_ref ON messages (provider_instance, provider_ref);

CREATE TABLE webhook_events (
    id BIGSERIAL PRIMARY KEY,
    received_at BIGINT NOT NULL,
    route_path TEXT NOT NULL,
    provider_instance TEXT,
    remote_addr TEXT NOT NULL DEFAULT '',
    outcome TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    tenant_id TEXT,
    message_id BIGINT,
    routing TEXT NOT NULL DEFAULT '{}',
    payload TEXT NOT NULL DEFAULT ''
);
CREATE INDEX webhook_events_received ON webhook_events (received_at);

CREATE TABLE modem_routes (
    id BIGSERIAL PRIMARY KEY,
    provider_instance TEXT NOT NULL,
    modem TEXT NOT NULL,
    port TEXT NOT NULL,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    source TEXT NOT NULL CHECK (source IN ('traffic', 'manual')),
    updated_at BIGINT NOT NULL,
    UNIQUE (provider_instance, modem, port)
);

CREATE TABLE audit_log (
    id BIGSERIAL PRIMARY KEY,
    at BIGINT NOT NULL,
    tenant_id TEXT,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL DEFAULT '',
    detail TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_at ON audit_log (at);

CREATE TABLE dry_run_requests (
    id BIGSERIAL PRIMARY KEY,
    message_id BIGINT NOT NULL REFERENCES messages (id),
    tenant_id TEXT,
    provider_instance TEXT NOT NULL,
    method TEXT NOT NULL,
    url TEXT NOT NULL,
    headers TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
