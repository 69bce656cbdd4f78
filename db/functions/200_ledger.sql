-- The balance ledger: one posting function for every feature that moves money.
--
-- internal.post_entries takes a JSON array of entries
--   {tenant_id, customer_id, kind, amount, source_type, source_id, description?, currency?}
-- locks the billing accounts involved in (tenant_id, customer_id) order (a fixed order, so two
-- postings never deadlock), appends the entries with their running balance_after and the
-- customer's next entry numbers (entry_no: 1, 2, 3 … per customer, gapless, assigned under the
-- account's lock; the order statements and the API use, as the global id counts every
-- tenant's postings and is never shown), and moves
-- the cached balances by the same sums in the same transaction. An entry whose document has
-- already posted that kind is skipped: reposting is a no-op, never a double. Debits other
-- than invoices may not take a balance below minus the account's credit limit, unless the
-- entry says "allow_overdraft": true — for facts that already happened elsewhere (a refund
-- or chargeback the gateway has made): refusing to record them would lose money, not save it.

-- The entries of a posting request as rows, numbered in the order given. Called several
-- times per posting, so it is kept cheap: ROWS 1 (a posting is a handful of entries; the
-- default guess of 1000 made the planner hash-join whole tables, slower as the ledger grows)
-- and no SET search_path (setting it per call cost as much as the posting itself; not
-- security definer, names qualified, only called from post_entries, which pins search_path).
-- PL/pgSQL so that the planner does not inline it and lose the ROWS estimate.
CREATE OR REPLACE FUNCTION internal.posting_rows(p_entries jsonb)
RETURNS TABLE (n bigint, tenant_id uuid, customer_id uuid, kind text, amount bigint, currency char(3),
               source_type text, source_id text, description text)
LANGUAGE plpgsql IMMUTABLE ROWS 1 AS $$
BEGIN
  RETURN QUERY
  SELECT e.n, (e.v ->> 'tenant_id')::uuid, (e.v ->> 'customer_id')::uuid, e.v ->> 'kind',
         (e.v ->> 'amount')::bigint, (e.v ->> 'currency')::char(3), e.v ->> 'source_type', e.v ->> 'source_id',
         coalesce(e.v ->> 'description', '')
    FROM pg_catalog.jsonb_array_elements(p_entries) WITH ORDINALITY AS e(v, n);
END $$;

CREATE OR REPLACE FUNCTION internal.post_entries(p_entries jsonb)
RETURNS SETOF kassa.ledger_entries
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  problem record;
BEGIN
  SELECT i.* INTO problem FROM internal.posting_rows(p_entries) i
   WHERE i.tenant_id IS NULL OR i.customer_id IS NULL OR i.kind IS NULL OR i.amount IS NULL
      OR i.source_type IS NULL OR i.source_id IS NULL LIMIT 1;
  IF FOUND THEN
    PERFORM internal.raise_error('P0L02', format('ledger entry %s is incomplete', problem.n),
      hint => 'Every entry needs tenant_id, customer_id, kind, amount, source_type and source_id.');
  END IF;

  PERFORM 1 FROM kassa.billing_accounts a
   WHERE (a.tenant_id, a.customer_id) IN (SELECT i.tenant_id, i.customer_id FROM internal.posting_rows(p_entries) i)
   ORDER BY a.tenant_id, a.customer_id
   FOR UPDATE;

  SELECT i.n, a.currency AS account_currency, i.currency INTO problem
    FROM internal.posting_rows(p_entries) i
    LEFT JOIN kassa.billing_accounts a USING (tenant_id, customer_id)
   WHERE a.customer_id IS NULL OR i.currency <> a.currency LIMIT 1;
  IF FOUND THEN
    IF problem.account_currency IS NULL THEN
      PERFORM internal.raise_error('P0L03', format('ledger entry %s: no billing account for that customer in that tenant', problem.n));
    END IF;
    PERFORM internal.raise_error('P0L04', format('ledger entry %s is in %s, the account is in %s', problem.n, problem.currency, problem.account_currency));
  END IF;

  -- A document posting the same kind again with a different amount is a bug upstream.
  SELECT i.n, i.source_type, i.source_id INTO problem
    FROM internal.posting_rows(p_entries) i
    JOIN kassa.ledger_entries l USING (tenant_id, source_type, source_id, kind)
   WHERE l.amount <> i.amount OR l.customer_id <> i.customer_id LIMIT 1;
  IF FOUND THEN
    PERFORM internal.raise_error('P0L05', format('%s %s was already posted with another amount or customer', problem.source_type, problem.source_id));
  END IF;

  RETURN QUERY
  WITH fresh AS (
    SELECT DISTINCT ON (i.tenant_id, i.source_type, i.source_id, i.kind) i.*
      FROM internal.posting_rows(p_entries) i
     WHERE NOT EXISTS (SELECT FROM kassa.ledger_entries l
                        WHERE l.tenant_id = i.tenant_id AND l.source_type = i.source_type
                          AND l.source_id = i.source_id AND l.kind = i.kind)
     ORDER BY i.tenant_id, i.source_type, i.source_id, i.kind, i.n
  ), running AS (
    SELECT f.*, a.currency AS account_currency,
           a.balance + sum(f.amount) OVER (PARTITION BY f.tenant_id, f.customer_id ORDER BY f.n) AS balance_after,
           coalesce((SELECT max(l.entry_no) FROM kassa.ledger_entries l
                      WHERE l.tenant_id = f.tenant_id AND l.customer_id = f.customer_id), 0)
             + row_number() OVER (PARTITION BY f.tenant_id, f.customer_id ORDER BY f.n) AS entry_no
      FROM fresh f JOIN kassa.billing_accounts a USING (tenant_id, customer_id)
  ), moved AS (
    UPDATE kassa.billing_accounts a
       SET balance = a.balance + d.delta, updated_at = now()
      FROM (SELECT r.tenant_id, r.customer_id, sum(r.amount)::bigint AS delta
              FROM running r GROUP BY 1, 2) d
     WHERE a.tenant_id = d.tenant_id AND a.customer_id = d.customer_id
    RETURNING a.tenant_id, a.customer_id, a.balance - d.delta AS before, a.balance AS after, a.currency
  ), warned AS (
    -- Low-balance warnings (db/functions/440_low_balance.sql): each threshold the balance
    -- crossed downwards, once per crossing, the lowest first.
    INSERT INTO kassa.notifications (tenant_id, customer_id, kind, payload)
    SELECT m.tenant_id, m.customer_id, 'low_balance',
           c.fields
           || jsonb_build_object('threshold', t.amount, 'urgency', t.urgency, 'balance', m.after, 'currency', m.currency)
      FROM moved m JOIN kassa.low_balance_thresholds t ON t.tenant_id = m.tenant_id
      JOIN LATERAL internal.event_customers(m.tenant_id) c ON c.customer_id = m.customer_id
     WHERE m.before >= t.amount AND m.after < t.amount
     ORDER BY m.tenant_id, m.customer_id, t.amount DESC
  )
  INSERT INTO kassa.ledger_entries AS l (tenant_id, customer_id, entry_no, kind, amount, currency, balance_after,
                                         source_type, source_id, description)
  SELECT r.tenant_id, r.customer_id, r.entry_no, r.kind, r.amount, r.account_currency, r.balance_after,
         r.source_type, r.source_id, r.description
    FROM running r ORDER BY r.n
  RETURNING l.*;

  SELECT a.customer_id, a.balance, a.credit_limit INTO problem
    FROM kassa.billing_accounts a
   WHERE (a.tenant_id, a.customer_id) IN (
           SELECT (e.v ->> 'tenant_id')::uuid, (e.v ->> 'customer_id')::uuid
             FROM pg_catalog.jsonb_array_elements(p_entries) e(v)
            WHERE (e.v ->> 'amount')::bigint < 0 AND e.v ->> 'kind' <> 'invoice'
              AND NOT coalesce((e.v ->> 'allow_overdraft')::boolean, false))
     AND a.balance < -a.credit_limit LIMIT 1;
  IF FOUND THEN
    PERFORM internal.raise_error('P0L01', format('insufficient balance: the posting would take the balance to %s (credit limit %s)', problem.balance, problem.credit_limit),
      detail => format('customer_id %s', problem.customer_id));
  END IF;
END $$;

-- One entry: the common case, same rules.
CREATE OR REPLACE FUNCTION internal.post_entry(
  p_tenant uuid, p_customer uuid, p_kind text, p_amount bigint, p_source_type text, p_source_id text,
  p_description text DEFAULT '')
RETURNS SETOF kassa.ledger_entries
LANGUAGE sql SECURITY DEFINER SET search_path = '' AS $$
  SELECT * FROM internal.post_entries(jsonb_build_array(jsonb_build_object(
    'tenant_id', p_tenant, 'customer_id', p_customer, 'kind', p_kind, 'amount', p_amount,
    'source_type', p_source_type, 'source_id', p_source_id, 'description', p_description)))
$$;

SELECT internal.make_append_only('kassa.ledger_entries', 'P0L06', 'ledger entries are append-only',
                                 'Correct a posting with a new entry (adjustment, credit note, refund).');

-- Health check for DBAs and tests: every account whose cached balance differs from its entries.
-- Of one tenant, or (NULL) of all: the ledger-check job runs as the worker, which reads no table.
CREATE OR REPLACE FUNCTION internal.ledger_mismatches(p_tenant uuid DEFAULT NULL)
RETURNS TABLE (tenant_id uuid, customer_id uuid, cached bigint, summed bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = '' AS $$
  SELECT a.tenant_id, a.customer_id, a.balance, coalesce(s.total, 0)::bigint
    FROM kassa.billing_accounts a
    LEFT JOIN (SELECT l.tenant_id, l.customer_id, sum(l.amount) AS total
                 FROM kassa.ledger_entries l WHERE p_tenant IS NULL OR l.tenant_id = p_tenant
                GROUP BY 1, 2) s USING (tenant_id, customer_id)
   WHERE a.balance <> coalesce(s.total, 0) AND (p_tenant IS NULL OR a.tenant_id = p_tenant)
$$;

-- Live balances: the SSE gateway listens on kassa_balance. One notification per tenant and
-- transaction, however many accounts it moved (an invoice run moves thousands): the payload
-- names the tenant and the transaction's start (its accounts' updated_at), identical for
-- every statement of the transaction, so PostgreSQL folds them into one. The gateway reads
-- the balances changed since then itself (internal.balances_changed_since).
CREATE OR REPLACE FUNCTION internal.notify_balances() RETURNS trigger
LANGUAGE plpgsql SET search_path = '' AS $$
BEGIN
  PERFORM pg_catalog.pg_notify('kassa_balance', pg_catalog.json_build_object('tenant_id', moved.tenant_id,
                                                                             'since', now())::text)
     FROM (SELECT DISTINCT n.tenant_id FROM new_accounts n JOIN old_accounts o USING (tenant_id, customer_id)
            WHERE n.balance IS DISTINCT FROM o.balance) moved;
  RETURN NULL;
END $$;
CREATE OR REPLACE TRIGGER notify_balances AFTER UPDATE ON kassa.billing_accounts
  REFERENCING OLD TABLE AS old_accounts NEW TABLE AS new_accounts
  FOR EACH STATEMENT EXECUTE FUNCTION internal.notify_balances();

SELECT internal.allow('staff', 'SELECT', internal.tenant_rows(), 'kassa.billing_accounts', 'kassa.ledger_entries');
SELECT internal.allow('customer', 'SELECT', internal.own_rows(), 'kassa.billing_accounts', 'kassa.ledger_entries');
GRANT SELECT ON kassa.billing_accounts, kassa.ledger_entries TO customer, staff;

-- id is the entry's opaque uuid; entry_no orders a customer's entries.
CREATE VIEW api.ledger_entries WITH (security_invoker = true) AS
  SELECT public_id AS id, tenant_id, customer_id, entry_no, kind, amount, currency, balance_after, source_type,
         source_id, description, created_at
    FROM kassa.ledger_entries;
GRANT SELECT ON api.ledger_entries TO customer, staff;
