-- A pro-rata credit that no invoice can absorb (a cancelled customer's last credit) is settled
-- by a credit note against the invoice that billed the period; the pending charge records it.
BEGIN;
ALTER TABLE kassa.pending_charges ADD COLUMN credit_note_id uuid,
  ADD CONSTRAINT pending_charges_credit_note FOREIGN KEY (tenant_id, credit_note_id)
    REFERENCES kassa.credit_notes (tenant_id, id),
  ADD CONSTRAINT pending_charges_settled_once CHECK (invoice_line_id IS NULL OR credit_note_id IS NULL);
COMMIT;
