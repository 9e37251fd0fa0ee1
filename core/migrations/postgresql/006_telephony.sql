-- PostgreSQL twin of migrations/sqlite/006.
-- Telephony (seed 003 §17): caller-ID verifications, the verification calls placed (for the
-- per-phone rate limit), and the call-forwarding configurations of verified numbers.
-- Every table is scoped by tenant_id; times are ms since the Unix epoch.

-- One row per verification started. The code exists only as code_hash = HMAC-SHA256 under
-- the server's telephony.code_hash_key of (code_salt, code); both are cleared once the
-- verification leaves 'pending'. A 'failed' row (too many wrong codes) carries locked_until:
-- the number cannot be verified again by that tenant before then.
CREATE TABLE caller_id_verifications (
    id BIGSERIAL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    phone_number TEXT NOT NULL,
    friendly_name TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('pending', 'verified', 'failed', 'expired')),
    code_salt TEXT,
    code_hash TEXT,
    code_expires_at BIGINT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    locked_until BIGINT,
    provider_instance TEXT NOT NULL,
    call_status TEXT NOT NULL DEFAULT 'requested'
        CHECK (call_status IN ('requested', 'dry_run', 'placed', 'failed')),
    provider_call_ref TEXT,
    verified_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
-- A number is verified at most once per tenant (the API answers 409 before this fires).
CREATE UNIQUE INDEX caller_id_verified_once ON caller_id_verifications (tenant_id, phone_number)
    WHERE status = 'verified';
CREATE INDEX caller_id_tenant_phone ON caller_id_verifications (tenant_id, phone_number, id);
CREATE INDEX caller_id_status ON caller_id_verifications (status, updated_at);

-- Every verification call started, whichever tenant asked: at most 3 per phone number per
-- hour, so no one can make Switchboard ring a stranger's phone over and over. Rows older
-- than a day are dropped by the cleanup job.
CREATE TABLE caller_id_calls (
    id BIGSERIAL PRIMARY KEY,
    phone_number TEXT NOT NULL,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    created_at BIGINT NOT NULL
);
CREATE INDEX caller_id_calls_phone ON caller_id_calls (phone_number, created_at);

-- The request a dry-run telephony instance would have sent, with the code and secrets
-- masked (the dry-run sink of messages is tied to messages rows).
CREATE TABLE caller_id_dry_run_calls (
    id BIGSERIAL PRIMARY KEY,
    verification_id BIGINT NOT NULL,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    provider_instance TEXT NOT NULL,
    method TEXT NOT NULL,
    url TEXT NOT NULL,
    headers TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

-- One forwarding configuration per verified number: pending_setup (codes generated, not
-- yet dialled) → active (the subscriber confirmed dialling) → disabled. Deleted with its
-- verification (the repository deletes both in one transaction).
CREATE TABLE forwarding_configs (
    id BIGSERIAL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    verification_id BIGINT NOT NULL UNIQUE REFERENCES caller_id_verifications (id),
    sim_phone_number TEXT NOT NULL,
    carrier TEXT NOT NULL,
    mode TEXT NOT NULL,
    destination_number TEXT NOT NULL,
    ring_time_s BIGINT,
    activation_code TEXT NOT NULL,
    deactivation_code TEXT NOT NULL,
    cancel_all_code TEXT,
    instructions TEXT NOT NULL DEFAULT '{}',
    status TEXT NOT NULL CHECK (status IN ('pending_setup', 'active', 'disabled')),
    confirmed_at BIGINT,
    disabled_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX forwarding_configs_tenant ON forwarding_configs (tenant_id, id);
