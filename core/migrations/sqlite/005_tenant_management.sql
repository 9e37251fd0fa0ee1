-- Tenants, numbers and keys are managed through the admin API as well as bootstrapped from
-- YAML. `source` says which: YAML start-up sync touches only 'config' rows, so a restart
-- never undoes what the admin did through the API.
ALTER TABLE tenants ADD COLUMN source TEXT NOT NULL DEFAULT 'config';
-- Why a tenant is disabled: 'config' (dropped from YAML; re-enabled when it comes back) or
-- 'admin' (only the admin API enables it again). NULL while enabled.
ALTER TABLE tenants ADD COLUMN disabled_by TEXT;
UPDATE tenants SET disabled_by = 'config' WHERE disabled = 1;
ALTER TABLE tenant_numbers ADD COLUMN source TEXT NOT NULL DEFAULT 'config';
-- The first characters of a key (its random part starts after "sbk_"), so the admin can tell
-- keys apart without the key itself ever being stored. revoked_at may lie in the future: a
-- rotated key keeps working until its grace period ends.
ALTER TABLE api_keys ADD COLUMN key_prefix TEXT NOT NULL DEFAULT '';
CREATE INDEX api_keys_tenant ON api_keys (tenant_id);
ALTER TABLE contacts ADD COLUMN opted_out_at INTEGER;
CREATE INDEX audit_log_tenant ON audit_log (tenant_id, at);
CREATE INDEX audit_log_action ON audit_log (action, at);
