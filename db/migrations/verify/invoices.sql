SELECT tenant_id, id, customer_id, number, status, total, amount_paid, amount_due FROM kassa.invoices WHERE false;
SELECT tenant_id, invoice_id, id, amount, vat_rate, service_id, charge_kind FROM kassa.invoice_lines WHERE false;
SELECT tenant_id, invoice_id, amount, source_type FROM kassa.invoice_allocations WHERE false;
SELECT tenant_id, id, invoice_id, number, total FROM kassa.credit_notes WHERE false;
SELECT tenant_id, credit_note_id, invoice_line_id, amount FROM kassa.credit_note_lines WHERE false;
