BEGIN;
-- NOT VALID: invoices written off and their notes stay as they are; new ones are refused.
ALTER TABLE kassa.invoices DROP CONSTRAINT invoices_status_known,
  ADD CONSTRAINT invoices_status_known
      CHECK (status IN ('draft', 'finalised', 'partially_paid', 'paid', 'overdue', 'void')) NOT VALID;
ALTER TABLE kassa.credit_notes DROP CONSTRAINT credit_notes_settlement_known,
  ADD CONSTRAINT credit_notes_settlement_known CHECK (settlement IN ('balance', 'refund')) NOT VALID;
COMMIT;
