BEGIN;
ALTER TABLE kassa.credit_note_vat_totals DROP COLUMN vat_code, DROP COLUMN exemption_reason, DROP COLUMN exemption_code;
ALTER TABLE kassa.credit_notes DROP COLUMN invoice_number, DROP COLUMN invoice_issued_on;
ALTER TABLE kassa.invoices DROP COLUMN buyer_reference, DROP COLUMN document_kind, DROP COLUMN vat_breakdown;
ALTER TABLE kassa.vat_rates DROP COLUMN code, DROP COLUMN exemption_reason, DROP COLUMN exemption_code;
ALTER TABLE kassa.customers DROP COLUMN street, DROP COLUMN postcode, DROP COLUMN city, DROP COLUMN country,
  DROP COLUMN buyer_reference;
ALTER TABLE kassa.tenants DROP COLUMN street, DROP COLUMN postcode, DROP COLUMN city, DROP COLUMN tax_number,
  DROP COLUMN registration_number, DROP COLUMN iban, DROP COLUMN bic;
COMMIT;
