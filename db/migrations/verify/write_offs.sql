SELECT 1 / count(*) FROM pg_constraint
 WHERE conname = 'invoices_status_known' AND pg_get_constraintdef(oid) LIKE '%written_off%';
SELECT 1 / count(*) FROM pg_constraint
 WHERE conname = 'credit_notes_settlement_known' AND pg_get_constraintdef(oid) LIKE '%write_off%';
