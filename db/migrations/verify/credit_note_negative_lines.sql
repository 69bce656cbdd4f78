SELECT 1 / count(*) FROM pg_constraint WHERE conname = 'credit_note_lines_amount_not_zero';
