-- A draft may total below zero while its lines are entered (a discount line first); only an
-- issued (numbered) invoice must never be overpaid. Finalisation refuses a negative total
-- (P0I12), so no numbered invoice is negative.
BEGIN;
ALTER TABLE kassa.invoices DROP CONSTRAINT invoices_not_overpaid,
  ADD CONSTRAINT invoices_not_overpaid CHECK (number IS NULL OR amount_paid + amount_credited <= total);
COMMIT;
