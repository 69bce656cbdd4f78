SELECT 1 / count(*) FROM pg_constraint
 WHERE conname = 'invoices_not_overpaid' AND pg_get_constraintdef(oid) LIKE '%number IS NULL%';
