-- Bring-your-own-carrier: provider credentials a tenant stored for itself, sealed with
-- AES-256-GCM under a master key (credentials.master_keys). `provider` is the tenant-facing
-- name (providers[].tenant_credentials.name, default the plugin name). nonce, ciphertext and
-- tag are base64 of raw bytes; the ciphertext is bound to (tenant_id, provider) as
-- associated data, so a row copied onto another tenant does not decrypt. `key_id` names the
-- master key that sealed the row: rotation re-seals rows whose key is not the active one.
-- `version` grows with every tenant change (not with rotation), so caches of decrypted
-- credentials and concurrent rotations can tell a row changed under them.
CREATE TABLE tenant_credentials (
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    provider TEXT NOT NULL,
    key_id TEXT NOT NULL,
    nonce TEXT NOT NULL,
    ciphertext TEXT NOT NULL,
    tag TEXT NOT NULL,
    version INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, provider)
);
CREATE INDEX tenant_credentials_key ON tenant_credentials (key_id);
