-- A pending credit for days the customer has been given back already (staff credited the line
-- in full) is closed, not paid a second time: the row keeps the date and the reason, naming
-- the credit notes that gave the days back. `settled` says whether a pending charge has ended,
-- whichever way: billed on an invoice line, credited by a credit note, or closed.
BEGIN;
ALTER TABLE kassa.pending_charges
  ADD COLUMN closed_on date,
  ADD COLUMN closed_reason text
    CONSTRAINT pending_charges_closed_reason_length CHECK (char_length(closed_reason) <= 500),
  ADD CONSTRAINT pending_charges_closed_with_reason CHECK ((closed_on IS NULL) = (closed_reason IS NULL)),
  DROP CONSTRAINT pending_charges_settled_once,
  ADD CONSTRAINT pending_charges_settled_once CHECK (num_nonnulls(invoice_line_id, credit_note_id, closed_on) <= 1),
  ADD COLUMN settled boolean NOT NULL
    GENERATED ALWAYS AS (num_nonnulls(invoice_line_id, credit_note_id, closed_on) = 1) STORED;
COMMIT;
