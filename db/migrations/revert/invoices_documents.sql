BEGIN;
DROP INDEX kassa.credit_notes_issued;
DROP INDEX kassa.invoices_issued;
DROP TABLE kassa.credit_note_vat_totals;
ALTER TABLE kassa.credit_notes DROP COLUMN supplier, DROP COLUMN recipient;
ALTER TABLE kassa.invoices DROP COLUMN supplied_on, DROP COLUMN supplier, DROP COLUMN recipient;
COMMIT;
