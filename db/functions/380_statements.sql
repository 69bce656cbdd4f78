-- Statements: a customer's account for a period, straight from the ledger. Dates are the
-- tenant's local calendar dates of the entries (tenants.timezone).
--   kind opening_balance  balance = sum of the entries before the first day
--   one row per entry     amount, and the balance before (opening_balance) and after it
--   kind closing_balance  amount = the period's movement, balance = opening + movement
-- The rows have the shape of the view api.statement_lines (one row per entry, any period by
-- filtering posted_on), so the RPC and the view export the same CSV columns.

CREATE OR REPLACE FUNCTION internal.statement(p_tenant_id uuid, p_customer_id uuid, p_from date, p_to date)
RETURNS TABLE (tenant_id uuid, customer_id uuid, account_number text, entry_id uuid, entry_no bigint, posted_on date, kind text,
               source_type text, source_id text, description text, opening_balance bigint, amount bigint,
               balance bigint, currency char(3))
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = '' AS $$
BEGIN
  IF NOT EXISTS (SELECT FROM kassa.customers c WHERE c.tenant_id = p_tenant_id AND c.id = p_customer_id) THEN
    PERFORM internal.raise_error('P0G01', format('customer %s not found', p_customer_id), NULL,
      'Staff name a customer of their tenant; customers may ask only for their own statement.');
  END IF;
  IF p_from > p_to THEN
    PERFORM internal.raise_error('P0G02', format('the period %s to %s is empty', p_from, p_to), NULL,
      'Give from <= to (dates, YYYY-MM-DD); from may be omitted for everything so far.');
  END IF;
  RETURN QUERY
  WITH account AS (
    SELECT a.tenant_id, a.customer_id, c.account_number, a.currency, t.timezone
      FROM kassa.billing_accounts a
      JOIN kassa.tenants t ON t.id = a.tenant_id
      JOIN kassa.customers c ON c.tenant_id = a.tenant_id AND c.id = a.customer_id
     WHERE a.tenant_id = p_tenant_id AND a.customer_id = p_customer_id
  ), entries AS (
    SELECT l.public_id, l.entry_no, l.kind, l.source_type, l.source_id, l.description, l.amount,
           (l.created_at AT TIME ZONE acc.timezone)::date AS posted_on
      FROM kassa.ledger_entries l, account acc
     WHERE l.tenant_id = p_tenant_id AND l.customer_id = p_customer_id
  ), opening AS (
    SELECT coalesce(sum(e.amount) FILTER (WHERE e.posted_on < p_from), 0)::bigint AS balance FROM entries e
  ), period AS (
    SELECT e.*, o.balance + sum(e.amount) OVER (ORDER BY e.entry_no) AS balance
      FROM entries e, opening o
     WHERE e.posted_on BETWEEN coalesce(p_from, '-infinity') AND p_to
  ), closing AS (
    SELECT coalesce(sum(p.amount), 0)::bigint AS moved FROM period p
  )
  SELECT r.tenant_id, r.customer_id, r.account_number, r.entry_id, r.entry_no, r.posted_on, r.kind, r.source_type,
         r.source_id, r.description, r.opening_balance, r.amount, r.balance, r.currency
    FROM (SELECT 0 AS part, NULL::uuid AS entry_id, NULL::bigint AS entry_no, p_from AS posted_on, 'opening_balance' AS kind,
                 NULL AS source_type, NULL AS source_id, 'Opening balance' AS description,
                 o.balance AS opening_balance, NULL::bigint AS amount, o.balance AS balance
            FROM opening o
          UNION ALL
          SELECT 1, p.public_id, p.entry_no, p.posted_on, p.kind, p.source_type, p.source_id, p.description,
                 (p.balance - p.amount)::bigint, p.amount, p.balance::bigint
            FROM period p
          UNION ALL
          SELECT 2, NULL, NULL, p_to, 'closing_balance', NULL, NULL, 'Closing balance', o.balance, c.moved,
                 o.balance + c.moved
            FROM opening o, closing c) r0(part, entry_id, entry_no, posted_on, kind, source_type, source_id, description,
                                          opening_balance, amount, balance)
   CROSS JOIN account acc
   CROSS JOIN LATERAL (SELECT acc.tenant_id, acc.customer_id, acc.account_number, r0.entry_id, r0.entry_no, r0.posted_on,
                              r0.kind, r0.source_type, r0.source_id, r0.description, r0.opening_balance,
                              r0.amount, r0.balance, acc.currency, r0.part) r
   ORDER BY r.part, r.entry_no;
END $$;

-- Every ledger entry as a statement line (CSV: Accept: text/csv), filtered by customer_id and
-- posted_on; opening_balance of the first row and balance of the last bound the period.
CREATE VIEW api.statement_lines WITH (security_invoker = true) AS
  SELECT l.tenant_id, l.customer_id, c.account_number, l.public_id AS entry_id, l.entry_no,
         (l.created_at AT TIME ZONE t.timezone)::date AS posted_on, l.kind, l.source_type, l.source_id,
         l.description, l.balance_after - l.amount AS opening_balance, l.amount, l.balance_after AS balance,
         l.currency
    FROM kassa.ledger_entries l
    JOIN kassa.tenants t ON t.id = l.tenant_id
    JOIN kassa.customers c ON c.tenant_id = l.tenant_id AND c.id = l.customer_id;
GRANT SELECT ON api.statement_lines TO customer, staff;

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
  RETURN QUERY SELECT s.tenant_id, s.customer_id, s.account_number, s.entry_id, s.entry_no, s.posted_on, s.kind, s.source_type,
                      s.source_id, s.description, s.opening_balance, s.amount, s.balance, s.currency::char(3)
                 FROM internal.statement(tenant, who, "from", upto) s;
END $$;

GRANT EXECUTE ON FUNCTION api.statement(uuid, date, date) TO staff, customer;
