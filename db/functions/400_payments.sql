-- Payment transactions: pending -> completed | failed, completed -> (partially_)refunded.
--
-- internal.complete_payment is THE completion of every provider (Stripe, manual, later
-- NetCash/OCTO): it locks the payment row, posts the top-up/payment and its bonus to the ledger
-- (source 'payment', one entry per kind: a repeat is a no-op) and applies the new credit to
-- open invoices, all in the caller's transaction. Lock order: payment row, then the billing
-- account (inside post_entries). Small helpers (limits, bonus, lock_payment) are plain
-- functions without SET search_path (names qualified; callers pin it): the SET clause would
-- cost more than they do.

-- The value a column gets when an INSERT leaves it out (its default, evaluated now).
CREATE OR REPLACE FUNCTION internal.column_default(p_table regclass, p_column text) RETURNS text
LANGUAGE plpgsql STABLE AS $$
DECLARE
  value text;
BEGIN
  EXECUTE 'SELECT (' || (SELECT pg_catalog.pg_get_expr(d.adbin, d.adrelid)
                           FROM pg_catalog.pg_attrdef d
                           JOIN pg_catalog.pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum
                          WHERE d.adrelid = p_table AND a.attname = p_column) || ')::text'
    INTO value;
  RETURN value;
END $$;

-- The tenant's top-up limits. A tenant without a settings row has the limits a new row would
-- get: the column defaults of kassa.payment_settings, the one place they are written.
-- PL/pgSQL, not SQL: its plan is cached per session, where a SQL function is planned again on
-- every call.
CREATE OR REPLACE FUNCTION internal.top_up_limits(p_tenant uuid, OUT min_top_up bigint, OUT max_top_up bigint)
LANGUAGE plpgsql STABLE AS $$
BEGIN
  SELECT s.min_top_up, s.max_top_up INTO min_top_up, max_top_up
    FROM kassa.payment_settings s WHERE s.tenant_id = p_tenant;
  IF NOT FOUND THEN
    min_top_up := internal.column_default('kassa.payment_settings', 'min_top_up');
    max_top_up := internal.column_default('kassa.payment_settings', 'max_top_up');
  END IF;
END $$;

-- The bonus a top-up earns: the highest tier it reaches, rounded half away from zero.
CREATE OR REPLACE FUNCTION internal.top_up_bonus(p_tenant uuid, p_amount bigint) RETURNS bigint
LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN coalesce((SELECT round(p_amount * b.percent / 100)::bigint FROM kassa.bonus_tiers b
                    WHERE b.tenant_id = p_tenant AND b.min_amount <= p_amount
                    ORDER BY b.min_amount DESC LIMIT 1), 0);
END $$;

-- A new pending payment, after the checks every provider shares.
CREATE OR REPLACE FUNCTION internal.new_payment(
  p_tenant uuid, p_customer uuid, p_provider text, p_method text, p_purpose text, p_amount bigint,
  p_currency text, p_provider_ref text DEFAULT NULL, p_idempotency_key text DEFAULT NULL,
  p_payment_method uuid DEFAULT NULL, p_auto_topup boolean DEFAULT false, p_reason text DEFAULT NULL,
  p_invoice uuid DEFAULT NULL)
RETURNS kassa.payments
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  account_currency text;
  limits record;
  created kassa.payments;
BEGIN
  SELECT a.currency INTO account_currency FROM kassa.billing_accounts a JOIN kassa.customers c
      ON c.tenant_id = a.tenant_id AND c.id = a.customer_id
   WHERE a.tenant_id = p_tenant AND a.customer_id = p_customer AND c.status <> 'closed';
  IF account_currency IS NULL THEN
    PERFORM internal.raise_error('P0P05', format('unknown customer %s in tenant %s', p_customer, p_tenant),
      hint => 'The payment names a customer that does not exist in this tenant or is closed.');
  END IF;
  IF upper(p_currency) IS DISTINCT FROM account_currency THEN
    PERFORM internal.raise_error('P0P04', format('payment currency %s does not match the account currency %s', upper(p_currency), account_currency));
  END IF;
  IF p_amount IS NULL OR p_amount <= 0 THEN
    PERFORM internal.raise_error('P0P01', 'payment amount must be positive');
  END IF;
  IF p_invoice IS NOT NULL AND NOT EXISTS (SELECT FROM kassa.invoices i WHERE i.tenant_id = p_tenant
                                               AND i.id = p_invoice AND i.customer_id = p_customer) THEN
    PERFORM internal.raise_error('P0H13', format('invoice %s is not an invoice of customer %s', p_invoice, p_customer),
      hint => 'A payment names an invoice of the customer who pays.');
  END IF;
  IF p_purpose = 'top_up' THEN
    limits := internal.top_up_limits(p_tenant);
    IF p_amount < limits.min_top_up THEN
      PERFORM internal.raise_error('P0P01', format('top-up of %s is below the minimum of %s', p_amount, limits.min_top_up),
        hint => 'Amounts are in minor units (cents).');
    END IF;
    IF p_amount > limits.max_top_up THEN
      PERFORM internal.raise_error('P0P02', format('top-up of %s is above the maximum of %s', p_amount, limits.max_top_up),
        hint => 'Amounts are in minor units (cents).');
    END IF;
  END IF;
  INSERT INTO kassa.payments (tenant_id, customer_id, provider, provider_ref, method, purpose, amount,
                              currency, idempotency_key, payment_method_id, auto_topup, reason, invoice_id)
  VALUES (p_tenant, p_customer, p_provider, p_provider_ref, p_method, p_purpose, p_amount,
          account_currency, p_idempotency_key, p_payment_method, p_auto_topup, p_reason, p_invoice)
  RETURNING * INTO created;
  RETURN created;
END $$;

-- The payment row, locked (every change of a payment starts here), or P0P03.
CREATE OR REPLACE FUNCTION internal.lock_payment(p_tenant uuid, p_payment uuid) RETURNS kassa.payments
LANGUAGE plpgsql AS $$
DECLARE
  pay kassa.payments;
BEGIN
  SELECT * INTO pay FROM kassa.payments p WHERE p.tenant_id = p_tenant AND p.id = p_payment FOR UPDATE;
  PERFORM internal.require_found(FOUND, 'P0P03', format('unknown payment %s in tenant %s', p_payment, p_tenant));
  RETURN pay;
END $$;

-- Completion, shared by every provider. Completing a completed payment is a no-op.
-- The event of a payment's outcome (docs/events.md): received (a payment), top-up succeeded,
-- auto top-up charged; or failed (payment_failed, auto_topup_failed) with the reason.
CREATE OR REPLACE FUNCTION internal.emit_payment_event(pay kassa.payments) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = '' AS $$
  SELECT internal.emit(pay.tenant_id, pay.customer_id,
           CASE WHEN pay.status = 'failed' THEN CASE WHEN pay.auto_topup THEN 'auto_topup_failed' ELSE 'payment_failed' END
                WHEN pay.auto_topup THEN 'auto_topup_charged'
                WHEN pay.purpose = 'top_up' THEN 'topup_succeeded'
                ELSE 'payment_received' END,
           jsonb_build_object('payment_id', pay.id, 'amount', pay.amount, 'bonus', pay.bonus, 'currency', pay.currency,
                              'purpose', pay.purpose, 'provider', pay.provider, 'method', pay.method,
                              'invoice_id', pay.invoice_id, 'invoice_number', i.number, 'balance', a.balance)
           || CASE WHEN pay.status = 'failed' THEN jsonb_build_object('reason', pay.failure_reason) ELSE '{}' END)
    FROM kassa.billing_accounts a
    LEFT JOIN kassa.invoices i ON i.tenant_id = pay.tenant_id AND i.id = pay.invoice_id
   WHERE a.tenant_id = pay.tenant_id AND a.customer_id = pay.customer_id
$$;

CREATE OR REPLACE FUNCTION internal.complete_payment(
  p_tenant uuid, p_payment uuid, p_amount bigint, p_currency text, p_intent_ref text DEFAULT NULL,
  p_raw jsonb DEFAULT '{}')
RETURNS kassa.payments
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  pay kassa.payments;
  v_bonus bigint;
BEGIN
  pay := internal.lock_payment(p_tenant, p_payment);
  IF pay.status <> 'pending' THEN
    IF pay.status = 'failed' THEN
      PERFORM internal.raise_error('P0P07', format('payment %s has failed and cannot complete', p_payment),
        hint => 'A failed payment stays failed; the customer pays again with a new payment.');
    END IF;
    RETURN pay;
  END IF;
  IF upper(p_currency) IS DISTINCT FROM pay.currency THEN
    PERFORM internal.raise_error('P0P04', format('payment currency %s does not match the account currency %s', upper(p_currency), pay.currency));
  END IF;
  IF p_amount IS DISTINCT FROM pay.amount THEN
    PERFORM internal.raise_error('P0P06', format('the provider reports %s for payment %s, which was started for %s', p_amount, p_payment, pay.amount));
  END IF;
  v_bonus := CASE WHEN pay.purpose = 'top_up' THEN internal.top_up_bonus(p_tenant, pay.amount) ELSE 0 END;
  UPDATE kassa.payments p
     SET status = 'completed', completed_at = now(), bonus = v_bonus,
         provider_intent_ref = coalesce(p_intent_ref, p.provider_intent_ref),
         provider_ref = coalesce(p.provider_ref, p_intent_ref),  -- off-session charges: the intent
         provider_response = p.provider_response || jsonb_build_object('completed', p_raw)
   WHERE p.tenant_id = p_tenant AND p.id = p_payment
  RETURNING * INTO pay;
  PERFORM internal.post_entries(jsonb_build_array(
    jsonb_build_object('tenant_id', p_tenant, 'customer_id', pay.customer_id, 'kind', pay.purpose,
                       'amount', pay.amount, 'source_type', 'payment', 'source_id', pay.id,
                       'description', format('%s %s', pay.provider, replace(pay.purpose, '_', '-')))
  ) || CASE WHEN v_bonus > 0 THEN jsonb_build_array(
    jsonb_build_object('tenant_id', p_tenant, 'customer_id', pay.customer_id, 'kind', 'bonus',
                       'amount', v_bonus, 'source_type', 'payment', 'source_id', pay.id,
                       'description', 'top-up bonus')) ELSE '[]' END);
  -- The new credit settles open invoices (billing core's allocation), the one the payment names
  -- first. Most top-ups meet none: one index probe (invoices_open) spares the allocation's
  -- locking and scanning then.
  IF EXISTS (SELECT FROM kassa.invoices i WHERE i.tenant_id = p_tenant AND i.customer_id = pay.customer_id
                AND i.status IN ('finalised', 'partially_paid', 'overdue') AND i.amount_due > 0) THEN
    PERFORM internal.allocate_credit(p_tenant, ARRAY[pay.customer_id], array_remove(ARRAY[pay.invoice_id], NULL));
  END IF;
  IF pay.payment_link_id IS NOT NULL THEN
    PERFORM internal.use_payment_link(p_tenant, pay.payment_link_id, pay.id);
  END IF;
  IF pay.auto_topup THEN
    PERFORM internal.settle_auto_topup(pay);  -- 430_auto_topup.sql
  END IF;
  PERFORM internal.emit_payment_event(pay);
  RETURN pay;
END $$;

-- Pending -> failed, with the reason why (P0P09 without). Failing a failed payment is a no-op;
-- a completed one cannot fail.
CREATE OR REPLACE FUNCTION internal.fail_payment(p_tenant uuid, p_payment uuid, p_reason text, p_raw jsonb DEFAULT '{}')
RETURNS kassa.payments
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  why text := internal.require_reason(left(p_reason, 500));  -- a gateway's text: kept within the limit
  pay kassa.payments;
BEGIN
  pay := internal.lock_payment(p_tenant, p_payment);
  IF pay.status = 'failed' THEN
    RETURN pay;
  END IF;
  IF pay.status <> 'pending' THEN
    PERFORM internal.raise_error('P0P07', format('payment %s is %s, only a pending payment can fail', p_payment, pay.status),
      hint => 'Refund a completed payment instead.');
  END IF;
  UPDATE kassa.payments p
     SET status = 'failed', failed_at = now(), failure_reason = why,
         provider_response = p.provider_response || jsonb_build_object('failed', p_raw)
   WHERE p.tenant_id = p_tenant AND p.id = p_payment
  RETURNING * INTO pay;
  IF pay.auto_topup THEN
    PERFORM internal.settle_auto_topup(pay);  -- 430_auto_topup.sql
  END IF;
  PERFORM internal.emit_payment_event(pay);
  RETURN pay;
END $$;

-- Whether `p_amount` may be refunded from the payment: raises the rule it breaks.
CREATE OR REPLACE FUNCTION internal.check_refund(pay kassa.payments, p_amount bigint, p_reason text) RETURNS void
LANGUAGE plpgsql STABLE AS $$
BEGIN
  IF internal.is_blank(p_reason) THEN
    PERFORM internal.raise_error('P0P09', 'a refund needs a reason');
  END IF;
  PERFORM internal.check_text(p_reason, 'reason', 500, false);
  IF pay.status NOT IN ('completed', 'partially_refunded') THEN
    PERFORM internal.raise_error('P0P07', format('payment %s is %s, only a completed payment can be refunded', pay.id, pay.status));
  END IF;
  IF p_amount IS NULL OR p_amount <= 0 OR p_amount > pay.amount - pay.amount_refunded THEN
    PERFORM internal.raise_error('P0P08', format('refund of %s is more than the %s left to refund on payment %s', p_amount, pay.amount - pay.amount_refunded, pay.id),
      hint => 'A refund is positive and never above the payment less earlier refunds.');
  END IF;
END $$;

-- A refund or dispute of (part of) a completed payment: the amount leaves the balance
-- ('refund' or 'reversal' entry) with the matching share of the bonus. A refund with a
-- provider reference is recorded once.
CREATE OR REPLACE FUNCTION internal.refund_payment(
  p_tenant uuid, p_payment uuid, p_kind text, p_amount bigint, p_provider_ref text, p_reason text,
  p_raw jsonb DEFAULT '{}')
RETURNS kassa.payment_refunds
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  pay kassa.payments;
  refund kassa.payment_refunds;
  bonus_share bigint;
BEGIN
  pay := internal.lock_payment(p_tenant, p_payment);
  SELECT * INTO refund FROM kassa.payment_refunds r
   WHERE r.tenant_id = p_tenant AND r.kind = p_kind AND r.provider_ref = p_provider_ref;
  IF FOUND THEN
    RETURN refund;
  END IF;
  PERFORM internal.check_refund(pay, p_amount, p_reason);
  -- Cumulative rounding: the bonus shares of all refunds sum to the whole bonus.
  bonus_share := round(pay.bonus::numeric * (pay.amount_refunded + p_amount) / pay.amount)::bigint
               - round(pay.bonus::numeric * pay.amount_refunded / pay.amount)::bigint;
  INSERT INTO kassa.payment_refunds (tenant_id, payment_id, customer_id, kind, amount, bonus_reversed,
                                     provider_ref, reason)
  VALUES (p_tenant, p_payment, pay.customer_id, p_kind, p_amount, bonus_share, p_provider_ref, p_reason)
  RETURNING * INTO refund;
  UPDATE kassa.payments p
     SET amount_refunded = p.amount_refunded + p_amount,
         status = CASE WHEN p.amount_refunded + p_amount = p.amount THEN 'refunded' ELSE 'partially_refunded' END,
         provider_response = p.provider_response || jsonb_build_object(p_kind || ':' || refund.id, p_raw)
   WHERE p.tenant_id = p_tenant AND p.id = p_payment;
  PERFORM internal.post_entries(jsonb_build_array(
    jsonb_build_object('tenant_id', p_tenant, 'customer_id', pay.customer_id,
                       'kind', CASE p_kind WHEN 'refund' THEN 'refund' ELSE 'reversal' END,
                       'amount', -p_amount, 'source_type', 'payment_refund', 'source_id', refund.id,
                       'description', p_reason,
                       -- a refund the gateway reports (it has a provider reference) has happened
                       'allow_overdraft', p_provider_ref IS NOT NULL)
  ) || CASE WHEN bonus_share > 0 THEN jsonb_build_array(
    jsonb_build_object('tenant_id', p_tenant, 'customer_id', pay.customer_id, 'kind', 'bonus',
                       'amount', -bonus_share, 'source_type', 'payment_refund', 'source_id', refund.id,
                       'description', 'bonus of a refunded top-up', 'allow_overdraft', p_provider_ref IS NOT NULL)) ELSE '[]' END);
  -- Money that settled invoices has left: the invoice the payment named is open again first,
  -- then the newest of the others.
  PERFORM internal.allocate_credit(p_tenant, ARRAY[pay.customer_id], array_remove(ARRAY[pay.invoice_id], NULL));
  PERFORM internal.emit(p_tenant, pay.customer_id, 'payment_refunded',
    jsonb_build_object('payment_id', pay.id, 'refund_id', refund.id, 'kind', p_kind, 'amount', p_amount,
                       'bonus_reversed', bonus_share, 'currency', pay.currency, 'reason', p_reason,
                       'balance', (SELECT a.balance FROM kassa.billing_accounts a
                                    WHERE a.tenant_id = p_tenant AND a.customer_id = pay.customer_id)));
  RETURN refund;
END $$;

-- Stripe reports refunds as the total refunded of a charge. Whoever learns a new total (the
-- charge.refunded webhook, or the bridge right after a staff refund) records the difference to
-- what Kassa has, under the payment lock: the two never count a refund twice.
CREATE OR REPLACE FUNCTION internal.sync_stripe_refunds(
  p_tenant uuid, p_payment uuid, p_charge text, p_refunded_total bigint, p_reason text, p_raw jsonb DEFAULT '{}')
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  pay kassa.payments := internal.lock_payment(p_tenant, p_payment);
  recorded bigint;
BEGIN
  SELECT coalesce(sum(r.amount), 0) INTO recorded FROM kassa.payment_refunds r
   WHERE r.tenant_id = p_tenant AND r.payment_id = pay.id AND r.kind = 'refund';
  IF p_refunded_total > recorded THEN
    PERFORM internal.refund_payment(p_tenant, pay.id, 'refund', p_refunded_total - recorded,
                                    format('%s:%s', p_charge, p_refunded_total), p_reason, p_raw);
  END IF;
  RETURN greatest(p_refunded_total - recorded, 0);
END $$;

-- Starting a top-up (the bridge, before it asks the gateway): one pending payment per
-- customer and client request id, so a double click is one payment and one session.
CREATE OR REPLACE FUNCTION internal.begin_top_up(p_tenant uuid, p_customer uuid, p_amount bigint, p_request_id text)
RETURNS kassa.payments
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  key text := 'top-up:' || p_customer || ':' || p_request_id;
  pay kassa.payments;
  account_currency text;
BEGIN
  IF nullif(btrim(p_request_id), '') IS NULL OR length(p_request_id) > 200 THEN
    PERFORM internal.raise_error('P0P10', 'a top-up needs a client request id (1 to 200 characters)',
      hint => 'Send the same request_id again when retrying, a new one for a new top-up.');
  END IF;
  SELECT * INTO pay FROM kassa.payments p
   WHERE p.tenant_id = p_tenant AND p.customer_id = p_customer AND p.idempotency_key = key;
  IF NOT FOUND THEN
    SELECT a.currency INTO account_currency FROM kassa.billing_accounts a
     WHERE a.tenant_id = p_tenant AND a.customer_id = p_customer;
    BEGIN
      pay := internal.new_payment(p_tenant, p_customer, 'stripe', 'card', 'top_up', p_amount,
                                  coalesce(account_currency, ''), NULL, key);
    EXCEPTION WHEN unique_violation THEN  -- the other click won the race
      SELECT * INTO pay FROM kassa.payments p
       WHERE p.tenant_id = p_tenant AND p.customer_id = p_customer AND p.idempotency_key = key;
    END;
  END IF;
  IF pay.amount <> p_amount THEN
    PERFORM internal.raise_error('P0P06', format('request id %s was already used for a top-up of %s', p_request_id, pay.amount),
      hint => 'Use a new request id for a different amount.');
  END IF;
  RETURN pay;
END $$;

-- The gateway's session for a started top-up (the same one again on a retry).
CREATE OR REPLACE FUNCTION internal.attach_checkout(p_tenant uuid, p_payment uuid, p_session text, p_url text, p_raw jsonb)
RETURNS kassa.payments
LANGUAGE sql SECURITY DEFINER SET search_path = '' AS $$
  UPDATE kassa.payments p
     SET provider_ref = p_session, checkout_url = p_url,
         provider_response = p.provider_response || jsonb_build_object('session', p_raw)
   WHERE p.tenant_id = p_tenant AND p.id = p_payment AND (p.provider_ref IS NULL OR p.provider_ref = p_session)
  RETURNING *
$$;

-- A top-up's return URL (success or cancel) must lie on the bridge's own origin or one the
-- tenant lists in payment_settings.return_origins: otherwise a link could use the gateway's
-- page to send a customer anywhere.
CREATE OR REPLACE FUNCTION internal.check_return_url(p_tenant uuid, p_url text, p_bridge_origin text) RETURNS void
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  origin text := substring(p_url FROM '^(https?://[^/?#]+)(/|\?|#|$)');
BEGIN
  IF p_url IS NULL THEN
    RETURN;
  END IF;
  IF p_url ~ '[\s\\]' OR origin IS NULL
     OR NOT (lower(origin) = lower(p_bridge_origin)
             OR lower(origin) IN (SELECT lower(o) FROM kassa.payment_settings s, unnest(s.return_origins) o
                                   WHERE s.tenant_id = p_tenant)) THEN
    PERFORM internal.raise_error('P0P13', format('return URL %s is not on an allowed origin', left(p_url, 200)),
      NULL, 'Add the origin (scheme://host[:port]) to payment_settings.return_origins.');
  END IF;
END $$;

SELECT internal.audit_table('kassa.payments', 'tenant_id', 'id');
SELECT internal.audit_table('kassa.payment_refunds', 'tenant_id', 'id');
SELECT internal.audit_table('kassa.payment_settings', 'tenant_id', 'tenant_id');
SELECT internal.audit_table('kassa.bonus_tiers', 'tenant_id', 'min_amount');

SELECT internal.allow('staff', 'SELECT', internal.tenant_rows(), 'kassa.payments', 'kassa.payment_refunds');
SELECT internal.allow('customer', 'SELECT', internal.own_rows(), 'kassa.payments', 'kassa.payment_refunds');
SELECT internal.allow('customer, staff', 'SELECT', internal.tenant_rows(),
                      'kassa.payment_settings', 'kassa.bonus_tiers');
SELECT internal.allow('staff', 'ALL', internal.tenant_rows(), 'kassa.payment_settings', 'kassa.bonus_tiers');

-- The raw provider response is for staff only: customers get every other column.
GRANT SELECT (tenant_id, id, customer_id, provider, provider_ref, provider_intent_ref, method, purpose, status,
              amount, currency, bonus, amount_refunded, idempotency_key, checkout_url, payment_method_id,
              auto_topup, failure_reason, reason, created_at, completed_at, failed_at, invoice_id)
  ON kassa.payments TO customer;
GRANT SELECT ON kassa.payments, kassa.payment_refunds TO staff;
GRANT SELECT ON kassa.payment_refunds, kassa.payment_settings, kassa.bonus_tiers TO customer;
GRANT SELECT ON kassa.payment_settings, kassa.bonus_tiers TO staff;

CREATE VIEW api.payments WITH (security_invoker = true) AS
  SELECT id, tenant_id, customer_id, invoice_id, provider, provider_ref, status, amount, currency, bonus,
         amount_refunded, method, purpose, checkout_url, payment_method_id, auto_topup, failure_reason,
         reason, created_at, completed_at, failed_at
    FROM kassa.payments;
GRANT SELECT ON api.payments TO customer, staff;

-- Staff only: what the gateway answered, for audits and disputes.
CREATE VIEW api.payment_provider_responses WITH (security_invoker = true) AS
  SELECT id, tenant_id, customer_id, provider, provider_ref, provider_intent_ref, provider_response
    FROM kassa.payments;
GRANT SELECT ON api.payment_provider_responses TO staff;

CREATE VIEW api.payment_refunds WITH (security_invoker = true) AS
  SELECT id, tenant_id, payment_id, customer_id, kind, amount, bonus_reversed, provider_ref, reason, created_at
    FROM kassa.payment_refunds;
GRANT SELECT ON api.payment_refunds TO customer, staff;

-- The tenant's payment settings: everyone of the tenant reads them, staff write them.
CREATE VIEW api.payment_settings WITH (security_invoker = true) AS
  SELECT tenant_id, min_top_up, max_top_up, return_origins, payment_link_expiry_days, link_gateways,
         debit_order_service, debit_order_cutoff
    FROM kassa.payment_settings;
CREATE VIEW api.bonus_tiers WITH (security_invoker = true) AS
  SELECT tenant_id, min_amount, percent FROM kassa.bonus_tiers;
GRANT SELECT ON api.payment_settings, api.bonus_tiers TO customer, staff;
SELECT internal.grant_writes(w.api_view, w.base, 'staff', w.privileges), internal.write_by_key(w.api_view, w.base)
  FROM (VALUES ('api.payment_settings'::regclass, 'kassa.payment_settings'::regclass,
                'INSERT, UPDATE (min_top_up, max_top_up, return_origins, payment_link_expiry_days, link_gateways,
                 debit_order_service, debit_order_cutoff)'),
               ('api.bonus_tiers', 'kassa.bonus_tiers', 'INSERT, UPDATE, DELETE')) AS w (api_view, base, privileges);
