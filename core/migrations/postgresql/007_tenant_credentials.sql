-- PostgreSQL twin of migrations/sqlite/007 (see there for the meaning of each column).
CREATE TABLE tenant_credentials (
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    provider TEXT NOT NULL,
    key_id TEXT NOT NULL,
    nonce TEXT NOT NULL,
    ciphertext TEXT NOT NULL,
    tag TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, provider)
);
CREATE INDEX tenant_credentials_key ON tenant_credentials (key_id);
