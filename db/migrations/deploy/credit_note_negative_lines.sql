-- A credit note in full also credits an invoice's negative lines (discounts, pro-rata credits),
-- so such an invoice can be voided; each credit keeps the sign of its line.
BEGIN;
ALTER TABLE kassa.credit_note_lines DROP CONSTRAINT credit_note_lines_amount_positive,
  ADD CONSTRAINT credit_note_lines_amount_not_zero CHECK (amount <> 0);
COMMIT;
