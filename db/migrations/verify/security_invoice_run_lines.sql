SELECT tenant_id, run_id, line_id, billed FROM kassa.invoice_run_lines WHERE false;
