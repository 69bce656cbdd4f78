BEGIN;
ALTER TABLE kassa.debit_order_batches DROP COLUMN resolution;
ALTER TABLE kassa.debit_order_items DROP COLUMN retry_step;
DROP INDEX kassa.payments_one_retry_per_dunning_step;
ALTER TABLE kassa.payments DROP COLUMN dunning_step;
ALTER TABLE kassa.dunning_steps DROP COLUMN retry;
COMMIT;
