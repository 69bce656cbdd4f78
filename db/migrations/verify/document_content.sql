SELECT street, postcode, city, tax_number, registration_number, iban, bic FROM kassa.tenants WHERE false;
SELECT street, postcode, city, country, buyer_reference FROM kassa.customers WHERE false;
SELECT code, exemption_reason, exemption_code FROM kassa.vat_rates WHERE false;
SELECT buyer_reference, document_kind, vat_breakdown FROM kassa.invoices WHERE false;
SELECT invoice_number, invoice_issued_on FROM kassa.credit_notes WHERE false;
SELECT vat_code, exemption_reason, exemption_code FROM kassa.credit_note_vat_totals WHERE false;
