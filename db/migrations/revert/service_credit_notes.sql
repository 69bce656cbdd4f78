BEGIN;
ALTER TABLE kassa.pending_charges DROP COLUMN credit_note_id;
COMMIT;
