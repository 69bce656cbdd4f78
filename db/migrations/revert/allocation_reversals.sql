BEGIN;
-- NOT VALID: reversal rows written meanwhile stay; new rows are positive again.
ALTER TABLE kassa.invoice_allocations DROP CONSTRAINT invoice_allocations_amount_not_zero,
  ADD CONSTRAINT invoice_allocations_amount_positive CHECK (amount > 0) NOT VALID;
COMMIT;
