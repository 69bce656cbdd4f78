-- Auto-pay on the due date (cards): a customer who opted in (customers.auto_pay) has each
-- invoice charged to their primary saved card, off-session through Stripe, on its due date by
-- the `auto-pay` job (jobs/auto_pay.py). One payment per invoice and due date, naming both
-- (the payments_one_auto_pay_per_due_date index): a re-run, or two runs at once, never charge
-- an invoice twice for one due date; a declined card fails that payment, the invoice stays
-- open and becomes overdue like any unpaid one (dunning takes it from there). Customers whose
-- primary method is a debit order are collected by the debit-order run instead.
-- A dunning step with a retry charges the card once more, once per invoice and step (the
-- payments_one_retry_per_dunning_step index), by the dunning job (jobs/dunning.py).

-- The card auto-pay charges: the customer's primary method, a card not removed.
CREATE OR REPLACE FUNCTION internal.auto_pay_card(p_tenant uuid, p_customer uuid)
RETURNS uuid LANGUAGE sql STABLE SECURITY DEFINER SET search_path = '' AS $$
  SELECT m.id FROM kassa.payment_methods m
   WHERE m.tenant_id = p_tenant AND m.customer_id = p_customer AND m.is_primary AND m.kind = 'card'
     AND m.deleted_at IS NULL
$$;

-- The opt-in, by the customer for themselves or by staff for a customer. Enabling needs a
-- primary saved card; disabling is always possible.
CREATE OR REPLACE FUNCTION internal.configure_auto_pay(p_tenant uuid, p_customer uuid, p_enabled boolean)
RETURNS boolean LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
BEGIN
  IF p_enabled IS NULL THEN
    PERFORM internal.raise_error('P0X05', 'enabled must be true or false');
  END IF;
  PERFORM 1 FROM kassa.customers c
   WHERE c.tenant_id = p_tenant AND c.id = p_customer AND c.status <> 'closed' FOR UPDATE;
  IF NOT FOUND THEN
    PERFORM internal.raise_error('P0X03', format('unknown or closed customer %s', p_customer));
  END IF;
  IF p_enabled AND internal.auto_pay_card(p_tenant, p_customer) IS NULL THEN
    PERFORM internal.raise_error('P0X06', 'auto-pay needs a saved card as the primary payment method',
      hint => 'Save a card and make it primary (/rpc/set_primary_payment_method); debit orders are collected by the debit-order run.');
  END IF;
  UPDATE kassa.customers c SET auto_pay = p_enabled WHERE c.tenant_id = p_tenant AND c.id = p_customer;
  RETURN p_enabled;
END $$;

CREATE OR REPLACE FUNCTION api.configure_auto_pay(enabled boolean, customer_id uuid DEFAULT NULL)
RETURNS boolean LANGUAGE sql SECURITY DEFINER SET search_path = '' AS $$
  SELECT internal.configure_auto_pay(internal.jwt_tenant_id(), internal.method_owner(customer_id), enabled)
$$;
GRANT EXECUTE ON FUNCTION api.configure_auto_pay(boolean, uuid) TO customer, staff;

-- Whether the invoice can be charged to its customer's card now: open, something due, its
-- customer opted in with a primary card, and no debit order of it in flight
-- (db/functions/480_debit_orders.sql).
CREATE OR REPLACE FUNCTION internal.card_collectable(i kassa.invoices)
RETURNS boolean LANGUAGE sql STABLE SECURITY DEFINER SET search_path = '' AS $$
  SELECT i.status IN ('finalised', 'partially_paid', 'overdue') AND i.amount_due > 0
     AND EXISTS (SELECT FROM kassa.customers c WHERE c.tenant_id = i.tenant_id AND c.id = i.customer_id AND c.auto_pay)
     AND internal.auto_pay_card(i.tenant_id, i.customer_id) IS NOT NULL
     AND NOT EXISTS (SELECT FROM kassa.debit_order_items d WHERE d.tenant_id = i.tenant_id AND d.invoice_id = i.id
                        AND d.status IN ('pending', 'submitted'))
$$;

-- Whether the invoice is to be charged for due date p_due_on: collectable by card, due that
-- day, and no auto-pay payment for that due date yet.
CREATE OR REPLACE FUNCTION internal.auto_pay_due(i kassa.invoices, p_due_on date)
RETURNS boolean LANGUAGE sql STABLE SECURITY DEFINER SET search_path = '' AS $$
  SELECT i.due_on = p_due_on AND internal.card_collectable(i)
     AND NOT EXISTS (SELECT FROM kassa.payments p WHERE p.tenant_id = i.tenant_id AND p.invoice_id = i.id
                        AND p.auto_pay_due_on = p_due_on)
$$;

-- Whether the invoice is to be charged for its dunning step p_step (a retry step,
-- db/functions/470_dunning.sql): collectable by card, the step its latest taken, and no
-- payment for that step yet. A retry left behind by a later step is not charged any more.
CREATE OR REPLACE FUNCTION internal.dunning_retry_due(i kassa.invoices, p_step integer)
RETURNS boolean LANGUAGE sql STABLE SECURITY DEFINER SET search_path = '' AS $$
  SELECT internal.card_collectable(i)
     AND EXISTS (SELECT FROM kassa.invoice_dunning d
                   JOIN kassa.invoice_dunning_steps x ON x.tenant_id = d.tenant_id AND x.invoice_id = d.invoice_id
                                                     AND x.step = d.last_step AND x.outcome = 'taken'
                   JOIN kassa.dunning_steps st ON st.tenant_id = d.tenant_id AND st.schedule_version = d.schedule_version
                                              AND st.day_offset = x.step AND st.retry
                  WHERE d.tenant_id = i.tenant_id AND d.invoice_id = i.id AND d.last_step = p_step)
     AND NOT EXISTS (SELECT FROM kassa.payments p WHERE p.tenant_id = i.tenant_id AND p.invoice_id = i.id
                        AND p.dunning_step = p_step)
$$;

-- The invoices to charge on p_as_of (NULL: each tenant's today), of one tenant or (NULL) all:
-- those due that day, and those due in the week before whose day's run did not happen (the
-- scheduler runs only the latest missed slot after downtime); a due date is charged once.
CREATE OR REPLACE FUNCTION internal.due_auto_pays(p_as_of date, p_tenant uuid)
RETURNS TABLE (tenant_id uuid, invoice_id uuid, due_on date)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = '' AS $$
  SELECT i.tenant_id, i.id, i.due_on
    FROM kassa.tenants t
    JOIN kassa.invoices i ON i.tenant_id = t.id
                         AND i.due_on BETWEEN coalesce(p_as_of, internal.tenant_today(t.id)) - 7
                                          AND coalesce(p_as_of, internal.tenant_today(t.id))
   WHERE (p_tenant IS NULL OR t.id = p_tenant)
     AND internal.auto_pay_due(i, i.due_on)
   ORDER BY i.tenant_id, i.customer_id, i.issued_on, i.number
$$;

-- The card retries of dunning steps to charge, of one tenant or (NULL) all.
CREATE OR REPLACE FUNCTION internal.due_dunning_retries(p_tenant uuid)
RETURNS TABLE (tenant_id uuid, invoice_id uuid, step integer)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = '' AS $$
  SELECT i.tenant_id, i.id, d.last_step
    FROM kassa.invoice_dunning d
    JOIN kassa.invoices i ON i.tenant_id = d.tenant_id AND i.id = d.invoice_id
   WHERE (p_tenant IS NULL OR d.tenant_id = p_tenant) AND d.last_step > 0
     AND internal.dunning_retry_due(i, d.last_step)
   ORDER BY i.tenant_id, i.customer_id, i.issued_on, i.number
$$;

-- Claims one card charge of an invoice, for its due date p_due_on (auto-pay) or, with no date,
-- for its dunning step p_dunning_step (a retry): a pending card payment of the invoice's amount due naming the invoice and the date or
-- step, or NULL when it is no longer due (paid meanwhile, taken by another run).
CREATE OR REPLACE FUNCTION internal.claim_invoice_charge(p_tenant uuid, p_invoice uuid, p_due_on date,
                                                         p_dunning_step integer)
RETURNS jsonb LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  i   kassa.invoices;
  pay kassa.payments;
BEGIN
  -- Under the invoice's lock, two runs claim one after the other; the second sees the first's payment.
  SELECT * INTO i FROM kassa.invoices v WHERE v.tenant_id = p_tenant AND v.id = p_invoice FOR UPDATE;
  IF NOT FOUND OR NOT coalesce(internal.auto_pay_due(i, p_due_on), internal.dunning_retry_due(i, p_dunning_step)) THEN
    RETURN NULL;
  END IF;
  pay := internal.new_payment(p_tenant, i.customer_id, 'stripe', 'card', 'payment', i.amount_due, i.currency,
                              p_payment_method => internal.auto_pay_card(p_tenant, i.customer_id),
                              p_invoice => i.id);
  UPDATE kassa.payments p
     SET auto_pay_due_on = p_due_on, dunning_step = CASE WHEN p_due_on IS NULL THEN p_dunning_step END
   WHERE p.tenant_id = p_tenant AND p.id = pay.id;
  RETURN internal.off_session_claim(pay);  -- 430_auto_topup.sql: the same charger
END $$;

-- Invoice card charges (auto-pay, dunning retries) claimed at or before p_before with no answer
-- recorded (a crash between claim and gateway), and whether their invoice still owes the
-- claimed amount (still_due): then the jobs ask the gateway again with the same idempotency
-- key; otherwise (paid meanwhile) they only look whether the charge reached the gateway, so
-- an invoice paid another way is never charged a second time.
CREATE OR REPLACE FUNCTION internal.in_flight_invoice_charges(p_before timestamptz, p_tenant uuid)
RETURNS SETOF jsonb LANGUAGE sql STABLE SECURITY DEFINER SET search_path = '' AS $$
  SELECT internal.off_session_claim(p)
         || jsonb_build_object('still_due', i.status IN ('finalised', 'partially_paid', 'overdue') AND i.amount_due >= p.amount)
    FROM kassa.payments p
    JOIN kassa.invoices i ON i.tenant_id = p.tenant_id AND i.id = p.invoice_id
   WHERE (p.auto_pay_due_on IS NOT NULL OR p.dunning_step IS NOT NULL) AND p.status = 'pending'
     AND p.created_at <= p_before AND (p_tenant IS NULL OR p.tenant_id = p_tenant)
$$;
