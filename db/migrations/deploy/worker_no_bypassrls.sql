-- The worker login (bridges and jobs) no longer acts across tenants by bypassing row-level
-- security: it reaches data only through security definer functions (db/functions/890_worker.sql).
BEGIN;
ALTER ROLE kassa_worker NOBYPASSRLS;
COMMIT;
