BEGIN;
ALTER TABLE kassa.services DROP COLUMN suspension_reason;
ALTER TABLE kassa.customers DROP COLUMN status_reason;
COMMIT;
