-- A price version valid from "today" means the tenant's local today (internal.tenant_today),
-- not current_date (the database session's day, UTC here). A column default cannot name it
-- (the internal schema is rebuilt on every deploy), so the trigger check_price_version
-- (db/functions/300_catalog.sql) fills in a missing valid_from instead.
BEGIN;
ALTER TABLE kassa.price_versions ALTER COLUMN valid_from DROP DEFAULT;
COMMIT;
