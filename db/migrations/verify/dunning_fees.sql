SELECT fee FROM kassa.dunning_steps WHERE false;
SELECT dunning_fee_vat_category FROM kassa.tenants WHERE false;
SELECT vat_category FROM kassa.pending_charges WHERE false;
SELECT vat_category FROM kassa.invoice_run_lines WHERE false;
