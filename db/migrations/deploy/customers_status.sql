-- Customer status with meaning: the reason given with the last status change, and why a
-- service is suspended (on its own, or with its customer), so that resuming the customer
-- resumes only the services its suspension suspended.
BEGIN;
ALTER TABLE kassa.customers ADD COLUMN status_reason text
  CONSTRAINT customers_status_reason_not_blank CHECK (btrim(status_reason) <> '');

ALTER TABLE kassa.services ADD COLUMN suspension_reason text
  CONSTRAINT services_suspension_reason_known CHECK (suspension_reason IN ('service_suspended', 'customer_suspended'));
UPDATE kassa.services SET suspension_reason = 'service_suspended' WHERE status = 'suspended';
ALTER TABLE kassa.services ADD CONSTRAINT services_suspended_has_reason
  CHECK ((status = 'suspended') = (suspension_reason IS NOT NULL));
COMMIT;
