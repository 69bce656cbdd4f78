SELECT supplied_on, supplier, recipient FROM kassa.invoices WHERE false;
SELECT supplier, recipient FROM kassa.credit_notes WHERE false;
SELECT tenant_id, credit_note_id, vat_category, vat_rate, net, vat, gross FROM kassa.credit_note_vat_totals WHERE false;
