BEGIN;
ALTER TABLE kassa.tenants DROP COLUMN smtp_profile;
COMMIT;
