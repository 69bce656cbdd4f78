-- Credit control: staff set a customer's credit limit, with a reason (kassa.credit_limits,
-- audited); from then on the customer is under credit control. Two rules use the limit:
--   - the ledger (internal.post_entries): debits other than invoices may not take the balance
--     below minus the limit (billing_accounts.credit_limit, 0 unless staff set it);
--   - new chargeable activations and one-off fees (internal.service_transition 'activate',
--     internal.add_fee) are refused (P0X04) when what the customer owes, with the charges not
--     yet invoiced and the new charge, would be more than the limit. Customers without a
--     credit limit row are not credit controlled: activations and fees are never refused.

-- What a customer may still be charged, as credit control sees it: the limit plus the balance
-- less the charges waiting for the next invoice (a prepaid balance adds to it). NULL when the
-- customer is not credit controlled.
CREATE OR REPLACE FUNCTION internal.available_credit(p_tenant uuid, p_customer uuid)
RETURNS bigint LANGUAGE sql STABLE SECURITY DEFINER SET search_path = '' AS $$
  SELECT l.credit_limit + a.balance
         - coalesce((SELECT sum(round(pc.quantity * pc.unit_price)) FROM kassa.pending_charges pc
                      WHERE pc.tenant_id = p_tenant AND pc.customer_id = p_customer
                        AND pc.invoice_line_id IS NULL), 0)::bigint
    FROM kassa.credit_limits l
    JOIN kassa.billing_accounts a USING (tenant_id, customer_id)
   WHERE l.tenant_id = p_tenant AND l.customer_id = p_customer
$$;

-- The one credit check of activations and fees: p_quantity of price version p_price_version_id
-- would be charged to the customer. Raises P0X04 when that is beyond the credit limit. The
-- customer's account is locked first, so two charges at once are checked one after the other
-- (the second sees the first's pending charge).
CREATE OR REPLACE FUNCTION internal.check_credit(p_tenant uuid, p_customer uuid, p_price_version_id uuid,
                                                 p_quantity numeric DEFAULT 1)
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  available bigint;
  charge    bigint;
BEGIN
  PERFORM FROM kassa.billing_accounts a WHERE a.tenant_id = p_tenant AND a.customer_id = p_customer FOR UPDATE;
  available := internal.available_credit(p_tenant, p_customer);
  IF available IS NULL THEN
    RETURN;
  END IF;
  SELECT round(v.price * coalesce(p_quantity, 1))::bigint INTO charge
    FROM kassa.price_versions v WHERE v.tenant_id = p_tenant AND v.id = p_price_version_id;
  IF coalesce(charge, 0) > 0 AND charge > available THEN
    PERFORM internal.raise_error('P0X04',
      format('credit limit reached: a charge of %s is more than the %s of credit customer %s has left',
             charge, greatest(available, 0),
             (SELECT c.account_number FROM kassa.customers c WHERE c.tenant_id = p_tenant AND c.id = p_customer)),
      hint => 'Take a payment first, or raise the credit limit with /rpc/set_credit_limit.');
  END IF;
END $$;

-- Staff set the limit (minor units, a whole number, zero or more) with a reason. The billing
-- account takes the number (the ledger's rule) and kassa.credit_limits the reason and who set
-- it; both changes are audited.
CREATE OR REPLACE FUNCTION internal.set_credit_limit(p_tenant uuid, p_customer uuid, p_limit numeric,
                                                     p_reason text, p_actor text)
RETURNS kassa.credit_limits LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  why   text := internal.require_reason(p_reason, 'P0X02', 'setting a credit limit needs a reason',
                                        'Say why, for the audit log (e.g. "payment history reviewed").');
  saved kassa.credit_limits;
BEGIN
  PERFORM internal.check_finite(p_limit, 'credit_limit');
  IF p_limit IS NULL OR p_limit < 0 OR p_limit <> trunc(p_limit) OR p_limit > 9223372036854775807 THEN
    PERFORM internal.raise_error('P0X01', format('credit limit %s is not a whole amount of zero or more', coalesce(p_limit::text, 'null')),
      hint => 'Amounts are in minor units (cents); 0 means no credit at all.');
  END IF;
  PERFORM 1 FROM kassa.billing_accounts a JOIN kassa.customers c ON c.tenant_id = a.tenant_id AND c.id = a.customer_id
   WHERE a.tenant_id = p_tenant AND a.customer_id = p_customer AND c.status <> 'closed'
     FOR UPDATE OF a;
  IF NOT FOUND THEN
    PERFORM internal.raise_error('P0X03', format('unknown or closed customer %s', p_customer));
  END IF;
  UPDATE kassa.billing_accounts a SET credit_limit = p_limit::bigint, updated_at = now()
   WHERE a.tenant_id = p_tenant AND a.customer_id = p_customer;
  INSERT INTO kassa.credit_limits AS l (tenant_id, customer_id, credit_limit, reason, set_by)
  VALUES (p_tenant, p_customer, p_limit::bigint, why, left(coalesce(p_actor, session_user), 200))
  ON CONFLICT ON CONSTRAINT credit_limits_pkey DO UPDATE
     SET credit_limit = excluded.credit_limit, reason = excluded.reason, set_by = excluded.set_by, set_at = now()
  RETURNING l.* INTO saved;
  RETURN saved;
END $$;

CREATE OR REPLACE FUNCTION api.set_credit_limit(customer_id uuid, credit_limit numeric, reason text)
RETURNS kassa.credit_limits LANGUAGE sql SECURITY DEFINER SET search_path = '' AS $$
  SELECT internal.set_credit_limit(internal.jwt_tenant_id(), customer_id, credit_limit, reason,
                                   internal.audit_actor(internal.jwt_claims()))
$$;
GRANT EXECUTE ON FUNCTION api.set_credit_limit(uuid, numeric, text) TO staff;

SELECT internal.audit_table('kassa.credit_limits', 'tenant_id', 'customer_id');
SELECT internal.allow('staff', 'SELECT', internal.tenant_rows(), 'kassa.credit_limits');
GRANT SELECT ON kassa.credit_limits TO staff;

CREATE VIEW api.credit_limits WITH (security_invoker = true) AS
  SELECT tenant_id, customer_id, credit_limit, reason, set_by, set_at FROM kassa.credit_limits;
GRANT SELECT ON api.credit_limits TO staff;
