-- Revert kassa:debit_order_mandates from pg
BEGIN;
UPDATE kassa.payment_methods SET mandate_status = 'cancelled' WHERE mandate_status = 'declined';
DROP INDEX kassa.payment_methods_by_netcash_account_ref;
ALTER TABLE kassa.payment_methods DROP CONSTRAINT payment_methods_mandate_request_complete,
  DROP COLUMN netcash_account_ref, DROP COLUMN mandate_url, DROP COLUMN mandate_requested_at,
  DROP COLUMN mandate_postback, DROP COLUMN mandate_postback_at, DROP COLUMN mandate_decided_at,
  DROP COLUMN netcash_mandate_ref, DROP COLUMN mandate_decline_reason,
  DROP CONSTRAINT payment_methods_mandate_status_known,
  ADD CONSTRAINT payment_methods_mandate_status_known CHECK (mandate_status IN ('pending', 'active', 'cancelled'));
COMMIT;
