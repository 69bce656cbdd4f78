-- Retries at dunning steps: a step after the due date may retry the collection (`retry`): an
-- auto-pay customer's primary card is charged once for the step (payments.dunning_step), a
-- debit order returned for a reason that allows one is presented again by the next debit-order
-- run (debit_order_items.retry_step: the step that asked for it; before, it was presented again
-- by the next run on its own). Existing overdue notices carry a retry, so debit orders keep
-- being presented again where a schedule has notices. Staff resolve a batch whose upload answer
-- was lost (debit_order_batches.resolution).
BEGIN;
ALTER TABLE kassa.dunning_steps ADD COLUMN retry boolean NOT NULL DEFAULT false,
  ADD CONSTRAINT dunning_steps_retry_after_due CHECK (NOT retry OR day_offset > 0);
UPDATE kassa.dunning_steps SET retry = true WHERE kind = 'notice' AND day_offset > 0;
ALTER TABLE kassa.payments ADD COLUMN dunning_step integer,
  ADD CONSTRAINT payments_dunning_step_names_invoice CHECK (dunning_step IS NULL OR invoice_id IS NOT NULL);
CREATE UNIQUE INDEX payments_one_retry_per_dunning_step ON kassa.payments (tenant_id, invoice_id, dunning_step)
  WHERE dunning_step IS NOT NULL;
ALTER TABLE kassa.debit_order_items ADD COLUMN retry_step integer,
  ADD CONSTRAINT debit_order_items_retry_step_allowed CHECK (retry_step IS NULL OR retry_allowed);
ALTER TABLE kassa.debit_order_batches ADD COLUMN resolution text
  CONSTRAINT debit_order_batches_resolution_max_length CHECK (char_length(resolution) <= 500);
COMMIT;
