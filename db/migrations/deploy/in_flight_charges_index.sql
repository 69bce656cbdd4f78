-- The charges a crash may have left in flight (auto-pay and dunning retries still pending):
-- internal.in_flight_invoice_charges reads them on every auto-pay and dunning run, by age,
-- which without this index is a scan of every payment.
BEGIN;
CREATE INDEX payments_in_flight_invoice_charges ON kassa.payments (created_at)
  WHERE status = 'pending' AND (auto_pay_due_on IS NOT NULL OR dunning_step IS NOT NULL);
COMMIT;
