-- Payments: completion posts once with its bonus, failure, refunds with bonus share, Stripe
-- event handling (duplicates, rejections), staff operations.
BEGIN;
SELECT plan(48);
\ir helpers/invoices.sql
\ir helpers/two_tenants.sql

INSERT INTO kassa.tenants (id, slug, name, legal_name, country, currency, street, postcode, city, vat_number)
VALUES ('5a000000-0000-4000-8000-000000000001', 'pay-test', 'Pay Test', 'Pay Test Ltd', 'ZA', 'ZAR', '1 Adderley Street',
        '8001', 'Cape Town', '4000000004');
INSERT INTO kassa.customers (tenant_id, id, name, email)
VALUES ('5a000000-0000-4000-8000-000000000001', '5c000000-0000-4000-8000-000000000001', 'Payer', 'payer@example.com');
INSERT INTO kassa.bonus_tiers VALUES ('5a000000-0000-4000-8000-000000000001', 5000, 5),
                                     ('5a000000-0000-4000-8000-000000000001', 10000, 10);
INSERT INTO kassa.payment_settings VALUES ('5a000000-0000-4000-8000-000000000001', 1000, 200000);

CREATE TEMP TABLE t AS SELECT (internal.begin_top_up('5a000000-0000-4000-8000-000000000001',
  '5c000000-0000-4000-8000-000000000001', 10000, 'click-1')).id AS payment_id;
GRANT SELECT ON t TO staff;
CREATE FUNCTION pg_temp.event(id text, type text, object jsonb) RETURNS jsonb LANGUAGE sql AS $$
  SELECT jsonb_build_object('id', id, 'type', type, 'data', jsonb_build_object('object', object)) $$;
CREATE FUNCTION pg_temp.session(amount bigint, currency text, customer text, payment text) RETURNS jsonb LANGUAGE sql AS $$
  SELECT jsonb_strip_nulls(jsonb_build_object('id', 'cs_' || md5(random()::text), 'amount_total', amount,
    'currency', currency, 'payment_status', 'paid', 'payment_intent', 'pi_t1',
    'metadata', jsonb_build_object('tenant_id', '5a000000-0000-4000-8000-000000000001',
                                   'customer_id', customer, 'payment_id', payment))) $$;

SELECT is((internal.begin_top_up('5a000000-0000-4000-8000-000000000001', '5c000000-0000-4000-8000-000000000001',
           10000, 'click-1')).id, (SELECT payment_id FROM t), 'the same request id is the same pending payment');
SELECT throws_ok($$SELECT internal.begin_top_up('5a000000-0000-4000-8000-000000000001',
  '5c000000-0000-4000-8000-000000000001', 999, 'click-2')$$, 'P0P01', 'top-up of 999 is below the minimum of 1000',
  'a top-up below the tenant minimum is refused');
SELECT throws_ok($$SELECT internal.begin_top_up('5a000000-0000-4000-8000-000000000001',
  '5c000000-0000-4000-8000-000000000001', 200001, 'click-3')$$, 'P0P02', 'top-up of 200001 is above the maximum of 200000',
  'a top-up above the tenant maximum is refused');
SELECT throws_ok($$SELECT internal.begin_top_up('5a000000-0000-4000-8000-000000000001',
  '5c000000-0000-4000-8000-000000000001', 20000, 'click-1')$$, 'P0P06', NULL,
  'a request id reused for another amount is refused');
SELECT is((SELECT count(*) FROM kassa.payments WHERE tenant_id = '5a000000-0000-4000-8000-000000000001'), 1::bigint,
  'refused top-ups left nothing behind');

SELECT is(internal.stripe_event(pg_temp.event('evt_ok', 'checkout.session.completed',
  pg_temp.session(10000, 'zar', '5c000000-0000-4000-8000-000000000001', (SELECT payment_id::text FROM t)))),
  'processed', 'checkout.session.completed is processed');
SELECT is(internal.stripe_event(pg_temp.event('evt_ok', 'checkout.session.completed', '{}')), 'duplicate',
  'a redelivered event is a duplicate, whatever its body');
SELECT results_eq($$SELECT kind, amount FROM kassa.ledger_entries WHERE source_id = (SELECT payment_id::text FROM t) ORDER BY id$$,
  $$VALUES ('top_up', 10000::bigint), ('bonus', 1000::bigint)$$, 'one top-up and a 10 % bonus entry');
SELECT is((SELECT status FROM kassa.payments WHERE id = (SELECT payment_id FROM t)), 'completed', 'the payment is completed');
SELECT is(internal.stripe_event(pg_temp.event('evt_pi', 'payment_intent.succeeded',
  '{"id": "pi_t1", "amount": 10000, "currency": "zar"}')), 'processed', 'the intent event of the same payment is processed');
SELECT is((SELECT count(*) FROM kassa.ledger_entries WHERE source_id = (SELECT payment_id::text FROM t)), 2::bigint,
  '... and posts nothing more');
SELECT is((SELECT balance FROM kassa.billing_accounts WHERE customer_id = '5c000000-0000-4000-8000-000000000001'), 11000::bigint,
  'the balance holds top-up and bonus');

-- Rejections: nothing is posted.
SELECT throws_ok(format($$SELECT internal.stripe_event(pg_temp.event(%L, 'checkout.session.completed',
                          pg_temp.session(%s, %L, %L, NULL)))$$, c.event_id, c.amount, c.currency, c.customer),
                 c.code, NULL, c.description)
  FROM (VALUES (1, 'evt_nc', 10000, 'zar', '5c000000-0000-4000-8000-0000000000ff', 'P0P05',
                'an unknown customer in the metadata is rejected'),
               (2, 'evt_low', 500, 'zar', '5c000000-0000-4000-8000-000000000001', 'P0P01',
                'an amount below the minimum is rejected'),
               (3, 'evt_high', 900000, 'zar', '5c000000-0000-4000-8000-000000000001', 'P0P02',
                'an amount above the maximum is rejected'),
               (4, 'evt_eur', 10000, 'eur', '5c000000-0000-4000-8000-000000000001', 'P0P04',
                'a currency other than the account''s is rejected'))
       AS c (n, event_id, amount, currency, customer, code, description)
 ORDER BY c.n;
SELECT throws_ok($$SELECT internal.stripe_event('{"id": "evt_x", "type": "checkout.session.completed"}')$$, 'P0W01', NULL,
  'an event without data.object is malformed');
SELECT throws_ok($$SELECT internal.stripe_event(pg_temp.event('evt_nt', 'checkout.session.completed',
  '{"payment_status": "paid", "metadata": {"tenant_id": "x"}}'))$$, 'P0W02', NULL, 'metadata without a tenant is rejected');
SELECT lives_ok($$SELECT internal.reject_webhook_event('stripe', 'evt_low', 'checkout.session.completed', '{}', 'too low')$$,
  'a rejection is recorded');
SELECT is((SELECT status || ':' || error FROM kassa.webhook_events WHERE event_id = 'evt_low'), 'rejected:too low',
  '... with its error');
SELECT is(internal.stripe_event(pg_temp.event('evt_other', 'customer.created', '{"id": "cus_1"}')), 'ignored',
  'an irrelevant event is acknowledged as ignored');
SELECT is((SELECT count(*) FROM kassa.payments WHERE tenant_id = '5a000000-0000-4000-8000-000000000001'), 1::bigint,
  'rejected events created no payments');

-- Refunds and disputes.
SELECT is(internal.stripe_event(pg_temp.event('evt_r1', 'charge.refunded',
  '{"id": "ch_1", "payment_intent": "pi_t1", "amount_refunded": 2500}')), 'processed', 'a partial refund is processed');
SELECT is(internal.stripe_event(pg_temp.event('evt_r1b', 'charge.refunded',
  '{"id": "ch_1", "payment_intent": "pi_t1", "amount_refunded": 2500}')), 'processed', 'a second event with the same total...');
SELECT results_eq($$SELECT status, amount_refunded FROM kassa.payments WHERE id = (SELECT payment_id FROM t)$$,
  $$VALUES ('partially_refunded', 2500::bigint)$$, '... refunds nothing more');
SELECT results_eq($$SELECT e.kind, e.amount FROM kassa.ledger_entries e JOIN kassa.payment_refunds r ON r.id::text = e.source_id ORDER BY e.id$$,
  $$VALUES ('refund', -2500::bigint), ('bonus', -250::bigint)$$, 'the refund takes back its share of the bonus');
SELECT is(internal.sync_stripe_refunds('5a000000-0000-4000-8000-000000000001', (SELECT payment_id FROM t), 'ch_1',
  3000, 'staff refund through the bridge'), 500::bigint, 'a new refunded total records only the difference');
SELECT is(internal.stripe_event(pg_temp.event('evt_r2', 'charge.refunded',
  '{"id": "ch_1", "payment_intent": "pi_t1", "amount_refunded": 3000}')), 'processed', 'the webhook for that total...');
SELECT is((SELECT amount_refunded FROM kassa.payments WHERE id = (SELECT payment_id FROM t)), 3000::bigint,
  '... adds nothing: Kassa and Stripe agree on 30.00 refunded');
SELECT throws_ok($$SELECT internal.stripe_event(pg_temp.event('evt_d1', 'charge.dispute.created',
  '{"id": "dp_1", "payment_intent": "pi_t1", "amount": 9000, "reason": "fraudulent"}'))$$, 'P0P08', NULL,
  'a dispute above what is left to refund is rejected');
SELECT is(internal.stripe_event(pg_temp.event('evt_d2', 'charge.dispute.created',
  '{"id": "dp_2", "payment_intent": "pi_t1", "amount": 7000, "reason": "fraudulent"}')), 'processed', 'a dispute of the rest is processed');
SELECT results_eq($$SELECT status, amount_refunded FROM kassa.payments WHERE id = (SELECT payment_id FROM t)$$,
  $$VALUES ('refunded', 10000::bigint)$$, 'the payment is fully refunded');
SELECT is((SELECT sum(amount) FROM kassa.ledger_entries WHERE customer_id = '5c000000-0000-4000-8000-000000000001'), 0::numeric,
  'top-up, bonus, refund and reversal net to zero');

-- Failure and the status machine.
CREATE TEMP TABLE f AS SELECT (internal.begin_top_up('5a000000-0000-4000-8000-000000000001',
  '5c000000-0000-4000-8000-000000000001', 3000, 'click-9')).id AS payment_id;
SELECT is((internal.fail_payment('5a000000-0000-4000-8000-000000000001', (SELECT payment_id FROM f), 'declined')).status,
  'failed', 'a pending payment can fail');
SELECT throws_ok($$SELECT internal.complete_payment('5a000000-0000-4000-8000-000000000001', (SELECT payment_id FROM f), 3000, 'ZAR')$$,
  'P0P07', NULL, 'a failed payment cannot complete');
SELECT throws_ok($$SELECT internal.fail_payment('5a000000-0000-4000-8000-000000000001', (SELECT payment_id FROM t), 'x')$$,
  'P0P07', NULL, 'a refunded payment cannot fail');
-- Staff operations (as PostgREST runs them), each with a reason, audited.
CREATE TEMP TABLE inv AS SELECT pg_temp.issued('aaaaaaaa-0000-4000-8000-00000000000a',
  'aaaaaaaa-0000-4000-8000-0000000000a1', ARRAY[11500]::bigint[]) AS id;
SELECT pg_temp.act_as('staff', 'aaaaaaaa-0000-4000-8000-00000000000a');
SELECT throws_ok($$SELECT api.record_manual_payment('aaaaaaaa-0000-4000-8000-0000000000a1', 20000, 'cash', ' ')$$,
  'P0P09', 'a reason is required', 'a manual payment needs a reason');
CREATE TEMP TABLE cash AS SELECT api.record_manual_payment('aaaaaaaa-0000-4000-8000-0000000000a1', 20000, 'cash',
  'cash at the counter, receipt 17') AS id;
SELECT pg_temp.act_as_owner();
SELECT results_eq($$SELECT status, amount_paid FROM kassa.invoices WHERE id = (SELECT id FROM inv)$$,
  $$VALUES ('paid'::text, 11500::bigint)$$, 'a manual payment settles the open invoice in the same transaction');
SELECT is((SELECT count(*) FROM audit.log WHERE table_name = 'kassa.payments' AND row_key ->> 'id' = (SELECT id::text FROM cash)
            AND actor_role = 'staff'), 2::bigint, 'the payment is audited with the staff actor');
SELECT pg_temp.act_as('staff', 'aaaaaaaa-0000-4000-8000-00000000000a');
SELECT throws_ok($$SELECT api.refund_payment((SELECT id FROM cash), 20001, 'too much')$$, 'P0P08', NULL,
  'a refund above the payment is refused');
SELECT lives_ok($$SELECT api.refund_payment((SELECT id FROM cash), 5000, 'part returned in cash')$$, 'a partial refund');
SELECT throws_ok($$SELECT api.refund_payment((SELECT id FROM cash), 3501, 'more')$$, 'P0L01', NULL,
  'a refund cannot take the balance below the credit limit');
SELECT throws_ok($$SELECT api.record_manual_payment('aaaaaaaa-0000-4000-8000-0000000000a1', 100, 'cheque', 'old habits')$$,
  'P0P10', NULL, 'a manual payment is cash or eft');
SELECT lives_ok($$SELECT api.adjust_balance('aaaaaaaa-0000-4000-8000-0000000000a1', -1000, 'goodwill reversed')$$,
  'staff adjust a balance with a reason');
SELECT throws_ok($$SELECT api.adjust_balance('aaaaaaaa-0000-4000-8000-0000000000a1', 100, '')$$, 'P0P09', NULL,
  'an adjustment needs a reason');
SELECT throws_ok($$SELECT api.refund_payment((SELECT payment_id FROM t), 100, 'x')$$, 'P0P03', NULL,
  'staff cannot touch another tenant''s payment');
SELECT pg_temp.act_as_owner();
SELECT is((SELECT balance FROM kassa.billing_accounts WHERE customer_id = 'aaaaaaaa-0000-4000-8000-0000000000a1'),
  20000 - 11500 - 5000 - 1000::bigint, 'payment, invoice, refund and adjustment are all on the balance');
SELECT is_empty($$SELECT * FROM internal.ledger_mismatches()$$, 'the ledger invariant holds');

SELECT * FROM finish();
ROLLBACK;
