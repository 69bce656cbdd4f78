BEGIN;
DROP INDEX kassa.services_non_payment;
UPDATE kassa.services SET suspension_reason = 'service_suspended' WHERE suspension_reason = 'non_payment';
ALTER TABLE kassa.services DROP CONSTRAINT services_suspension_reason_known,
  ADD CONSTRAINT services_suspension_reason_known
  CHECK (suspension_reason IN ('service_suspended', 'customer_suspended'));
DROP TABLE kassa.dunning_pauses, kassa.invoice_dunning_steps, kassa.invoice_dunning, kassa.dunning_steps,
  kassa.dunning_schedules;
COMMIT;
