BEGIN;
ALTER TABLE kassa.pending_charges DROP COLUMN settled, DROP COLUMN closed_reason, DROP COLUMN closed_on,
  ADD CONSTRAINT pending_charges_settled_once CHECK (invoice_line_id IS NULL OR credit_note_id IS NULL);
COMMIT;
