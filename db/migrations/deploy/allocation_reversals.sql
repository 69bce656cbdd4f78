-- A refund, chargeback or debit can take back money that had settled invoices: the allocation
-- is then reversed by a negative row, so the rows of an invoice always sum to its amount_paid
-- from allocations.
BEGIN;
ALTER TABLE kassa.invoice_allocations DROP CONSTRAINT invoice_allocations_amount_positive,
  ADD CONSTRAINT invoice_allocations_amount_not_zero CHECK (amount <> 0);
COMMIT;
