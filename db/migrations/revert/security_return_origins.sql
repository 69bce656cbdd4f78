BEGIN;
ALTER TABLE kassa.payment_settings DROP COLUMN return_origins;
COMMIT;
