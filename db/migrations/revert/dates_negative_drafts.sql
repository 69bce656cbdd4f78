BEGIN;
-- NOT VALID: negative drafts written meanwhile stay; new ones are refused again.
ALTER TABLE kassa.invoices DROP CONSTRAINT invoices_not_overpaid,
  ADD CONSTRAINT invoices_not_overpaid CHECK (amount_paid + amount_credited <= total) NOT VALID;
COMMIT;
