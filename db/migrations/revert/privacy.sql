BEGIN;
DROP VIEW IF EXISTS api.tenants, api.customers;
ALTER TABLE kassa.customers DROP COLUMN anonymised_at;
ALTER TABLE kassa.tenants DROP COLUMN privacy_retention_days;
COMMIT;
