-- Write-offs: a credit note of settlement write_off takes an invoice's uncollectable amount due
-- (with the VAT correction bad debts allow) and leaves the invoice written_off, a final state.
BEGIN;
ALTER TABLE kassa.invoices DROP CONSTRAINT invoices_status_known,
  ADD CONSTRAINT invoices_status_known
      CHECK (status IN ('draft', 'finalised', 'partially_paid', 'paid', 'overdue', 'void', 'written_off'));
ALTER TABLE kassa.credit_notes DROP CONSTRAINT credit_notes_settlement_known,
  ADD CONSTRAINT credit_notes_settlement_known CHECK (settlement IN ('balance', 'refund', 'write_off'));
COMMIT;
