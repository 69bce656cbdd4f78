-- Revert kassa:debit_order_runs from pg
BEGIN;
ALTER TABLE kassa.payment_settings DROP COLUMN debit_order_service, DROP COLUMN debit_order_cutoff;
DELETE FROM kassa.payment_refunds WHERE kind = 'unpaid';
ALTER TABLE kassa.payment_refunds DROP CONSTRAINT payment_refunds_kind_known,
  ADD CONSTRAINT payment_refunds_kind_known CHECK (kind IN ('refund', 'dispute'));
DROP TABLE kassa.debit_order_items;
DROP TABLE kassa.debit_order_batches;
COMMIT;
