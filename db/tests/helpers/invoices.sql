-- Invoice arrangements for the billing pgTAP files. Include BEFORE helpers/two_tenants.sql
-- (which grants the API roles access to the temp functions defined by then).
--   pg_temp.draft(tenant, customer, amounts[], categories[]) -> a draft with one line per amount
--   pg_temp.issued(tenant, customer, amounts[], issued_on, categories[]) -> the same, finalised

CREATE FUNCTION pg_temp.draft(p_tenant uuid, p_customer uuid, p_amounts bigint[], p_categories text[] DEFAULT NULL)
RETURNS uuid LANGUAGE plpgsql AS $$
DECLARE
  made uuid;
BEGIN
  -- A supply date, which German invoices (tenant B) need to be issued.
  INSERT INTO kassa.invoices (tenant_id, customer_id, currency, prices_include_vat, supplied_on)
  SELECT t.id, p_customer, t.currency, t.prices_include_vat, '2026-01-01' FROM kassa.tenants t WHERE t.id = p_tenant
  RETURNING id INTO made;
  INSERT INTO kassa.invoice_lines (tenant_id, invoice_id, position, description, unit_price, vat_category)
  SELECT p_tenant, made, u.n, 'Line ' || u.n, u.a, coalesce(p_categories[u.n], 'standard')
    FROM unnest(p_amounts) WITH ORDINALITY AS u(a, n);
  PERFORM internal.refresh_invoice_totals(p_tenant, ARRAY[made]);
  RETURN made;
END $$;

CREATE FUNCTION pg_temp.issued(p_tenant uuid, p_customer uuid, p_amounts bigint[], p_issued_on date DEFAULT '2026-03-01',
                               p_categories text[] DEFAULT NULL)
RETURNS uuid LANGUAGE sql AS $$
  SELECT f.id FROM internal.finalise_invoices(p_tenant, ARRAY[pg_temp.draft(p_tenant, p_customer, p_amounts, p_categories)],
                                              p_issued_on) f
$$;

-- The line ids of an invoice in position order.
CREATE FUNCTION pg_temp.lines(p_invoice uuid) RETURNS uuid[] LANGUAGE sql AS $$
  SELECT array_agg(l.id ORDER BY l.position) FROM kassa.invoice_lines l WHERE l.invoice_id = p_invoice
$$;

-- A payment (or any credit) posted to the ledger, without output.
CREATE FUNCTION pg_temp.post(p_tenant uuid, p_customer uuid, p_kind text, p_amount bigint, p_ref text)
RETURNS void LANGUAGE sql AS $$
  SELECT FROM internal.post_entry(p_tenant, p_customer, p_kind, p_amount, p_kind, p_ref)
$$;
