BEGIN;
DROP VIEW IF EXISTS api.identities, api.tenants;
DROP TABLE kassa.refresh_tokens, kassa.login_families, kassa.login_links, kassa.identities;
ALTER TABLE kassa.tenants DROP COLUMN signup_mode;
COMMIT;
