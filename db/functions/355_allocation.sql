-- Allocation: credit on a customer's account settles open invoices, oldest first.
--
-- The ledger already holds the money (invoices debit it, payments/top-ups/credit notes credit
-- it); allocation only records which invoices that money settled. For each customer
--   available = account balance + sum(amount_due of open invoices)
-- is the credit not yet applied. When positive it goes to open invoices (finalised,
-- partially_paid, overdue) ordered by issued_on, number: each takes
-- least(amount_due, what is left), so the parts sum exactly to what was applied.
-- When negative, money that had settled invoices has left the account (a refund, a
-- chargeback, a debit): the newest settled invoices give back that much of their amount_paid,
-- recorded as negative allocation rows. Either way the settled state follows from the balance
-- and the invoices alone, whatever order the postings came in.
-- p_first_invoice_ids: invoices that take the credit before the oldest (a payment that names
-- its invoice, or was made through the invoice's payment link, settles that invoice first),
-- and give it back before the newest (refunding or reversing such a payment un-settles that
-- invoice first).

CREATE OR REPLACE FUNCTION internal.allocate_credit(p_tenant_id uuid, p_customer_ids uuid[],
                                                    p_first_invoice_ids uuid[] DEFAULT '{}')
RETURNS SETOF kassa.invoice_allocations
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  today date := internal.tenant_today(p_tenant_id);  -- past due means before the tenant's today
BEGIN
  -- The same fixed order as internal.post_entries: two allocations (or an allocation and a
  -- posting) for one customer queue up instead of both applying the same credit.
  PERFORM 1 FROM kassa.billing_accounts a
   WHERE a.tenant_id = p_tenant_id AND a.customer_id = ANY (p_customer_ids)
   ORDER BY a.tenant_id, a.customer_id FOR UPDATE;

  RETURN QUERY
  WITH shortfall AS (
    SELECT a.customer_id, -(a.balance + coalesce(d.due, 0)) AS amount
      FROM kassa.billing_accounts a
      LEFT JOIN (SELECT i.customer_id, sum(i.amount_due) AS due FROM kassa.invoices i
                  WHERE i.tenant_id = p_tenant_id AND i.customer_id = ANY (p_customer_ids)
                    AND i.status IN ('finalised', 'partially_paid', 'overdue') AND i.amount_due > 0
                  GROUP BY 1) d ON d.customer_id = a.customer_id
     WHERE a.tenant_id = p_tenant_id AND a.customer_id = ANY (p_customer_ids) AND a.balance + coalesce(d.due, 0) < 0
  ), settled AS (
    SELECT i.tenant_id, i.id, i.customer_id, i.amount_paid, i.due_on,
           coalesce(sum(i.amount_paid) OVER (PARTITION BY i.customer_id
                                             ORDER BY coalesce(i.id = ANY (p_first_invoice_ids), false) DESC,
                                                      i.issued_on DESC, i.number DESC
                                             ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS paid_after
      FROM kassa.invoices i
     WHERE i.tenant_id = p_tenant_id AND i.customer_id IN (SELECT s.customer_id FROM shortfall s)
       AND i.status IN ('finalised', 'partially_paid', 'overdue', 'paid') AND i.amount_paid > 0
  ), taken AS (
    SELECT p.*, least(p.amount_paid, s.amount - p.paid_after) AS amount
      FROM settled p JOIN shortfall s ON s.customer_id = p.customer_id
     WHERE s.amount - p.paid_after > 0
  ), unsettled AS (
    UPDATE kassa.invoices i
       SET amount_paid = i.amount_paid - t.amount,
           status = CASE WHEN i.due_on < today THEN 'overdue'
                         WHEN i.amount_paid - t.amount = 0 AND i.amount_credited = 0 THEN 'finalised'
                         ELSE 'partially_paid' END
      FROM taken t
     WHERE i.tenant_id = t.tenant_id AND i.id = t.id
  )
  INSERT INTO kassa.invoice_allocations AS x (tenant_id, invoice_id, customer_id, amount, source_type)
  SELECT t.tenant_id, t.id, t.customer_id, -t.amount, 'balance' FROM taken t ORDER BY t.customer_id, t.paid_after
  RETURNING x.*;

  RETURN QUERY
  WITH open AS (
    SELECT i.tenant_id, i.id, i.customer_id, i.amount_due, i.status,
           sum(i.amount_due) OVER (PARTITION BY i.customer_id) AS customer_due,
           coalesce(sum(i.amount_due) OVER (PARTITION BY i.customer_id
                                            ORDER BY coalesce(i.id = ANY (p_first_invoice_ids), false) DESC,
                                                     i.issued_on, i.number
                                            ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS due_before
      FROM kassa.invoices i
     WHERE i.tenant_id = p_tenant_id AND i.customer_id = ANY (p_customer_ids)
       AND i.status IN ('finalised', 'partially_paid', 'overdue') AND i.amount_due > 0
  ), applied AS (
    SELECT o.*, least(o.amount_due, a.balance + o.customer_due - o.due_before) AS amount
      FROM open o JOIN kassa.billing_accounts a ON a.tenant_id = o.tenant_id AND a.customer_id = o.customer_id
     WHERE a.balance + o.customer_due - o.due_before > 0
  ), settled AS (
    UPDATE kassa.invoices i
       SET amount_paid = i.amount_paid + p.amount,
           status = CASE WHEN p.amount = p.amount_due THEN 'paid'
                         WHEN i.status = 'overdue' THEN 'overdue' ELSE 'partially_paid' END
      FROM applied p
     WHERE i.tenant_id = p.tenant_id AND i.id = p.id
  )
  INSERT INTO kassa.invoice_allocations AS x (tenant_id, invoice_id, customer_id, amount, source_type)
  SELECT p.tenant_id, p.id, p.customer_id, p.amount, 'balance' FROM applied p ORDER BY p.customer_id, p.due_before
  RETURNING x.*;
END $$;

-- Row-level security and the API's view of allocations.
SELECT internal.allow('staff', 'SELECT', internal.tenant_rows(), 'kassa.invoice_allocations');
SELECT internal.allow('customer', 'SELECT', internal.own_rows(), 'kassa.invoice_allocations');
GRANT SELECT ON kassa.invoice_allocations TO customer, staff;

CREATE VIEW api.invoice_allocations WITH (security_invoker = true) AS
  SELECT public_id AS id, tenant_id, invoice_id, customer_id, amount, source_type, source_id, created_at
    FROM kassa.invoice_allocations;
GRANT SELECT ON api.invoice_allocations TO customer, staff;
