-- The HTTP face of invoices, credit notes and statements: row-level security, the views and
-- the staff RPCs. Writes go through the RPCs (security definer, tenant from the token); staff
-- may also PATCH a draft's notes, period and supply date, which the freeze refuses once it is
-- finalised.

ALTER TABLE kassa.invoices ENABLE ROW LEVEL SECURITY;
ALTER TABLE kassa.invoice_lines ENABLE ROW LEVEL SECURITY;
ALTER TABLE kassa.invoice_allocations ENABLE ROW LEVEL SECURITY;
ALTER TABLE kassa.credit_notes ENABLE ROW LEVEL SECURITY;
ALTER TABLE kassa.credit_note_lines ENABLE ROW LEVEL SECURITY;
ALTER TABLE kassa.credit_note_vat_totals ENABLE ROW LEVEL SECURITY;

SELECT internal.declare_policy('kassa.invoices', 'Staff see their tenant''s invoices',
                              'SELECT', 'staff', internal.tenant_rows());
SELECT internal.declare_policy('kassa.invoices', 'Staff edit their tenant''s invoices',
                              'UPDATE', 'staff', internal.tenant_rows());
SELECT internal.declare_policy('kassa.invoices', 'Customers see their own issued invoices',
                              'SELECT', 'customer', internal.own_rows() || ' AND status <> ''draft''');

SELECT internal.declare_policy('kassa.invoice_lines', 'Staff see their tenant''s invoice lines',
                              'SELECT', 'staff', internal.tenant_rows());
SELECT internal.declare_policy('kassa.invoice_lines', 'Customers see the lines of their own issued invoices',
                              'SELECT', 'customer', internal.rows_of_visible('kassa.invoice_lines', 'kassa.invoices', 'invoice_id'));

SELECT internal.declare_policy('kassa.invoice_allocations', 'Staff see their tenant''s allocations',
                              'SELECT', 'staff', internal.tenant_rows());
SELECT internal.declare_policy('kassa.invoice_allocations', 'Customers see their own allocations',
                              'SELECT', 'customer', internal.own_rows());

SELECT internal.declare_policy('kassa.credit_notes', 'Staff see their tenant''s credit notes',
                              'SELECT', 'staff', internal.tenant_rows());
SELECT internal.declare_policy('kassa.credit_notes', 'Customers see their own credit notes',
                              'SELECT', 'customer', internal.own_rows());

SELECT internal.declare_policy('kassa.credit_note_lines', 'Staff see their tenant''s credit note lines',
                              'SELECT', 'staff', internal.tenant_rows());
SELECT internal.declare_policy('kassa.credit_note_lines', 'Customers see the lines of their own credit notes',
                              'SELECT', 'customer', internal.rows_of_visible('kassa.credit_note_lines', 'kassa.credit_notes', 'credit_note_id'));

SELECT internal.declare_policy('kassa.credit_note_vat_totals', 'Staff see their tenant''s credit note VAT totals',
                              'SELECT', 'staff', internal.tenant_rows());
SELECT internal.declare_policy('kassa.credit_note_vat_totals', 'Customers see the VAT totals of their own credit notes',
                              'SELECT', 'customer', internal.rows_of_visible('kassa.credit_note_vat_totals', 'kassa.credit_notes', 'credit_note_id'));

GRANT SELECT ON kassa.invoices, kassa.invoice_lines, kassa.invoice_allocations, kassa.credit_notes,
  kassa.credit_note_lines, kassa.credit_note_vat_totals TO customer, staff;
GRANT UPDATE (notes, period_start, period_end, supplied_on) ON kassa.invoices TO staff;

CREATE VIEW api.invoices WITH (security_invoker = true) AS
  SELECT id, tenant_id, customer_id, number, status, currency, net_total, vat_total, total, amount_paid,
         amount_credited, amount_due, issued_on, due_on, period_start, period_end, prices_include_vat, notes,
         created_at, finalised_at, supplied_on, supplier, recipient
    FROM kassa.invoices;
GRANT SELECT ON api.invoices TO customer, staff;
GRANT UPDATE (notes, period_start, period_end, supplied_on) ON api.invoices TO staff;
SELECT internal.write_by_key('api.invoices', 'kassa.invoices');

-- One row per invoice, VAT category and rate: the figures its totals were computed from.
CREATE VIEW api.invoice_vat_breakdown WITH (security_invoker = true) AS
  SELECT i.tenant_id, i.id AS invoice_id, b.vat_category, b.vat_rate, b.net, b.vat, b.gross
    FROM kassa.invoices i
   CROSS JOIN LATERAL internal.invoice_vat_breakdown(i.tenant_id, ARRAY[i.id]) b;
GRANT SELECT ON api.invoice_vat_breakdown TO customer, staff;

CREATE VIEW api.invoice_lines WITH (security_invoker = true) AS
  SELECT id, tenant_id, invoice_id, position, description, quantity, unit_price, amount, vat_category, vat_rate,
         period_start, period_end, service_id, charge_kind
    FROM kassa.invoice_lines;
GRANT SELECT ON api.invoice_lines TO customer, staff;

CREATE VIEW api.invoice_allocations WITH (security_invoker = true) AS
  SELECT id, tenant_id, invoice_id, customer_id, amount, source_type, source_id, created_at
    FROM kassa.invoice_allocations;
GRANT SELECT ON api.invoice_allocations TO customer, staff;

CREATE VIEW api.credit_notes WITH (security_invoker = true) AS
  SELECT id, tenant_id, invoice_id, customer_id, number, reason, settlement, currency, issued_on, net_total,
         vat_total, total, created_at, supplier, recipient
    FROM kassa.credit_notes;
GRANT SELECT ON api.credit_notes TO customer, staff;

CREATE VIEW api.credit_note_vat_breakdown WITH (security_invoker = true) AS
  SELECT tenant_id, credit_note_id, vat_category, vat_rate, net, vat, gross
    FROM kassa.credit_note_vat_totals;
GRANT SELECT ON api.credit_note_vat_breakdown TO customer, staff;

CREATE VIEW api.credit_note_lines WITH (security_invoker = true) AS
  SELECT id, tenant_id, credit_note_id, invoice_line_id, description, amount, vat_rate
    FROM kassa.credit_note_lines;
GRANT SELECT ON api.credit_note_lines TO customer, staff;

-- Every ledger entry as a statement line (CSV: Accept: text/csv), filtered by customer_id and
-- posted_on; opening_balance of the first row and balance of the last bound the period.
CREATE VIEW api.statement_lines WITH (security_invoker = true) AS
  SELECT l.tenant_id, l.customer_id, c.account_number, l.id AS entry_id,
         (l.created_at AT TIME ZONE t.timezone)::date AS posted_on, l.kind, l.source_type, l.source_id,
         l.description, l.balance_after - l.amount AS opening_balance, l.amount, l.balance_after AS balance,
         l.currency
    FROM kassa.ledger_entries l
    JOIN kassa.tenants t ON t.id = l.tenant_id
    JOIN kassa.customers c ON c.tenant_id = l.tenant_id AND c.id = l.customer_id;
GRANT SELECT ON api.statement_lines TO customer, staff;

-- RPCs ---------------------------------------------------------------------------------------

-- The rules live in the internal functions (jobs, bridges and DBAs call them directly); each
-- api function takes the tenant (and actor) from the token, delegates and answers the row.
CREATE OR REPLACE FUNCTION internal.create_invoice(p_tenant_id uuid, p_customer_id uuid, p_notes text,
                                                   p_period_start date, p_period_end date, p_supplied_on date)
RETURNS kassa.invoices LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  made kassa.invoices;
BEGIN
  PERFORM internal.check_text(p_notes, 'notes', 4000, false);
  PERFORM internal.check_business_date(p_tenant_id, p_period_start, 'period_start');
  PERFORM internal.check_business_date(p_tenant_id, p_period_end, 'period_end');
  PERFORM internal.check_business_date(p_tenant_id, p_supplied_on, 'supplied_on');
  IF NOT EXISTS (SELECT FROM kassa.customers c WHERE c.tenant_id = p_tenant_id AND c.id = p_customer_id
                                                 AND c.status <> 'closed') THEN
    PERFORM internal.raise_error('P0I07',
      format('customer %s not found in this tenant or closed', p_customer_id));
  END IF;
  INSERT INTO kassa.invoices (tenant_id, customer_id, currency, prices_include_vat, notes, period_start, period_end,
                              supplied_on)
  SELECT p_tenant_id, p_customer_id, t.currency, t.prices_include_vat, coalesce(p_notes, ''),
         p_period_start, p_period_end, p_supplied_on
    FROM kassa.tenants t WHERE t.id = p_tenant_id
  RETURNING * INTO made;
  RETURN made;
END $$;

CREATE OR REPLACE FUNCTION api.create_invoice(customer_id uuid, notes text DEFAULT '',
                                              period_start date DEFAULT NULL, period_end date DEFAULT NULL,
                                              supplied_on date DEFAULT NULL)
RETURNS api.invoices LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  tenant uuid := internal.jwt_tenant_id();
  new_id uuid := (internal.create_invoice(tenant, customer_id, notes, period_start, period_end, supplied_on)).id;
  made   api.invoices;
BEGIN
  SELECT * INTO made FROM api.invoices i WHERE i.tenant_id = tenant AND i.id = new_id;
  RETURN made;
END $$;

-- The draft, locked, or a clear error.
CREATE OR REPLACE FUNCTION internal.draft_for_edit(p_tenant_id uuid, p_invoice_id uuid)
RETURNS kassa.invoices LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  inv kassa.invoices;
BEGIN
  SELECT * INTO inv FROM kassa.invoices i WHERE i.tenant_id = p_tenant_id AND i.id = p_invoice_id FOR UPDATE;
  IF NOT FOUND THEN
    PERFORM internal.raise_error('P0I01', format('invoice %s not found in this tenant', p_invoice_id));
  END IF;
  IF inv.status <> 'draft' THEN
    PERFORM internal.raise_error('P0I02',
      format('invoice %s is %s and frozen: only drafts can be edited', inv.number, inv.status), NULL,
      'Correct a finalised invoice with a credit note (api.create_credit_note).');
  END IF;
  RETURN inv;
END $$;

CREATE OR REPLACE FUNCTION internal.add_invoice_line(p_tenant_id uuid, p_invoice_id uuid, p_description text,
                                                     p_unit_price bigint, p_quantity numeric, p_vat_category text,
                                                     p_period_start date, p_period_end date)
RETURNS kassa.invoice_lines LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  made kassa.invoice_lines;
BEGIN
  -- Before the insert: Infinity does not even fit the column (numeric field overflow).
  PERFORM internal.check_finite(p_quantity, 'quantity');
  PERFORM internal.check_business_date(p_tenant_id, p_period_start, 'period_start');
  PERFORM internal.check_business_date(p_tenant_id, p_period_end, 'period_end');
  PERFORM internal.draft_for_edit(p_tenant_id, p_invoice_id);
  INSERT INTO kassa.invoice_lines (tenant_id, invoice_id, position, description, quantity, unit_price,
                                   vat_category, period_start, period_end, charge_kind)
  SELECT p_tenant_id, p_invoice_id,
         coalesce((SELECT max(l.position) FROM kassa.invoice_lines l
                    WHERE l.tenant_id = p_tenant_id AND l.invoice_id = p_invoice_id), 0) + 1,
         p_description, p_quantity, p_unit_price, p_vat_category, p_period_start, p_period_end, 'manual'
  RETURNING * INTO made;
  PERFORM internal.refresh_invoice_totals(p_tenant_id, ARRAY[p_invoice_id]);
  RETURN made;
END $$;

CREATE OR REPLACE FUNCTION api.add_invoice_line(invoice_id uuid, description text, unit_price bigint,
                                                quantity numeric DEFAULT 1, vat_category text DEFAULT 'standard',
                                                period_start date DEFAULT NULL, period_end date DEFAULT NULL)
RETURNS api.invoice_lines LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  tenant  uuid := internal.jwt_tenant_id();
  line_id uuid := (internal.add_invoice_line(tenant, invoice_id, description, unit_price, quantity, vat_category,
                                             period_start, period_end)).id;
  made    api.invoice_lines;
BEGIN
  SELECT * INTO made FROM api.invoice_lines l WHERE l.tenant_id = tenant AND l.id = line_id;
  RETURN made;
END $$;

CREATE OR REPLACE FUNCTION internal.remove_invoice_line(p_tenant_id uuid, p_line_id uuid)
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  invoice uuid;
BEGIN
  SELECT l.invoice_id INTO invoice FROM kassa.invoice_lines l WHERE l.tenant_id = p_tenant_id AND l.id = p_line_id;
  IF NOT FOUND THEN
    PERFORM internal.raise_error('P0I09', format('invoice line %s not found in this tenant', p_line_id));
  END IF;
  PERFORM internal.draft_for_edit(p_tenant_id, invoice);
  DELETE FROM kassa.invoice_lines l WHERE l.tenant_id = p_tenant_id AND l.id = p_line_id;
  PERFORM internal.refresh_invoice_totals(p_tenant_id, ARRAY[invoice]);
END $$;

CREATE OR REPLACE FUNCTION api.remove_invoice_line(line_id uuid)
RETURNS void LANGUAGE sql SECURITY DEFINER SET search_path = '' AS $$
  SELECT internal.remove_invoice_line(internal.jwt_tenant_id(), line_id)
$$;

-- Default dates (issued_on, statement "to") are NULL in the signature and mean the tenant's
-- today (internal.tenant_today), not current_date: the session's day is UTC.
-- A request_id makes a retry safe (060_request_results.sql): a retried finalise or void answers
-- the invoice as it is now, a retried credit note the note it made, instead of an error.
CREATE OR REPLACE FUNCTION api.finalise_invoice(invoice_id uuid, issued_on date DEFAULT NULL, request_id text DEFAULT NULL)
RETURNS api.invoices LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  tenant uuid := internal.jwt_tenant_id();
  call   jsonb := jsonb_build_object('invoice_id', invoice_id, 'issued_on', issued_on);
  made   api.invoices;
BEGIN
  IF internal.replayed(tenant, request_id, 'finalise_invoice', call) IS NULL THEN
    PERFORM internal.check_business_date(tenant, finalise_invoice.issued_on, 'issued_on');
    PERFORM internal.finalise_invoices(tenant, ARRAY[finalise_invoice.invoice_id],
                                       coalesce(finalise_invoice.issued_on, internal.tenant_today(tenant)));
    PERFORM internal.remember(tenant, request_id, 'finalise_invoice', call, to_jsonb(finalise_invoice.invoice_id));
  END IF;
  SELECT * INTO made FROM api.invoices i WHERE i.tenant_id = tenant AND i.id = finalise_invoice.invoice_id;
  RETURN made;
END $$;

-- Void: a draft simply becomes void (the reason goes into its notes); a finalised invoice
-- with no payment on it is cancelled by a credit note for whatever is still uncredited
-- (settlement balance), which voids it. Credit notes already on it are not payments. An
-- invoice of zero has nothing to credit: it only changes its status (the audit log keeps who).
CREATE OR REPLACE FUNCTION internal.void_invoice(p_tenant_id uuid, p_invoice_id uuid, p_reason text, p_issued_on date)
RETURNS kassa.invoices LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  inv kassa.invoices;
BEGIN
  IF internal.is_blank(p_reason) THEN
    PERFORM internal.raise_error('P0I11', 'a reason is required to void an invoice');
  END IF;
  PERFORM internal.check_text(p_reason, 'reason', 500, false);
  PERFORM internal.check_business_date(p_tenant_id, p_issued_on, 'issued_on');
  SELECT * INTO inv FROM kassa.invoices i WHERE i.tenant_id = p_tenant_id AND i.id = p_invoice_id;
  IF NOT FOUND THEN
    PERFORM internal.raise_error('P0I01', format('invoice %s not found in this tenant', p_invoice_id));
  END IF;
  -- Locked (account, then invoice: the order of payments) before the checks, so no payment
  -- can land between the check and the cancelling credit note.
  PERFORM 1 FROM kassa.billing_accounts a WHERE a.tenant_id = p_tenant_id AND a.customer_id = inv.customer_id FOR UPDATE;
  SELECT * INTO inv FROM kassa.invoices i WHERE i.tenant_id = p_tenant_id AND i.id = inv.id FOR UPDATE;
  IF inv.status = 'void' THEN
    PERFORM internal.raise_error('P0I17',
      format('invoice %s is already void', coalesce(inv.number, 'draft ' || inv.id)));
  ELSIF inv.status = 'draft' THEN
    UPDATE kassa.invoices i SET status = 'void', notes = p_reason WHERE i.tenant_id = p_tenant_id AND i.id = inv.id;
  ELSIF inv.amount_paid > 0 THEN
    PERFORM internal.raise_error('P0I08',
      format('invoice %s has %s paid on it: only an invoice without payments can be voided', inv.number, inv.amount_paid),
      NULL, 'Issue a credit note (api.create_credit_note) with settlement balance or refund instead.');
  ELSIF inv.total = 0 THEN
    UPDATE kassa.invoices i SET status = 'void' WHERE i.tenant_id = p_tenant_id AND i.id = inv.id;
  ELSE
    PERFORM internal.create_credit_note(p_tenant_id, inv.id, p_reason, 'balance', NULL, p_issued_on);
  END IF;
  SELECT * INTO inv FROM kassa.invoices i WHERE i.tenant_id = p_tenant_id AND i.id = inv.id;
  RETURN inv;
END $$;

CREATE OR REPLACE FUNCTION api.void_invoice(invoice_id uuid, reason text, issued_on date DEFAULT NULL,
                                            request_id text DEFAULT NULL)
RETURNS api.invoices LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  tenant uuid := internal.jwt_tenant_id();
  call   jsonb := jsonb_build_object('invoice_id', invoice_id, 'reason', reason, 'issued_on', issued_on);
  made   api.invoices;
BEGIN
  IF internal.replayed(tenant, request_id, 'void_invoice', call) IS NULL THEN
    PERFORM internal.void_invoice(tenant, void_invoice.invoice_id, reason,
                                  coalesce(void_invoice.issued_on, internal.tenant_today(tenant)));
    PERFORM internal.remember(tenant, request_id, 'void_invoice', call, to_jsonb(void_invoice.invoice_id));
  END IF;
  SELECT * INTO made FROM api.invoices i WHERE i.tenant_id = tenant AND i.id = void_invoice.invoice_id;
  RETURN made;
END $$;

CREATE OR REPLACE FUNCTION api.create_credit_note(invoice_id uuid, reason text, settlement text DEFAULT 'balance',
                                                  lines jsonb DEFAULT NULL, issued_on date DEFAULT NULL,
                                                  request_id text DEFAULT NULL)
RETURNS api.credit_notes LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  tenant uuid := internal.jwt_tenant_id();
  call   jsonb := jsonb_build_object('invoice_id', invoice_id, 'reason', reason, 'settlement', settlement,
                                     'lines', lines, 'issued_on', issued_on);
  note_id uuid := internal.replayed(tenant, request_id, 'create_credit_note', call) #>> '{}';
  made   api.credit_notes;
BEGIN
  IF note_id IS NULL THEN
    PERFORM internal.check_business_date(tenant, create_credit_note.issued_on, 'issued_on');
    note_id := (internal.create_credit_note(tenant, create_credit_note.invoice_id, create_credit_note.reason,
                                            create_credit_note.settlement, create_credit_note.lines,
                                            coalesce(create_credit_note.issued_on, internal.tenant_today(tenant)))).id;
    PERFORM internal.remember(tenant, request_id, 'create_credit_note', call, to_jsonb(note_id));
  END IF;
  SELECT * INTO made FROM api.credit_notes n WHERE n.tenant_id = tenant AND n.id = note_id;
  RETURN made;
END $$;

-- Whose statement the caller may read: staff any customer of their tenant (internal.statement
-- says which exist), a customer only their own.
CREATE OR REPLACE FUNCTION internal.statement_customer(p_customer uuid) RETURNS uuid
LANGUAGE plpgsql STABLE SET search_path = '' AS $$
BEGIN
  IF current_setting('role') = 'customer' AND p_customer IS DISTINCT FROM internal.jwt_customer_id() THEN
    PERFORM internal.raise_error('P0G01', format('customer %s not found', p_customer), NULL,
      'Staff name a customer of their tenant; customers may ask only for their own statement.');
  END IF;
  RETURN p_customer;
END $$;

CREATE OR REPLACE FUNCTION api.statement(customer_id uuid, "from" date DEFAULT NULL, "to" date DEFAULT NULL)
RETURNS SETOF api.statement_lines
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  tenant uuid := internal.jwt_tenant_id();
  who    uuid := internal.statement_customer(statement.customer_id);
  upto   date := coalesce("to", internal.tenant_today(tenant));
BEGIN
  -- Function results carry no type modifiers: the currency gets its char(3) back.
  RETURN QUERY SELECT s.tenant_id, s.customer_id, s.account_number, s.entry_id, s.posted_on, s.kind, s.source_type,
                      s.source_id, s.description, s.opening_balance, s.amount, s.balance, s.currency::char(3)
                 FROM internal.statement(tenant, who, "from", upto) s;
END $$;

GRANT EXECUTE ON FUNCTION api.create_invoice(uuid, text, date, date, date),
  api.add_invoice_line(uuid, text, bigint, numeric, text, date, date), api.remove_invoice_line(uuid),
  api.finalise_invoice(uuid, date, text), api.void_invoice(uuid, text, date, text),
  api.create_credit_note(uuid, text, text, jsonb, date, text) TO staff;
GRANT EXECUTE ON FUNCTION api.statement(uuid, date, date) TO staff, customer;
