BEGIN;
-- NOT VALID: negative credits written meanwhile stay; new ones are refused again.
ALTER TABLE kassa.credit_note_lines DROP CONSTRAINT credit_note_lines_amount_not_zero,
  ADD CONSTRAINT credit_note_lines_amount_positive CHECK (amount > 0) NOT VALID;
COMMIT;
