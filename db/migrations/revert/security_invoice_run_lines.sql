BEGIN;
DROP TABLE kassa.invoice_run_lines;
COMMIT;
