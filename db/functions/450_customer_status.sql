-- What a customer's status means, and the only way it changes:
--   active    -> suspended  (suspend_customer: each active service is suspended with it)
--   suspended -> active     (resume_customer: only the services its suspension suspended resume)
--   active | suspended -> closed (close_customer: only when nothing is open, see below; final)
-- Each move has a mandatory reason, kept in customers.status_reason (and, with the row before
-- and after, in the audit log). A suspended customer still logs in, sees and pays; the invoice
-- run does not bill suspended services. A closed customer cannot log in, so closing is refused
-- while anything could still be owed or paid: the first such thing is named in the error.

-- An amount in minor units as people read it, in the tenant's currency: 150.00 ZAR.
CREATE OR REPLACE FUNCTION internal.money_text(p_tenant_id uuid, p_amount bigint) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = '' AS $$
  SELECT format('%s %s', round(p_amount / power(10::numeric, cur.minor_units), cur.minor_units), t.currency)
    FROM kassa.tenants t JOIN kassa.currencies cur ON cur.code = t.currency WHERE t.id = p_tenant_id
$$;

-- Why the customer cannot be closed (code, message, hint), in the order to clear them:
-- cancelling a service leaves pro-rata charges, the invoice run bills them, invoices are paid,
-- payments settle, and what is left is the balance. The codes follow that order, so the first
-- obstacle is the lowest code, then the oldest row. No row when the customer can be closed.
CREATE OR REPLACE FUNCTION internal.close_obstacle(p_tenant_id uuid, p_customer_id uuid,
                                                   OUT code text, OUT message text, OUT hint text)
RETURNS record LANGUAGE sql STABLE SECURITY DEFINER SET search_path = '' AS $$
  SELECT o.code, o.message, o.hint FROM (
    SELECT 'P0C08', format('service %s is %s', s.id, s.status), 'Cancel every service first (/rpc/cancel_service).',
           s.created_at, s.id
      FROM kassa.services s
     WHERE s.tenant_id = p_tenant_id AND s.customer_id = p_customer_id AND s.status <> 'cancelled'
    UNION ALL
    SELECT 'P0C09', format('charge "%s" (%s) is not billed yet', pc.description, pc.id),
           'Bill it with the invoice run for this customer, then settle the invoice.', pc.created_at, pc.id
      FROM kassa.pending_charges pc
     WHERE pc.tenant_id = p_tenant_id AND pc.customer_id = p_customer_id AND NOT pc.settled
    UNION ALL
    SELECT 'P0C10', CASE WHEN i.status = 'draft' THEN format('draft invoice %s is not finalised', i.id)
                         ELSE format('invoice %s has %s due', i.number, internal.money_text(p_tenant_id, i.amount_due)) END,
           'Finalise and settle (or void) every invoice first.', i.created_at, i.id
      FROM kassa.invoices i
     WHERE i.tenant_id = p_tenant_id AND i.customer_id = p_customer_id
       AND (i.status = 'draft' OR (i.status <> 'void' AND i.amount_due > 0))
    UNION ALL
    SELECT 'P0C11', format('payment %s of %s is pending', p.id, internal.money_text(p_tenant_id, p.amount)),
           'Wait until the gateway completes or fails it.', p.created_at, p.id
      FROM kassa.payments p
     WHERE p.tenant_id = p_tenant_id AND p.customer_id = p_customer_id AND p.status = 'pending'
    UNION ALL
    SELECT 'P0C12', format('the balance is %s, not zero', internal.money_text(p_tenant_id, a.balance)),
           CASE WHEN a.balance > 0 THEN 'Refund the credit the customer holds first.'
                ELSE 'The customer owes this: collect it (or adjust the balance) first.' END, NULL, NULL
      FROM kassa.billing_accounts a
     WHERE a.tenant_id = p_tenant_id AND a.customer_id = p_customer_id AND a.balance <> 0
  ) AS o (code, message, hint, created_at, id)
  ORDER BY o.code, o.created_at, o.id
  LIMIT 1
$$;

-- Moves the customer along its status (above) and its services with it.
CREATE OR REPLACE FUNCTION internal.customer_transition(p_tenant_id uuid, p_customer_id uuid, p_action text,
                                                        p_reason text)
RETURNS kassa.customers LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  c        kassa.customers;
  obstacle record;
  service  kassa.services;
  today    date := internal.tenant_today(p_tenant_id);
  allowed  constant jsonb := '{"suspend": ["active"], "resume": ["suspended"], "close": ["active", "suspended"]}';
BEGIN
  IF internal.is_blank(p_reason) THEN
    PERFORM internal.raise_error('P0C05', format('a reason is required to %s a customer', p_action),
      hint => 'Say why, in a few words: it is kept with the customer''s status.');
  END IF;
  PERFORM internal.check_text(p_reason, 'reason', 500, false);
  -- FOR UPDATE (not the weaker lock an UPDATE takes) also waits for, and then holds off, rows
  -- being added for this customer (their foreign key check locks it): nothing slips in
  -- between the checks below and the status change.
  SELECT * INTO c FROM kassa.customers cu WHERE cu.tenant_id = p_tenant_id AND cu.id = p_customer_id FOR UPDATE;
  IF NOT FOUND THEN
    PERFORM internal.raise_error('P0C04', format('customer %s not found', p_customer_id));
  END IF;
  IF c.status = 'closed' THEN
    PERFORM internal.refuse_closed_customer(c.account_number);
  END IF;
  IF NOT (allowed -> p_action) ? c.status THEN
    PERFORM internal.raise_error('P0C07', format('cannot %s a customer who is %s', p_action, c.status),
      hint => format('Allowed for a %s customer: %s.', c.status,
                     (SELECT string_agg(a.key, ', ' ORDER BY a.key) FROM jsonb_each(allowed) a WHERE a.value ? c.status)));
  END IF;
  IF p_action = 'close' THEN
    SELECT * INTO obstacle FROM internal.close_obstacle(p_tenant_id, p_customer_id);
    IF obstacle.code IS NOT NULL THEN
      PERFORM internal.raise_error(obstacle.code, format('cannot close customer %s: %s', c.account_number, obstacle.message),
        hint => obstacle.hint);
    END IF;
  END IF;

  PERFORM set_config('kassa.customer_status_change', 'on', true);
  UPDATE kassa.customers cu
     SET status = CASE p_action WHEN 'suspend' THEN 'suspended' WHEN 'resume' THEN 'active' ELSE 'closed' END,
         status_reason = btrim(p_reason)
   WHERE cu.tenant_id = p_tenant_id AND cu.id = p_customer_id
  RETURNING cu.* INTO c;
  PERFORM set_config('kassa.customer_status_change', 'off', true);
  IF c.status = 'closed' THEN
    PERFORM internal.notify_access_ended(p_tenant_id, p_customer_id);  -- open SSE streams end
  END IF;

  -- The services follow, through their own transition (action log, pro-rata on resumption).
  -- The customer is already active again when its services resume (they refuse otherwise).
  FOR service IN
    SELECT * FROM kassa.services s
     WHERE s.tenant_id = p_tenant_id AND s.customer_id = p_customer_id
       AND CASE p_action WHEN 'suspend' THEN s.status = 'active'
                         WHEN 'resume' THEN s.status = 'suspended' AND s.suspension_reason = 'customer_suspended'
                         ELSE false END
     ORDER BY s.created_at, s.id
  LOOP
    PERFORM internal.service_transition(p_tenant_id, service.id, p_action, p_reason, today, NULL, 'customer_suspended');
  END LOOP;
  RETURN c;
END $$;

-- The RPCs (staff of the customer's tenant), like the service RPCs: the tenant from the token.
CREATE OR REPLACE FUNCTION api.close_customer(customer_id uuid, reason text)
RETURNS kassa.customers LANGUAGE sql SECURITY DEFINER SET search_path = '' AS $$
  SELECT internal.customer_transition(internal.jwt_tenant_id(), customer_id, 'close', reason)
$$;
CREATE OR REPLACE FUNCTION api.suspend_customer(customer_id uuid, reason text)
RETURNS kassa.customers LANGUAGE sql SECURITY DEFINER SET search_path = '' AS $$
  SELECT internal.customer_transition(internal.jwt_tenant_id(), customer_id, 'suspend', reason)
$$;
CREATE OR REPLACE FUNCTION api.resume_customer(customer_id uuid, reason text)
RETURNS kassa.customers LANGUAGE sql SECURITY DEFINER SET search_path = '' AS $$
  SELECT internal.customer_transition(internal.jwt_tenant_id(), customer_id, 'resume', reason)
$$;

GRANT EXECUTE ON FUNCTION api.close_customer(uuid, text), api.suspend_customer(uuid, text),
  api.resume_customer(uuid, text) TO staff;
