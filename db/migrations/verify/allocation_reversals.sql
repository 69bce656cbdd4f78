SELECT 1 / count(*) FROM pg_constraint WHERE conname = 'invoice_allocations_amount_not_zero';
