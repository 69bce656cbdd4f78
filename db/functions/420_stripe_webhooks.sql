-- Stripe events, after the bridge has verified their signature. One call per delivery, in the
-- bridge's transaction: the event id is recorded first (a concurrent redelivery waits on it and
-- then finds it processed), then the event is applied through the shared payment functions.
-- An event that breaks a business rule raises; the bridge then records it as rejected
-- (internal.reject_webhook_event) and a later redelivery tries again.
--
-- The helpers below run only inside internal.stripe_event (security definer, search_path
-- pinned), so they are plain functions without a SET clause: a per-call SET search_path
-- costs more than these short functions themselves (measured: bench/webhooks.py).

CREATE OR REPLACE FUNCTION internal.event_uuid(p_value text, p_what text) RETURNS uuid
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  IF p_value ~* '^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$' THEN
    RETURN p_value::uuid;
  END IF;
  PERFORM internal.raise_error('P0W02', format('the event metadata has no valid %s', p_what),
    hint => 'Kassa puts tenant_id, customer_id and payment_id into the metadata of what it creates.');
END $$;

-- The payment an event is about: by our metadata, else by the gateway's ids.
CREATE OR REPLACE FUNCTION internal.stripe_payment(p_object jsonb, p_intent text) RETURNS kassa.payments
LANGUAGE plpgsql STABLE AS $$
DECLARE
  meta jsonb := coalesce(p_object -> 'metadata', '{}');
  pay kassa.payments;
BEGIN
  IF meta ? 'payment_id' THEN
    SELECT * INTO pay FROM kassa.payments p
     WHERE p.tenant_id = internal.event_uuid(meta ->> 'tenant_id', 'tenant_id')
       AND p.id = internal.event_uuid(meta ->> 'payment_id', 'payment_id');
    IF NOT FOUND THEN
      PERFORM internal.raise_error('P0P03', format('the event names payment %s, which this tenant does not have', meta ->> 'payment_id'));
    END IF;
  ELSIF p_intent IS NOT NULL THEN
    SELECT * INTO pay FROM kassa.payments p WHERE p.provider_intent_ref = p_intent AND p.provider = 'stripe';
  END IF;
  RETURN pay;
END $$;

-- checkout.session.completed: the customer paid a top-up on the hosted page.
CREATE OR REPLACE FUNCTION internal.stripe_checkout_completed(p_session jsonb) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  meta jsonb := coalesce(p_session -> 'metadata', '{}');
  tenant uuid := internal.event_uuid(meta ->> 'tenant_id', 'tenant_id');
  customer uuid := internal.event_uuid(meta ->> 'customer_id', 'customer_id');
  pay kassa.payments;
BEGIN
  IF p_session ->> 'payment_status' IS DISTINCT FROM 'paid' THEN
    RETURN 'ignored';  -- delayed methods complete with checkout.session.async_payment_succeeded
  END IF;
  IF NOT EXISTS (SELECT FROM kassa.customers c WHERE c.tenant_id = tenant AND c.id = customer) THEN
    PERFORM internal.raise_error('P0P05', format('unknown customer %s in tenant %s', customer, tenant));
  END IF;
  pay := internal.stripe_payment(p_session, NULL);
  IF pay.id IS NULL THEN
    SELECT * INTO pay FROM kassa.payments p
     WHERE p.tenant_id = tenant AND p.provider = 'stripe' AND p.provider_ref = p_session ->> 'id';
  END IF;
  IF pay.id IS NULL THEN  -- a session Kassa did not start (e.g. a payment link): a new top-up
    pay := internal.new_payment(tenant, customer, 'stripe', 'card', 'top_up', (p_session ->> 'amount_total')::bigint,
                                p_session ->> 'currency', p_session ->> 'id');
  ELSIF pay.customer_id <> customer THEN
    PERFORM internal.raise_error('P0P05', format('payment %s belongs to another customer than the event names', pay.id));
  END IF;
  PERFORM internal.complete_payment(tenant, pay.id, (p_session ->> 'amount_total')::bigint,
                                    p_session ->> 'currency', p_session ->> 'payment_intent', p_session);
  RETURN 'processed';
END $$;

-- The events about one of our payments, which the object names by its intent: an intent's
-- answer completes or fails it; charge.refunded carries the cumulative amount refunded (the new
-- part is recorded once); a dispute takes the disputed amount back like a refund.
CREATE OR REPLACE FUNCTION internal.stripe_payment_event(p_type text, p_object jsonb) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  pay kassa.payments := internal.stripe_payment(p_object, CASE WHEN p_type LIKE 'payment_intent.%' THEN p_object ->> 'id'
                                                               ELSE p_object ->> 'payment_intent' END);
BEGIN
  IF pay.id IS NULL THEN
    RETURN 'ignored';  -- not ours, or a checkout's intent (completed by the session event)
  END IF;
  CASE p_type
  WHEN 'payment_intent.succeeded' THEN
    PERFORM internal.complete_payment(pay.tenant_id, pay.id, (p_object ->> 'amount')::bigint,
                                      p_object ->> 'currency', p_object ->> 'id', p_object);
  WHEN 'payment_intent.payment_failed' THEN
    PERFORM internal.fail_payment(pay.tenant_id, pay.id,
      coalesce(nullif(btrim(p_object #>> '{last_payment_error,message}'), ''), 'payment failed'), p_object);
  WHEN 'charge.refunded' THEN
    PERFORM internal.sync_stripe_refunds(pay.tenant_id, pay.id, p_object ->> 'id',
                                         (p_object ->> 'amount_refunded')::bigint, 'refunded at Stripe', p_object);
  WHEN 'charge.dispute.created' THEN
    PERFORM internal.refund_payment(pay.tenant_id, pay.id, 'dispute', (p_object ->> 'amount')::bigint,
      p_object ->> 'id', 'card dispute: ' || coalesce(p_object ->> 'reason', 'unknown reason'), p_object);
  END CASE;
  RETURN 'processed';
END $$;

-- The one entry point: record, dispatch, mark. Returns processed | ignored | duplicate.
CREATE OR REPLACE FUNCTION internal.stripe_event(p_event jsonb) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  v_event_id text := p_event ->> 'id';
  event_type text := p_event ->> 'type';
  object jsonb := p_event #> '{data,object}';
  previous text;
  outcome text;
BEGIN
  IF v_event_id IS NULL OR event_type IS NULL OR jsonb_typeof(object) IS DISTINCT FROM 'object' THEN
    PERFORM internal.raise_error('P0W01', 'not a Stripe event: id, type and data.object are required');
  END IF;
  INSERT INTO kassa.webhook_events (provider, event_id, type, payload)
  VALUES ('stripe', v_event_id, event_type, p_event) ON CONFLICT DO NOTHING;
  IF NOT FOUND THEN
    SELECT w.status INTO previous FROM kassa.webhook_events w
     WHERE w.provider = 'stripe' AND w.event_id = v_event_id FOR UPDATE;
    IF previous IN ('processed', 'ignored') THEN
      RETURN 'duplicate';
    END IF;
    UPDATE kassa.webhook_events w SET attempts = w.attempts + 1, status = 'received', error = NULL
     WHERE w.provider = 'stripe' AND w.event_id = v_event_id;
  END IF;
  outcome := CASE event_type
    WHEN 'checkout.session.completed' THEN internal.stripe_checkout_completed(object)
    WHEN 'checkout.session.async_payment_succeeded' THEN internal.stripe_checkout_completed(object)
    WHEN 'payment_intent.succeeded' THEN internal.stripe_payment_event(event_type, object)
    WHEN 'payment_intent.payment_failed' THEN internal.stripe_payment_event(event_type, object)
    WHEN 'charge.refunded' THEN internal.stripe_payment_event(event_type, object)
    WHEN 'charge.dispute.created' THEN internal.stripe_payment_event(event_type, object)
    ELSE 'ignored' END;
  UPDATE kassa.webhook_events w SET status = outcome, processed_at = now()
   WHERE w.provider = 'stripe' AND w.event_id = v_event_id;
  RETURN outcome;
END $$;

-- An event that broke a rule: kept with its error (nothing else of it was written).
CREATE OR REPLACE FUNCTION internal.reject_webhook_event(p_provider text, p_event_id text, p_type text,
                                                         p_payload jsonb, p_error text)
RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = '' AS $$
  INSERT INTO kassa.webhook_events AS w (provider, event_id, type, payload, status, error, processed_at)
  VALUES (p_provider, p_event_id, coalesce(p_type, 'unknown'), p_payload, 'rejected', p_error, now())
  ON CONFLICT (provider, event_id) DO UPDATE
     SET status = 'rejected', error = excluded.error, processed_at = now(), attempts = w.attempts + 1
   WHERE w.status NOT IN ('processed', 'ignored')
$$;

ALTER TABLE kassa.webhook_events ENABLE ROW LEVEL SECURITY;
