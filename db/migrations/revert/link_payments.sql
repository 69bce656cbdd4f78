-- Revert kassa:link_payments from pg
BEGIN;
ALTER TABLE kassa.payment_settings DROP COLUMN link_gateways;
DROP INDEX kassa.payments_by_octo_ref;
ALTER TABLE kassa.payments DROP COLUMN payment_link_id;
COMMIT;
