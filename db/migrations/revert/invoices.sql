BEGIN;
DROP TABLE kassa.credit_note_lines;
DROP TABLE kassa.credit_notes;
DROP TABLE kassa.invoice_allocations;
DROP TABLE kassa.invoice_lines;
DROP TABLE kassa.invoices;
COMMIT;
