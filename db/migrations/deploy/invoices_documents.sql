-- What an issued document must keep (issue 7): the supply date of a manual invoice, the
-- supplier and recipient as they were at issue (frozen with the document), each credit note's
-- VAT breakdown as it was computed, and the indexes the issue-date checks read.
BEGIN;
ALTER TABLE kassa.invoices
  ADD COLUMN supplied_on date,     -- the supply date when the invoice is not for a period
  ADD COLUMN supplier    jsonb,    -- {name, address, vat_number, country} of the tenant at finalisation
  ADD COLUMN recipient   jsonb;    -- {name, company_name, address, vat_number} of the customer then
ALTER TABLE kassa.credit_notes
  ADD COLUMN supplier  jsonb,
  ADD COLUMN recipient jsonb;

-- A credit note's VAT per category and rate. Stored, not recomputed: a note's VAT depends on
-- what earlier notes of the invoice credited (cumulative rounding).
CREATE TABLE kassa.credit_note_vat_totals (
  tenant_id      uuid NOT NULL,
  credit_note_id uuid NOT NULL,
  vat_category   text NOT NULL,
  vat_rate       numeric(5,2) NOT NULL,
  net            bigint NOT NULL,
  vat            bigint NOT NULL,
  gross          bigint NOT NULL,
  PRIMARY KEY (tenant_id, credit_note_id, vat_category, vat_rate),
  FOREIGN KEY (tenant_id, credit_note_id) REFERENCES kassa.credit_notes (tenant_id, id),
  CONSTRAINT credit_note_vat_totals_add_up CHECK (gross = net + vat)
);
ALTER TABLE kassa.credit_note_vat_totals ENABLE ROW LEVEL SECURITY;

-- Notes issued before this change, in the order they were written, with the VAT rule of
-- db/functions/350_invoices.sql (internal.vat_of) spelled out: functions are applied after
-- migrations.
WITH per_rate AS (
  SELECT n.tenant_id, n.id, n.invoice_id, n.created_at, n.number, l.vat_category, cl.vat_rate,
         i.prices_include_vat AS inc, sum(cl.amount) AS amount
    FROM kassa.credit_notes n
    JOIN kassa.credit_note_lines cl ON cl.tenant_id = n.tenant_id AND cl.credit_note_id = n.id
    JOIN kassa.invoice_lines l ON l.tenant_id = cl.tenant_id AND l.id = cl.invoice_line_id
    JOIN kassa.invoices i ON i.tenant_id = n.tenant_id AND i.id = n.invoice_id
   GROUP BY n.tenant_id, n.id, n.invoice_id, n.created_at, n.number, l.vat_category, cl.vat_rate, i.prices_include_vat
), running AS (
  SELECT p.*, sum(p.amount) OVER (PARTITION BY p.tenant_id, p.invoice_id, p.vat_category, p.vat_rate
                                  ORDER BY p.created_at, p.number) AS through
    FROM per_rate p
), rated AS (
  SELECT r.*, (CASE WHEN r.inc THEN round(r.through * r.vat_rate / (100 + r.vat_rate))
                    ELSE round(r.through * r.vat_rate / 100) END
             - CASE WHEN r.inc THEN round((r.through - r.amount) * r.vat_rate / (100 + r.vat_rate))
                    ELSE round((r.through - r.amount) * r.vat_rate / 100) END)::bigint AS vat
    FROM running r
)
INSERT INTO kassa.credit_note_vat_totals (tenant_id, credit_note_id, vat_category, vat_rate, net, vat, gross)
SELECT r.tenant_id, r.id, r.vat_category, r.vat_rate,
       CASE WHEN r.inc THEN r.amount - r.vat ELSE r.amount END, r.vat,
       CASE WHEN r.inc THEN r.amount ELSE r.amount + r.vat END
  FROM rated r;

-- The last issued document of a series: max(issued_on) per tenant and year.
CREATE INDEX invoices_issued ON kassa.invoices (tenant_id, issued_on) WHERE number IS NOT NULL;
CREATE INDEX credit_notes_issued ON kassa.credit_notes (tenant_id, issued_on);
COMMIT;
