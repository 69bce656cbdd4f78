-- What an issued document and its e-invoice say (issue 12): structured addresses, the German
-- Steuernummer, the company registration, the bank account for EFT and the buyer reference
-- (BT-10) on the parties; per VAT category its UNTDID 5305 code and exemption reason; on an
-- issued invoice its document kind and its VAT breakdown with those codes, frozen like its
-- parties; on a credit note the number and date of the invoice it corrects.
-- The free-text `address` stays: a document prints the parts when street, postcode and city are
-- given, the free text otherwise (docs/documents.md, "What an issued document says").
BEGIN;
ALTER TABLE kassa.tenants
  ADD COLUMN street text CONSTRAINT tenants_street_max_length CHECK (char_length(street) <= 200),
  ADD COLUMN postcode text CONSTRAINT tenants_postcode_max_length CHECK (char_length(postcode) <= 20),
  ADD COLUMN city text CONSTRAINT tenants_city_max_length CHECK (char_length(city) <= 100),
  ADD COLUMN tax_number text CONSTRAINT tenants_tax_number_max_length CHECK (char_length(tax_number) <= 50),
  ADD COLUMN registration_number text
    CONSTRAINT tenants_registration_number_max_length CHECK (char_length(registration_number) <= 100),
  -- Stored compact and in capitals; the mod-97 checksum is checked by db/functions/100_tenants.sql.
  ADD COLUMN iban text CONSTRAINT tenants_iban_max_length CHECK (char_length(iban) <= 34)
    CONSTRAINT tenants_iban_format CHECK (iban ~ '^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$'),
  ADD COLUMN bic text CONSTRAINT tenants_bic_max_length CHECK (char_length(bic) <= 11)
    CONSTRAINT tenants_bic_format CHECK (bic ~ '^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$');

ALTER TABLE kassa.customers
  ADD COLUMN street text CONSTRAINT customers_street_max_length CHECK (char_length(street) <= 200),
  ADD COLUMN postcode text CONSTRAINT customers_postcode_max_length CHECK (char_length(postcode) <= 20),
  ADD COLUMN city text CONSTRAINT customers_city_max_length CHECK (char_length(city) <= 100),
  ADD COLUMN country char(2) CONSTRAINT customers_country_format CHECK (country ~ '^[A-Z]{2}$'),
  ADD COLUMN buyer_reference text
    CONSTRAINT customers_buyer_reference_max_length CHECK (char_length(buyer_reference) <= 200);
-- Customers so far lived where their tenant is (new ones default to it, 110_customers.sql).
UPDATE kassa.customers c SET country = t.country FROM kassa.tenants t WHERE t.id = c.tenant_id;
ALTER TABLE kassa.customers ALTER COLUMN country SET NOT NULL;

-- The UNTDID 5305 VAT category code (EN 16931 BT-118) and, for exempt, reverse-charge,
-- intra-community, export and out-of-scope supplies, the exemption reason (BT-120 text,
-- BT-121 VATEX code). Standard rate: a rate above zero and no reason; the others: zero percent
-- and (except zero-rated) a reason.
ALTER TABLE kassa.vat_rates
  ADD COLUMN code text,
  ADD COLUMN exemption_reason text
    CONSTRAINT vat_rates_exemption_reason_max_length CHECK (char_length(exemption_reason) <= 500),
  ADD COLUMN exemption_code text
    CONSTRAINT vat_rates_exemption_code_max_length CHECK (char_length(exemption_code) <= 30);
UPDATE kassa.vat_rates SET code = CASE WHEN rate > 0 THEN 'S' ELSE 'Z' END;
ALTER TABLE kassa.vat_rates ALTER COLUMN code SET NOT NULL,
  ADD CONSTRAINT vat_rates_code_known CHECK (code = ANY (ARRAY['S', 'Z', 'E', 'AE', 'K', 'G', 'O', 'L', 'M'])),
  ADD CONSTRAINT vat_rates_code_fits CHECK (
    CASE code WHEN 'S' THEN rate <> 0 AND exemption_reason IS NULL AND exemption_code IS NULL
              WHEN 'Z' THEN rate = 0 AND exemption_reason IS NULL AND exemption_code IS NULL
              WHEN 'L' THEN exemption_reason IS NULL AND exemption_code IS NULL
              WHEN 'M' THEN exemption_reason IS NULL AND exemption_code IS NULL
              ELSE rate = 0 AND (exemption_reason IS NOT NULL OR exemption_code IS NOT NULL) END);

-- The issued invoice: its buyer reference (the customer's unless the draft sets one), the
-- kind of document it is (what its title says), and its VAT breakdown with the categories'
-- codes as they were at issue.
ALTER TABLE kassa.invoices
  ADD COLUMN buyer_reference text
    CONSTRAINT invoices_buyer_reference_max_length CHECK (char_length(buyer_reference) <= 200),
  ADD COLUMN document_kind text CONSTRAINT invoices_document_kind CHECK (document_kind = ANY (ARRAY[
    'invoice', 'small_amount_invoice', 'tax_invoice', 'abridged_tax_invoice'])),
  ADD COLUMN vat_breakdown jsonb;

ALTER TABLE kassa.credit_notes
  ADD COLUMN invoice_number text CONSTRAINT credit_notes_invoice_number_max_length CHECK (char_length(invoice_number) <= 64),
  ADD COLUMN invoice_issued_on date;
UPDATE kassa.credit_notes n SET invoice_number = i.number, invoice_issued_on = i.issued_on
  FROM kassa.invoices i WHERE i.tenant_id = n.tenant_id AND i.id = n.invoice_id;

ALTER TABLE kassa.credit_note_vat_totals
  ADD COLUMN vat_code text,
  ADD COLUMN exemption_reason text
    CONSTRAINT credit_note_vat_totals_exemption_reason_max_length CHECK (char_length(exemption_reason) <= 500),
  ADD COLUMN exemption_code text
    CONSTRAINT credit_note_vat_totals_exemption_code_max_length CHECK (char_length(exemption_code) <= 30);

-- Documents issued before this change: codes by their rate (what the VAT rates were given
-- above), the invoices' breakdown from their lines with the VAT rule of
-- db/functions/350_invoices.sql (internal.vat_of) spelled out: functions are applied after
-- migrations. Their supplier and recipient stay as they were issued.
UPDATE kassa.credit_note_vat_totals SET vat_code = CASE WHEN vat_rate > 0 THEN 'S' ELSE 'Z' END;
ALTER TABLE kassa.credit_note_vat_totals ALTER COLUMN vat_code SET NOT NULL,
  ADD CONSTRAINT credit_note_vat_totals_vat_code_known
    CHECK (vat_code = ANY (ARRAY['S', 'Z', 'E', 'AE', 'K', 'G', 'O', 'L', 'M']));
WITH per_rate AS (
  SELECT l.tenant_id, l.invoice_id, l.vat_category, l.vat_rate, i.prices_include_vat AS inc, sum(l.amount) AS amount
    FROM kassa.invoice_lines l
    JOIN kassa.invoices i ON i.tenant_id = l.tenant_id AND i.id = l.invoice_id
   WHERE i.number IS NOT NULL
   GROUP BY l.tenant_id, l.invoice_id, l.vat_category, l.vat_rate, i.prices_include_vat
), rated AS (
  SELECT p.*, (CASE WHEN p.inc THEN round(p.amount * p.vat_rate / (100 + p.vat_rate))
                    ELSE round(p.amount * p.vat_rate / 100) END)::bigint AS vat
    FROM per_rate p
)
UPDATE kassa.invoices i SET vat_breakdown = b.rows
  FROM (SELECT r.tenant_id, r.invoice_id,
               jsonb_agg(jsonb_build_object(
                 'vat_category', r.vat_category, 'vat_rate', r.vat_rate,
                 'vat_code', CASE WHEN r.vat_rate > 0 THEN 'S' ELSE 'Z' END,
                 'exemption_reason', NULL, 'exemption_code', NULL,
                 'net', CASE WHEN r.inc THEN r.amount - r.vat ELSE r.amount END, 'vat', r.vat,
                 'gross', CASE WHEN r.inc THEN r.amount ELSE r.amount + r.vat END)
                 ORDER BY r.vat_category, r.vat_rate) AS rows
          FROM rated r GROUP BY r.tenant_id, r.invoice_id) b
 WHERE i.tenant_id = b.tenant_id AND i.id = b.invoice_id;
COMMIT;
