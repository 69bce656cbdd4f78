-- Revert kassa:credit_control_auto_pay from pg
BEGIN;
ALTER TABLE kassa.payments DROP COLUMN auto_pay_due_on;
ALTER TABLE kassa.customers DROP COLUMN auto_pay;
DROP TABLE kassa.credit_limits;
COMMIT;
