-- PostgreSQL twin of migrations/sqlite/002: the append-only delivery-event log.
CREATE TABLE delivery_events (
    id BIGSERIAL PRIMARY KEY,
    message_id BIGINT NOT NULL REFERENCES messages (id),
    tenant_id TEXT,
    provider_instance TEXT NOT NULL,
    provider_ref TEXT NOT NULL,
    status TEXT NOT NULL,
    raw_status TEXT NOT NULL,
    error_code TEXT,
    raw_payload TEXT NOT NULL,
    received_at BIGINT NOT NULL,
    ip TEXT NOT NULL DEFAULT '',
    applied INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX delivery_events_message ON delivery_events (message_id, id);
CREATE INDEX delivery_events_tenant_received ON delivery_events (tenant_id, received_at);
CREATE INDEX delivery_events_provider_ref ON delivery_events (provider_ref);

CREATE FUNCTION delivery_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'delivery_events is append-only'; END $$;
CREATE TRIGGER delivery_events_no_change BEFORE UPDATE OR DELETE ON delivery_events FOR EACH ROW EXECUTE FUNCTION delivery_events_append_only();
CREATE TRIGGER delivery_events_no_truncate BEFORE TRUNCATE ON delivery_events FOR EACH STATEMENT EXECUTE FUNCTION delivery_events_append_only();

CREATE TABLE failure_events (
    id BIGSERIAL PRIMARY KEY,
    at BIGINT NOT NULL,
    tenant_id TEXT,
    message_id BIGINT NOT NULL REFERENCES messages (id),
    status TEXT NOT NULL,
    source TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX failure_events_at ON failure_events (at);
