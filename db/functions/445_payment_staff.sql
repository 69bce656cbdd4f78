-- Staff operations on money, each with a mandatory reason and audited (the payments,
-- refunds and adjustments tables carry audit triggers; the reason is on the row).

-- A reason for the audit log: not blank (p_code with p_message otherwise; payment links keep
-- a code of their own), at most 500 characters; answered trimmed.
CREATE OR REPLACE FUNCTION internal.require_reason(
  p_reason text, p_code text DEFAULT 'P0P09', p_message text DEFAULT 'a reason is required',
  p_hint text DEFAULT 'Say why, for the audit log (e.g. "cash at the counter, receipt 1234").')
RETURNS text
LANGUAGE plpgsql IMMUTABLE SET search_path = '' AS $$
BEGIN
  IF internal.is_blank(p_reason) THEN
    PERFORM internal.raise_error(p_code, p_message, hint => p_hint);
  END IF;
  PERFORM internal.check_text(p_reason, 'reason', 500, false);
  RETURN btrim(p_reason);
END $$;

-- Cash or EFT received outside any gateway: a completed payment, applied to open invoices.
-- The reference (receipt, bank reference) makes a retry safe: the same payment recorded again
-- returns the first record; another payment under that reference is refused.
CREATE OR REPLACE FUNCTION internal.record_manual_payment(p_tenant uuid, p_customer uuid, p_amount bigint, p_method text,
                                                          p_reason text, p_reference text, p_actor text)
RETURNS uuid
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  why text := internal.require_reason(p_reason);
  pay kassa.payments;
BEGIN
  PERFORM internal.check_text(p_reference, 'reference', 255, false);
  IF p_method NOT IN ('cash', 'eft') OR p_method IS NULL THEN
    PERFORM internal.raise_error('P0P10', format('a manual payment is cash or eft, not "%s"', p_method));
  END IF;
  SELECT * INTO pay FROM kassa.payments p
   WHERE p.tenant_id = p_tenant AND p.provider = 'manual' AND p.provider_ref = p_reference;
  IF FOUND THEN
    IF pay.customer_id = p_customer AND pay.amount = p_amount THEN
      RETURN pay.id;
    END IF;
    PERFORM internal.raise_error('P0P12', format('reference %s is already recorded for another payment', p_reference),
      hint => 'A reference names one payment; give this one its own.');
  END IF;
  pay := internal.new_payment(p_tenant, p_customer, 'manual', p_method, 'payment', p_amount,
                              (SELECT b.currency FROM kassa.billing_accounts b
                                WHERE b.tenant_id = p_tenant AND b.customer_id = p_customer),
                              p_reference, NULL, NULL, false, why);
  PERFORM internal.complete_payment(p_tenant, pay.id, pay.amount, pay.currency, NULL,
                                    jsonb_build_object('recorded_by', p_actor));
  RETURN pay.id;
END $$;

-- Refunds paid out by staff (cash, EFT, manual payments). Card payments are refunded at
-- Stripe through the bridge (POST /refunds), which records them like the webhook does.
CREATE OR REPLACE FUNCTION internal.refund_manual_payment(p_tenant uuid, p_payment uuid, p_amount bigint, p_reason text,
                                                          p_actor text)
RETURNS uuid
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  provider text;
BEGIN
  SELECT p.provider INTO provider FROM kassa.payments p WHERE p.tenant_id = p_tenant AND p.id = p_payment;
  IF provider IS NULL THEN
    PERFORM internal.raise_error('P0P03', format('unknown payment %s', p_payment));
  END IF;
  IF provider <> 'manual' THEN
    PERFORM internal.raise_error('P0P11', format('payment %s was made through %s; refund it through the gateway', p_payment, provider),
      hint => 'POST /refunds on the bridge (staff token) refunds a card payment at Stripe and records it.');
  END IF;
  RETURN (internal.refund_payment(p_tenant, p_payment, 'refund', p_amount, NULL, internal.require_reason(p_reason),
                                  jsonb_build_object('refunded_by', p_actor))).id;
END $$;

-- A staff correction of the balance (credit or debit), kept with its reason.
CREATE OR REPLACE FUNCTION internal.adjust_balance(p_tenant uuid, p_customer uuid, p_amount bigint, p_reason text,
                                                   p_actor text)
RETURNS uuid LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  adjustment kassa.balance_adjustments;
BEGIN
  INSERT INTO kassa.balance_adjustments (tenant_id, customer_id, amount, reason, created_by)
  VALUES (p_tenant, p_customer, p_amount, internal.require_reason(p_reason), p_actor)
  RETURNING * INTO adjustment;
  -- The ledger (which the customer sees) says what happened; why stays with the staff record.
  PERFORM internal.post_entry(adjustment.tenant_id, adjustment.customer_id, 'adjustment', adjustment.amount,
                              'balance_adjustment', adjustment.id::text, 'Balance adjustment');
  -- A credit settles open invoices, a debit un-settles the newest ones, like any money movement.
  PERFORM internal.allocate_credit(adjustment.tenant_id, ARRAY[adjustment.customer_id]);
  RETURN adjustment.id;
END $$;

-- The API: tenant and actor from the token, a request id for safe retries (060_request_results.sql).
-- One path for the three staff operations: an answered request id returns its first answer,
-- a new one runs the operation (its arguments as the call names them) and keeps the answer.
CREATE OR REPLACE FUNCTION internal.staff_money_request(p_operation text, p_request_id text, p_call jsonb)
RETURNS uuid
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  tenant uuid := internal.jwt_tenant_id();
  actor text := internal.jwt_claims() ->> 'sub';
  answer jsonb := internal.replayed(tenant, p_request_id, p_operation, p_call);
BEGIN
  IF answer IS NULL THEN
    answer := to_jsonb(CASE p_operation
      WHEN 'record_manual_payment' THEN
        internal.record_manual_payment(tenant, (p_call ->> 'customer_id')::uuid, (p_call ->> 'amount')::bigint,
                                       p_call ->> 'method', p_call ->> 'reason', p_call ->> 'reference', actor)
      WHEN 'refund_payment' THEN
        internal.refund_manual_payment(tenant, (p_call ->> 'payment_id')::uuid, (p_call ->> 'amount')::bigint,
                                       p_call ->> 'reason', actor)
      WHEN 'adjust_balance' THEN
        internal.adjust_balance(tenant, (p_call ->> 'customer_id')::uuid, (p_call ->> 'amount')::bigint,
                                p_call ->> 'reason', actor)
    END);
    PERFORM internal.remember(tenant, p_request_id, p_operation, p_call, answer);
  END IF;
  RETURN answer #>> '{}';
END $$;

CREATE OR REPLACE FUNCTION api.record_manual_payment(customer_id uuid, amount bigint, method text, reason text,
                                                     reference text DEFAULT NULL, request_id text DEFAULT NULL)
RETURNS uuid LANGUAGE sql SECURITY DEFINER SET search_path = '' AS $$
  SELECT internal.staff_money_request('record_manual_payment', request_id, jsonb_build_object(
    'customer_id', customer_id, 'amount', amount, 'method', method, 'reason', reason, 'reference', reference))
$$;

CREATE OR REPLACE FUNCTION api.fail_payment(payment_id uuid, reason text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
BEGIN
  PERFORM internal.fail_payment(internal.jwt_tenant_id(), payment_id, reason,
                                jsonb_build_object('failed_by', internal.jwt_claims() ->> 'sub'));
END $$;

CREATE OR REPLACE FUNCTION api.refund_payment(payment_id uuid, amount bigint, reason text, request_id text DEFAULT NULL)
RETURNS uuid LANGUAGE sql SECURITY DEFINER SET search_path = '' AS $$
  SELECT internal.staff_money_request('refund_payment', request_id,
    jsonb_build_object('payment_id', payment_id, 'amount', amount, 'reason', reason))
$$;

CREATE OR REPLACE FUNCTION api.adjust_balance(customer_id uuid, amount bigint, reason text, request_id text DEFAULT NULL)
RETURNS uuid LANGUAGE sql SECURITY DEFINER SET search_path = '' AS $$
  SELECT internal.staff_money_request('adjust_balance', request_id,
    jsonb_build_object('customer_id', customer_id, 'amount', amount, 'reason', reason))
$$;

SELECT internal.audit_table('kassa.balance_adjustments', 'tenant_id', 'id');
SELECT internal.allow('staff', 'SELECT', internal.tenant_rows(), 'kassa.balance_adjustments');
GRANT SELECT ON kassa.balance_adjustments TO staff;

GRANT EXECUTE ON FUNCTION api.record_manual_payment(uuid, bigint, text, text, text, text), api.fail_payment(uuid, text),
  api.refund_payment(uuid, bigint, text, text), api.adjust_balance(uuid, bigint, text, text) TO staff;

CREATE VIEW api.balance_adjustments WITH (security_invoker = true) AS
  SELECT id, tenant_id, customer_id, amount, reason, created_by, created_at FROM kassa.balance_adjustments;
GRANT SELECT ON api.balance_adjustments TO staff;
