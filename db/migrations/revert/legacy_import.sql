BEGIN;
ALTER TABLE kassa.invoices
  DROP CONSTRAINT invoices_not_overpaid,
  ADD CONSTRAINT invoices_not_overpaid CHECK (number IS NULL OR amount_paid + amount_credited <= total),
  DROP CONSTRAINT invoices_number_when_final,
  ADD CONSTRAINT invoices_number_when_final CHECK ((status = 'draft') = (number IS NULL) OR status = 'void'),
  DROP COLUMN legacy_number;
ALTER TABLE kassa.ledger_entries DROP CONSTRAINT ledger_entries_kind_known,
  ADD CONSTRAINT ledger_entries_kind_known CHECK (kind IN
    ('invoice', 'payment', 'top_up', 'bonus', 'refund', 'credit_note', 'adjustment', 'reversal'));
DROP TABLE kassa.legacy_ids;
COMMIT;
