-- NetCash debit orders: eMandates on debit-order payment methods, debit-order runs (a batch
-- of debits per tenant and submission date, one pending payment per debit) and their results
-- from NetCash's merchant statement. NetCash is called by the jobs and the bridge
-- (jobs/debit_order_run.py, bridge/webhooks.py); these functions record what it answered.
--
-- A mandate is `pending` until NetCash confirms it `active` or `declined`; an unpaid whose
-- reason withdraws the authority (internal.debit_order_unpaid) makes it `cancelled`. Only an
-- active mandate is debited.

-- The NetCash account reference of a payment method: 22 characters from its id (the postback
-- names only this, no tenant).
CREATE OR REPLACE FUNCTION internal.netcash_account_ref(p_method uuid) RETURNS text
LANGUAGE sql IMMUTABLE SET search_path = '' AS $$
  SELECT 'K' || upper(left(replace(p_method::text, '-', ''), 21))
$$;

-- The debit-order methods of a tenant (or all: NULL) whose mandate has not been asked of NetCash
-- yet, with what AddMandate needs. The mandate amount is the customer's largest invoice, at
-- least 100.00: NetCash's "default amount" shown on the mandate, not a limit Kassa enforces.
CREATE OR REPLACE FUNCTION internal.mandates_to_request(p_tenant uuid)
RETURNS TABLE (tenant_id uuid, payment_method_id uuid, account_reference text, customer_name text,
               email text, phone text, agreement_reference text, amount bigint, agreed_on date)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = '' AS $$
  SELECT m.tenant_id, m.id, internal.netcash_account_ref(m.id), c.name, c.email, c.phone, m.mandate_reference,
         greatest(10000, (SELECT max(i.total) FROM kassa.invoices i
                           WHERE i.tenant_id = m.tenant_id AND i.customer_id = m.customer_id)),
         internal.tenant_today(m.tenant_id)
    FROM kassa.payment_methods m
    JOIN kassa.customers c ON c.tenant_id = m.tenant_id AND c.id = m.customer_id
   WHERE (p_tenant IS NULL OR m.tenant_id = p_tenant) AND m.kind = 'debit_order' AND m.deleted_at IS NULL
     AND m.mandate_status = 'pending' AND m.netcash_account_ref IS NULL AND c.status <> 'closed'
   ORDER BY m.tenant_id, m.created_at
$$;

-- NetCash accepted the mandate request: the account reference and the page the customer signs
-- on. Recording it again (a retried run) keeps the first request's reference.
CREATE OR REPLACE FUNCTION internal.record_mandate_request(p_tenant uuid, p_method uuid, p_mandate_url text)
RETURNS kassa.payment_methods
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  m kassa.payment_methods := internal.lock_payment_method(p_tenant, p_method, NULL);
BEGIN
  IF m.kind <> 'debit_order' THEN
    PERFORM internal.raise_error('P0E05', format('payment method %s is a %s, not a debit order', p_method, m.kind),
      hint => 'Mandates are asked for debit-order payment methods only.');
  END IF;
  PERFORM internal.check_text(p_mandate_url, 'mandate_url', 2000);
  UPDATE kassa.payment_methods pm
     SET netcash_account_ref = coalesce(pm.netcash_account_ref, internal.netcash_account_ref(pm.id)),
         mandate_requested_at = coalesce(pm.mandate_requested_at, now()), mandate_url = p_mandate_url
   WHERE pm.tenant_id = p_tenant AND pm.id = p_method
  RETURNING * INTO m;
  RETURN m;
END $$;

-- The bridge, on NetCash's unsigned postback: keeps it on the method as a hint (nothing else
-- changes) and answers whose method it is; P0E01 for an account reference Kassa never sent.
CREATE OR REPLACE FUNCTION internal.mandate_postback(p_account_ref text, p_fields jsonb)
RETURNS TABLE (tenant_id uuid, payment_method_id uuid, mandate_status text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
BEGIN
  RETURN QUERY
  UPDATE kassa.payment_methods m SET mandate_postback = p_fields, mandate_postback_at = now()
   WHERE m.netcash_account_ref = p_account_ref AND m.deleted_at IS NULL
  RETURNING m.tenant_id, m.id, m.mandate_status;
  IF NOT FOUND THEN
    PERFORM internal.raise_error('P0E01', format('no debit-order mandate has the account reference "%s"', left(p_account_ref, 40)),
      hint => 'The reference is the one Kassa sent with AddMandate.');
  END IF;
END $$;

-- A mandate's outcome as NetCash confirmed it: pending -> active or declined. The same outcome
-- again is a no-op; any other change of a decided mandate is refused (P0E02), so a replayed or
-- forged postback cannot revive a cancelled mandate.
CREATE OR REPLACE FUNCTION internal.record_mandate_outcome(
  p_tenant uuid, p_method uuid, p_accepted boolean, p_mandate_ref text, p_reason text)
RETURNS kassa.payment_methods
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  m kassa.payment_methods := internal.lock_payment_method(p_tenant, p_method, NULL);
  outcome text := CASE WHEN p_accepted THEN 'active' ELSE 'declined' END;
BEGIN
  IF m.mandate_status = outcome THEN
    RETURN m;
  END IF;
  IF m.mandate_status IS DISTINCT FROM 'pending' OR m.netcash_account_ref IS NULL THEN
    PERFORM internal.raise_error('P0E02', format('the mandate of payment method %s is %s and cannot become %s',
                                                 p_method, coalesce(m.mandate_status, 'not a debit order'), outcome),
      hint => 'Only a pending mandate Kassa asked NetCash for is decided; a new mandate needs a new payment method.');
  END IF;
  PERFORM internal.check_text(p_mandate_ref, 'mandate_reference', 100, false);
  UPDATE kassa.payment_methods pm
     SET mandate_status = outcome, mandate_decided_at = now(), netcash_mandate_ref = nullif(p_mandate_ref, ''),
         mandate_decline_reason = CASE WHEN p_accepted THEN NULL ELSE left(coalesce(nullif(btrim(p_reason), ''), 'declined'), 500) END
   WHERE pm.tenant_id = p_tenant AND pm.id = p_method
  RETURNING * INTO m;
  RETURN m;
END $$;
