-- Auto top-up: when a posting takes the balance below the customer's threshold, a request is
-- flagged (requested_at); the `auto-topup` job claims it and charges the saved card off-session.
-- The rules live here: at most one attempt in flight per customer (claim under the row lock +
-- the payments_one_auto_topup_in_flight index), a cooldown after each attempt, disabled after
-- a number of consecutive failures (with a notification), a success resets the count.
-- Time is a parameter (p_now), so tests pass it instead of waiting.

-- The two numbers of those rules, each in one place (docs/payments.md states them).
CREATE OR REPLACE FUNCTION internal.auto_topup_cooldown() RETURNS interval
LANGUAGE sql IMMUTABLE SET search_path = '' AS $$ SELECT interval '60 minutes' $$;
CREATE OR REPLACE FUNCTION internal.auto_topup_max_failures() RETURNS integer
LANGUAGE sql IMMUTABLE SET search_path = '' AS $$ SELECT 3 $$;

CREATE OR REPLACE FUNCTION internal.request_auto_topup() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
BEGIN
  -- Most accounts have no auto top-up: look before writing, so a posting to them (an invoice
  -- run posts thousands) costs a key lookup, not an UPDATE with its statement triggers.
  IF NOT EXISTS (SELECT FROM kassa.auto_topups a
                  WHERE a.tenant_id = NEW.tenant_id AND a.customer_id = NEW.customer_id AND a.enabled
                    AND a.requested_at IS NULL AND NEW.balance < a.threshold) THEN
    RETURN NULL;
  END IF;
  UPDATE kassa.auto_topups a SET requested_at = now()
   WHERE a.tenant_id = NEW.tenant_id AND a.customer_id = NEW.customer_id AND a.enabled
     AND a.requested_at IS NULL AND NEW.balance < a.threshold;
  IF FOUND THEN
    PERFORM pg_notify('kassa_auto_topup', json_build_object('tenant_id', NEW.tenant_id,
                                                            'customer_id', NEW.customer_id)::text);
  END IF;
  RETURN NULL;
END $$;
CREATE OR REPLACE TRIGGER request_auto_topup AFTER UPDATE OF balance ON kassa.billing_accounts
  FOR EACH ROW WHEN (NEW.balance < OLD.balance) EXECUTE FUNCTION internal.request_auto_topup();

-- Customers whose top-up is due at p_now: enabled, below threshold, nothing in flight, cooled down.
CREATE OR REPLACE FUNCTION internal.due_auto_topups(p_now timestamptz)
RETURNS TABLE (tenant_id uuid, customer_id uuid)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = '' AS $$
  SELECT a.tenant_id, a.customer_id
    FROM kassa.auto_topups a
    JOIN kassa.billing_accounts b USING (tenant_id, customer_id)
   WHERE a.enabled AND a.in_flight_payment_id IS NULL AND b.balance < a.threshold
     AND (a.last_attempt_at IS NULL OR a.last_attempt_at <= p_now - internal.auto_topup_cooldown())
   ORDER BY a.requested_at NULLS LAST, a.tenant_id, a.customer_id
$$;

-- An off-session card charge as the charger (jobs/auto_topup.py charge) reads it: the payment
-- (and the invoice it names, for auto-pay) with the card's gateway ids, decrypted for the worker.
CREATE OR REPLACE FUNCTION internal.off_session_claim(pay kassa.payments)
RETURNS jsonb LANGUAGE sql STABLE SECURITY DEFINER SET search_path = '' AS $$
  SELECT jsonb_build_object('tenant_id', pay.tenant_id, 'customer_id', pay.customer_id, 'payment_id', pay.id,
                            'invoice_id', pay.invoice_id, 'amount', pay.amount, 'currency', pay.currency,
                            'card', internal.payment_method_details(pay.tenant_id, pay.payment_method_id))
$$;

-- Claims one attempt: a pending auto top-up payment, or NULL when none is due. Returns what
-- the charger needs, including the card's gateway ids (decrypted for the worker only).
CREATE OR REPLACE FUNCTION internal.claim_auto_topup(p_tenant uuid, p_customer uuid, p_now timestamptz)
RETURNS jsonb LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  a kassa.auto_topups;
  card kassa.payment_methods;
  pay kassa.payments;
BEGIN
  SELECT * INTO a FROM kassa.auto_topups t WHERE t.tenant_id = p_tenant AND t.customer_id = p_customer FOR UPDATE;
  -- Still due, now under the row lock (as in due_auto_topups; no row or no account: not due).
  IF NOT coalesce(a.enabled AND a.in_flight_payment_id IS NULL
                  AND (SELECT b.balance FROM kassa.billing_accounts b
                        WHERE b.tenant_id = p_tenant AND b.customer_id = p_customer) < a.threshold
                  AND (a.last_attempt_at IS NULL OR a.last_attempt_at <= p_now - internal.auto_topup_cooldown()),
                  false) THEN
    RETURN NULL;
  END IF;
  SELECT * INTO card FROM kassa.payment_methods m
   WHERE m.tenant_id = p_tenant AND m.id = a.payment_method_id AND m.kind = 'card' AND m.deleted_at IS NULL;
  IF NOT FOUND THEN
    UPDATE kassa.auto_topups t SET enabled = false, disabled_reason = 'no usable card', updated_at = now()
     WHERE t.tenant_id = p_tenant AND t.customer_id = p_customer;
    RETURN NULL;
  END IF;
  pay := internal.new_payment(p_tenant, p_customer, 'stripe', 'card', 'top_up', a.amount,
                              (SELECT b.currency FROM kassa.billing_accounts b
                                WHERE b.tenant_id = p_tenant AND b.customer_id = p_customer),
                              NULL, NULL, card.id, true);
  UPDATE kassa.auto_topups t
     SET in_flight_payment_id = pay.id, last_attempt_at = p_now, requested_at = NULL, updated_at = now()
   WHERE t.tenant_id = p_tenant AND t.customer_id = p_customer;
  RETURN internal.off_session_claim(pay);
END $$;

-- Attempts in flight (claimed at or before p_before, no answer recorded yet), e.g. after a
-- crash: the job asks the gateway again with the same idempotency key and records the answer.
CREATE OR REPLACE FUNCTION internal.in_flight_auto_topups(p_before timestamptz)
RETURNS SETOF jsonb
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = '' AS $$
  SELECT internal.off_session_claim(p)
    FROM kassa.auto_topups a
    JOIN kassa.payments p ON p.tenant_id = a.tenant_id AND p.id = a.in_flight_payment_id
   WHERE p.status = 'pending' AND a.last_attempt_at <= p_before
$$;

-- The answer to an attempt settles the auto top-up state (whoever recorded it, job or webhook:
-- internal.complete_payment and internal.fail_payment call this for an auto top-up's payment).
CREATE OR REPLACE FUNCTION internal.settle_auto_topup(pay kassa.payments) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  a kassa.auto_topups;
BEGIN
  UPDATE kassa.auto_topups t
     SET in_flight_payment_id = NULL, updated_at = now(),
         consecutive_failures = CASE WHEN pay.status = 'failed' THEN t.consecutive_failures + 1 ELSE 0 END,
         enabled = t.enabled AND NOT (pay.status = 'failed' AND t.consecutive_failures + 1 >= internal.auto_topup_max_failures()),
         disabled_reason = CASE WHEN pay.status = 'failed' AND t.consecutive_failures + 1 >= internal.auto_topup_max_failures()
                                THEN internal.auto_topup_max_failures() || ' consecutive failed charges' ELSE t.disabled_reason END
   WHERE t.tenant_id = pay.tenant_id AND t.customer_id = pay.customer_id
  RETURNING * INTO a;
  IF a.consecutive_failures >= internal.auto_topup_max_failures() AND NOT a.enabled AND pay.status = 'failed' THEN
    PERFORM internal.emit(pay.tenant_id, pay.customer_id, 'auto_topup_disabled',
                          jsonb_build_object('payment_id', pay.id, 'failures', a.consecutive_failures,
                                             'last_error', pay.failure_reason));
  END IF;
END $$;

-- Settings, by the customer for themselves or by staff. Enabling again clears the failures.
CREATE OR REPLACE FUNCTION internal.configure_auto_topup(
  p_tenant uuid, p_customer uuid, p_enabled boolean, p_threshold bigint, p_amount bigint, p_payment_method uuid)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  limits record := internal.top_up_limits(p_tenant);
BEGIN
  IF NOT EXISTS (SELECT FROM kassa.payment_methods m WHERE m.tenant_id = p_tenant AND m.customer_id = p_customer
                    AND m.id = p_payment_method AND m.kind = 'card' AND m.deleted_at IS NULL) THEN
    PERFORM internal.raise_error('P0M01', format('payment method %s is not a saved card of this customer', p_payment_method),
      hint => 'Auto top-up charges a saved card.');
  END IF;
  IF p_amount IS NULL OR p_amount < limits.min_top_up OR p_amount > limits.max_top_up THEN
    PERFORM internal.raise_error(CASE WHEN p_amount > limits.max_top_up THEN 'P0P02' ELSE 'P0P01' END,
      format('auto top-up amount %s is outside the top-up limits %s to %s', p_amount, limits.min_top_up, limits.max_top_up));
  END IF;
  INSERT INTO kassa.auto_topups AS t (tenant_id, customer_id, enabled, threshold, amount, payment_method_id)
  VALUES (p_tenant, p_customer, p_enabled, p_threshold, p_amount, p_payment_method)
  ON CONFLICT ON CONSTRAINT auto_topups_pkey DO UPDATE
     SET enabled = excluded.enabled, threshold = excluded.threshold, amount = excluded.amount,
         payment_method_id = excluded.payment_method_id, updated_at = now(),
         consecutive_failures = CASE WHEN excluded.enabled AND NOT t.enabled THEN 0 ELSE t.consecutive_failures END,
         disabled_reason = CASE WHEN excluded.enabled THEN NULL ELSE t.disabled_reason END;
END $$;

CREATE OR REPLACE FUNCTION api.configure_auto_topup(
  enabled boolean, threshold bigint, amount bigint, payment_method_id uuid, customer_id uuid DEFAULT NULL)
RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = '' AS $$
  SELECT internal.configure_auto_topup(internal.jwt_tenant_id(), internal.method_owner(customer_id), enabled,
                                       threshold, amount, payment_method_id)
$$;

SELECT internal.audit_table('kassa.auto_topups', 'tenant_id', 'customer_id');

SELECT internal.allow('staff', 'SELECT', internal.tenant_rows(), 'kassa.auto_topups');
SELECT internal.allow('customer', 'SELECT', internal.own_rows(), 'kassa.auto_topups');
GRANT SELECT ON kassa.auto_topups TO customer, staff;

GRANT EXECUTE ON FUNCTION api.configure_auto_topup(boolean, bigint, bigint, uuid, uuid) TO customer, staff;

CREATE VIEW api.auto_topups WITH (security_invoker = true) AS
  SELECT tenant_id, customer_id, enabled, threshold, amount, payment_method_id, requested_at,
         in_flight_payment_id, last_attempt_at, consecutive_failures, disabled_reason, updated_at
    FROM kassa.auto_topups;
GRANT SELECT ON api.auto_topups TO customer, staff;
