-- Invoices: behaviour arrives with the billing-core work. Until then the tables are private
-- and locked down (RLS on, no policies).
ALTER TABLE kassa.invoices ENABLE ROW LEVEL SECURITY;
ALTER TABLE kassa.invoice_lines ENABLE ROW LEVEL SECURITY;
ALTER TABLE kassa.invoice_allocations ENABLE ROW LEVEL SECURITY;
ALTER TABLE kassa.credit_notes ENABLE ROW LEVEL SECURITY;
ALTER TABLE kassa.credit_note_lines ENABLE ROW LEVEL SECURITY;
