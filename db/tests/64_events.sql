-- Events: one row in the outbox per fact, written in the fact's transaction by the function that
-- makes the change (rolled back with it), each with its type, version, customer fields and a
-- stable uuid; low-balance warnings carry their threshold's urgency.
BEGIN;
SELECT plan(21);
\ir helpers/invoices.sql
\ir helpers/two_tenants.sql
\ir helpers/catalog.sql
\ir helpers/clock.sql
SELECT pg_temp.travel_to('2026-03-02 08:00+00');
UPDATE kassa.customers SET locale = 'de' WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a2';

-- The events written since the last call of this function (kinds in order).
CREATE TEMP TABLE seen (id bigint);
INSERT INTO seen VALUES (0);
CREATE FUNCTION pg_temp.new_events() RETURNS text[] LANGUAGE sql AS $$
  WITH fresh AS (SELECT n.id, n.kind FROM kassa.notifications n WHERE n.id > (SELECT id FROM seen)),
       moved AS (UPDATE seen SET id = coalesce((SELECT max(id) FROM fresh), seen.id))
  SELECT coalesce(array_agg(kind ORDER BY id), '{}') FROM fresh
$$;
CREATE FUNCTION pg_temp.last_event(p_kind text) RETURNS kassa.notifications LANGUAGE sql AS $$
  SELECT n.* FROM kassa.notifications n WHERE n.kind = p_kind ORDER BY n.id DESC LIMIT 1
$$;
CREATE FUNCTION pg_temp.pending(p_customer uuid, p_amount bigint, p_invoice uuid DEFAULT NULL,
                                p_auto_topup boolean DEFAULT false) RETURNS uuid LANGUAGE sql AS $$
  SELECT (internal.new_payment('aaaaaaaa-0000-4000-8000-00000000000a', p_customer, 'stripe', 'card', 'payment', p_amount,
                               'ZAR', p_auto_topup => p_auto_topup, p_invoice => p_invoice)).id
$$;

-- 1. Invoices: issued (set-based, one per invoice), overdue.
CREATE TEMP TABLE inv AS SELECT
  pg_temp.issued('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a1', ARRAY[10000], '2026-03-02') AS a1,
  pg_temp.issued('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a2', ARRAY[5000], '2026-03-02') AS a2;
SELECT is(pg_temp.new_events(), ARRAY['invoice_issued', 'invoice_issued'], 'each issued invoice writes invoice_issued');
SELECT pg_temp.travel_to('2026-03-20 08:00+00');
SELECT is((SELECT n.payload - 'customer_id' - 'invoice_id' - 'invoice_number' - 'account_number'
             FROM kassa.notifications n WHERE n.kind = 'invoice_issued' AND n.customer_id = 'aaaaaaaa-0000-4000-8000-0000000000a2'),
          jsonb_build_object('customer_name', 'Andile A2', 'locale', 'de', 'total', 5000, 'amount_due', 5000,
                             'currency', 'ZAR', 'issued_on', '2026-03-02', 'due_on', '2026-03-16', 'status', 'finalised'),
          'the event carries the customer''s name and language and the invoice''s figures');
SELECT ok((SELECT bool_and(n.version = 1 AND n.tenant_id = 'aaaaaaaa-0000-4000-8000-00000000000a' AND n.public_id IS NOT NULL
                           AND n.xact_id = pg_current_xact_id())
             FROM kassa.notifications n), 'events have version 1, their tenant, a uuid and their transaction');
SELECT is(internal.mark_overdue('aaaaaaaa-0000-4000-8000-00000000000a', '2026-03-20'), 2, 'two invoices become overdue');
SELECT is(pg_temp.new_events(), ARRAY['invoice_overdue', 'invoice_overdue'], '... each with invoice_overdue');
SELECT is(internal.mark_overdue('aaaaaaaa-0000-4000-8000-00000000000a', '2026-03-20'), 0, 'marking again marks nothing');
SELECT is(pg_temp.new_events(), '{}'::text[], '... and writes no event');

-- 2. Payments: received (naming its invoice), failed with the reason, refunded.
CREATE TEMP TABLE pay AS SELECT pg_temp.pending('aaaaaaaa-0000-4000-8000-0000000000a1', 10000, (SELECT a1 FROM inv)) AS id;
SELECT is(pg_temp.new_events(), '{}'::text[], 'a payment started is no fact yet');
SAVEPOINT before_payment;
SELECT internal.complete_payment('aaaaaaaa-0000-4000-8000-00000000000a', (SELECT id FROM pay), 10000, 'ZAR', 'pi_64');
ROLLBACK TO SAVEPOINT before_payment;
SELECT is(pg_temp.new_events(), '{}'::text[], 'a payment rolled back takes its event with it');
SELECT internal.complete_payment('aaaaaaaa-0000-4000-8000-00000000000a', (SELECT id FROM pay), 10000, 'ZAR', 'pi_64');
SELECT internal.complete_payment('aaaaaaaa-0000-4000-8000-00000000000a', (SELECT id FROM pay), 10000, 'ZAR', 'pi_64');
SELECT is(pg_temp.new_events(), ARRAY['payment_received'], 'a completed payment writes payment_received once, however often it is recorded');
SELECT is((SELECT (n.payload ->> 'amount', n.payload ->> 'invoice_number', n.payload ->> 'balance', n.payload ->> 'purpose')::text
             FROM pg_temp.last_event('payment_received') n),
          (SELECT ('10000', number, '0', 'payment')::text FROM kassa.invoices WHERE id = (SELECT a1 FROM inv)),
          '... with its amount, the invoice it paid and the balance after it');
UPDATE pay SET id = pg_temp.pending('aaaaaaaa-0000-4000-8000-0000000000a2', 5000);
SELECT internal.fail_payment('aaaaaaaa-0000-4000-8000-00000000000a', (SELECT id FROM pay), 'card declined');
SELECT is(pg_temp.new_events(), ARRAY['payment_failed'], 'a failed payment writes payment_failed');
SELECT is((pg_temp.last_event('payment_failed')).payload ->> 'reason', 'card declined', '... with the reason');
UPDATE pay SET id = pg_temp.pending('aaaaaaaa-0000-4000-8000-0000000000a2', 1000, p_auto_topup => true);
SELECT internal.fail_payment('aaaaaaaa-0000-4000-8000-00000000000a', (SELECT id FROM pay), 'card declined');
SELECT is(pg_temp.new_events(), ARRAY['auto_topup_failed'], 'a failed auto top-up writes auto_topup_failed');
SELECT internal.refund_payment('aaaaaaaa-0000-4000-8000-00000000000a', p.id, 'refund', 4000, 're_64', 'goodwill')
  FROM kassa.payments p WHERE p.status = 'completed';
SELECT is(pg_temp.new_events(), ARRAY['payment_refunded'], 'a refund writes payment_refunded');
SELECT is((SELECT (n.payload ->> 'amount', n.payload ->> 'kind', n.payload ->> 'reason')::text
             FROM pg_temp.last_event('payment_refunded') n), '(4000,refund,goodwill)', '... with amount, kind and reason');

-- 3. Credit notes.
SELECT internal.create_credit_note('aaaaaaaa-0000-4000-8000-00000000000a', (SELECT a2 FROM inv), 'wrong plan', 'balance',
                                   NULL, '2026-03-20');
SELECT is(pg_temp.new_events(), ARRAY['credit_note_issued'], 'a credit note writes credit_note_issued');

-- 4. Services: each transition, with the reference data a network system provisions from.
SELECT pg_temp.new_service(1, 1);
SELECT pg_temp.act('aaaaaaaa-0000-4000-8000-00000000d001', 'activate', '2026-03-20');
SELECT pg_temp.act('aaaaaaaa-0000-4000-8000-00000000d001', 'suspend', '2026-03-21');
SELECT pg_temp.act('aaaaaaaa-0000-4000-8000-00000000d001', 'resume', '2026-03-22');
SELECT pg_temp.act('aaaaaaaa-0000-4000-8000-00000000d001', 'cancel', '2026-03-23');
SELECT is(ARRAY(SELECT k FROM unnest(pg_temp.new_events()) k WHERE k LIKE 'service%'),
          ARRAY['service_activated', 'service_suspended', 'service_reactivated', 'service_cancelled'],
          'each service transition writes its event');
SELECT is((SELECT (n.payload ->> 'service_id', n.payload ->> 'installation_address', n.payload ->> 'effective_on')::text
             FROM pg_temp.last_event('service_suspended') n),
          '(aaaaaaaa-0000-4000-8000-00000000d001,"1 Long Street, Cape Town",2026-03-21)',
          '... naming the service, its address and the day');

-- 5. Low balance: each threshold crossed downwards, with its urgency, once per dip.
INSERT INTO kassa.low_balance_thresholds (tenant_id, amount, urgency)
VALUES ('aaaaaaaa-0000-4000-8000-00000000000a', 0, 'urgent'), ('aaaaaaaa-0000-4000-8000-00000000000a', -5000, 'critical');
SELECT pg_temp.new_events();
SELECT pg_temp.post('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a2', 'invoice', -100000, 'dip-64');
SELECT is((SELECT array_agg((n.payload ->> 'threshold') || ' ' || (n.payload ->> 'urgency') ORDER BY n.id)
             FROM kassa.notifications n WHERE n.kind = 'low_balance'),
          ARRAY['0 urgent', '-5000 critical'], 'a dip across two thresholds warns for each, with its urgency');
SELECT pg_temp.new_events();
SELECT pg_temp.post('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a2', 'invoice', -100, 'dip-64b');
SELECT is(pg_temp.new_events(), '{}'::text[], 'going lower still warns no more');

SELECT * FROM finish();
ROLLBACK;
