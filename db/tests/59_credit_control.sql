-- Credit control (staff set a limit with a reason, audited; activations and fees beyond it are
-- refused), refunds of a payment that named an invoice un-settle that invoice first, and the
-- rules of auto-pay on the due date (opt-in, what is due, one claim per invoice and due date).
BEGIN;
SELECT plan(39);
\ir helpers/invoices.sql
\ir helpers/two_tenants_ids.sql
\ir helpers/catalog.sql
\ir helpers/clock.sql
SELECT pg_temp.travel_to('2026-06-15 10:00+00');
SELECT pg_temp.new_service(1, 1);                    -- Fibre 100 (100.00 a month) for A1
SELECT pg_temp.new_service(2, 1, 'aaaaaaaa-0000-4000-8000-00000000f050',
                           'aaaaaaaa-0000-4000-8000-0000000000a2');  -- Fibre 50 for A2, no limit

-- Setting the limit: staff only, a whole amount of zero or more, with a reason.
SELECT pg_temp.act_as('staff', 'aaaaaaaa-0000-4000-8000-00000000000a');
SELECT throws_ok($$SELECT api.set_credit_limit('aaaaaaaa-0000-4000-8000-0000000000a1', -1, 'too generous')$$,
                 'P0X01', NULL, 'a negative credit limit is refused');
SELECT throws_ok($$SELECT api.set_credit_limit('aaaaaaaa-0000-4000-8000-0000000000a1', 'NaN', 'not a number')$$,
                 'P0V01', NULL, 'NaN is refused');
SELECT throws_ok($$SELECT api.set_credit_limit('aaaaaaaa-0000-4000-8000-0000000000a1', 'Infinity', 'unbounded')$$,
                 'P0V01', NULL, 'infinity is refused');
SELECT throws_ok($$SELECT api.set_credit_limit('aaaaaaaa-0000-4000-8000-0000000000a1', 100.5, 'half a cent')$$,
                 'P0X01', NULL, 'a fraction of a minor unit is refused');
SELECT throws_ok($$SELECT api.set_credit_limit('aaaaaaaa-0000-4000-8000-0000000000a1', NULL, 'no number')$$,
                 'P0X01', NULL, 'a missing limit is refused');
SELECT throws_ok($$SELECT api.set_credit_limit('aaaaaaaa-0000-4000-8000-0000000000a1', 15000, E' \t')$$,
                 'P0X02', NULL, 'a blank reason is refused');
SELECT throws_ok($$SELECT api.set_credit_limit('bbbbbbbb-0000-4000-8000-0000000000b1', 15000, 'another tenant')$$,
                 'P0X03', NULL, 'a customer of another tenant is unknown');
SELECT is((SELECT count(*) FROM api.credit_limits), 0::bigint, 'refused limits change nothing');
SELECT lives_ok($$SELECT api.set_credit_limit('aaaaaaaa-0000-4000-8000-0000000000a1', 15000, 'new customer, no history')$$,
                'staff set a limit of 150.00');
SELECT is((SELECT (credit_limit, reason, set_by)::text FROM api.credit_limits),
          '(15000,"new customer, no history",staff:tap)', 'the limit is kept with its reason and who set it');
SELECT is((SELECT credit_limit FROM api.customers WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a1'), 15000::bigint,
          'the customer shows the limit');
SELECT pg_temp.act_as_owner();
SELECT is((SELECT new_row ->> 'reason' FROM audit.log WHERE table_name LIKE '%credit_limits' ORDER BY id DESC LIMIT 1),
          'new customer, no history', 'the change is in the audit log with its reason');
SELECT pg_temp.act_as('customer', 'aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a1');
SELECT throws_ok($$SELECT api.set_credit_limit('aaaaaaaa-0000-4000-8000-0000000000a1', 99999999, 'I trust me')$$,
                 '42501', NULL, 'a customer cannot set their own limit');
SELECT pg_temp.act_as_owner();

-- Beyond the limit: owing 100.00, a plan of 100.00 a month would take A1 to 200.00 of 150.00.
SELECT internal.post_entry(ta, a1, 'adjustment', -10000, 'test', 'owed-1') FROM ids;
SELECT throws_ok($$SELECT pg_temp.act('aaaaaaaa-0000-4000-8000-00000000d001', 'activate', '2026-06-15')$$,
                 'P0X04', NULL, 'an activation beyond the credit limit is refused');
SELECT is((SELECT status FROM kassa.services WHERE id = 'aaaaaaaa-0000-4000-8000-00000000d001'), 'pending',
          'and the service stays pending');
SELECT lives_ok($$SELECT pg_temp.act('aaaaaaaa-0000-4000-8000-00000000d002', 'activate', '2026-06-15')$$,
                'a customer without a credit limit is not credit controlled');
SELECT internal.post_entry(ta, a1, 'adjustment', 10000, 'test', 'paid-1') FROM ids;
SELECT lives_ok($$SELECT pg_temp.act('aaaaaaaa-0000-4000-8000-00000000d001', 'activate', '2026-06-15')$$,
                'with the debt paid the activation fits the limit');
-- The first partial period (15 June to 1 July) waits for the next invoice and counts against
-- the limit: an installation of 999.00 does not fit, nor does a second one after a payment.
SELECT throws_ok($$SELECT internal.add_fee('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-00000000d001',
                                           'aaaaaaaa-0000-4000-8000-00000000f999', 1)$$,
                 'P0X04', NULL, 'a fee beyond the credit limit is refused');
SELECT is((SELECT count(*) FROM kassa.pending_charges WHERE customer_id = 'aaaaaaaa-0000-4000-8000-0000000000a1'
              AND kind = 'one_off'), 0::bigint, 'and no fee is added');
SELECT internal.post_entry(ta, a1, 'top_up', 100000, 'test', 'prepaid-1') FROM ids;
SELECT lives_ok($$SELECT internal.add_fee('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-00000000d001',
                                          'aaaaaaaa-0000-4000-8000-00000000f999', 1)$$,
                'a prepaid balance makes room for the fee');
SELECT throws_ok($$SELECT internal.add_fee('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-00000000d001',
                                           'aaaaaaaa-0000-4000-8000-00000000f999', 2)$$,
                 'P0X04', NULL, 'fees already added count against the limit');

-- Refunds: a payment of 200.00 that named the OLDER of two invoices of 100.00 settles both;
-- refunding part of it opens that invoice first, not the newest.
CREATE TEMP TABLE inv AS
  SELECT 'first' AS n, pg_temp.issued(ta, a2, ARRAY[10000::bigint], '2026-05-01') AS id FROM ids UNION ALL
  SELECT 'second', pg_temp.issued(ta, a2, ARRAY[10000::bigint], '2026-06-01') FROM ids;
SELECT internal.new_payment(ta, a2, 'stripe', 'card', 'payment', 20000, 'ZAR', 'cs_named_1',
                            p_invoice => (SELECT id FROM inv WHERE n = 'first')) FROM ids;
SELECT internal.complete_payment(ta, p.id, 20000, 'ZAR') FROM ids, kassa.payments p WHERE p.provider_ref = 'cs_named_1';
SELECT is((SELECT array_agg(status ORDER BY n) FROM kassa.invoices JOIN inv USING (id)), ARRAY['paid', 'paid'],
          'the payment settles both invoices');
SELECT internal.refund_payment(ta, p.id, 'refund', 6000, 're_named_1', 'partly refunded') FROM ids, kassa.payments p
 WHERE p.provider_ref = 'cs_named_1';
SELECT is((SELECT array_agg((n, amount_paid, amount_due)::text ORDER BY n) FROM kassa.invoices JOIN inv USING (id)),
          ARRAY['(first,4000,6000)', '(second,10000,0)'], 'a refund opens the invoice the payment named first');
SELECT internal.refund_payment(ta, p.id, 'dispute', 9000, 'dp_named_1', 'chargeback') FROM ids, kassa.payments p
 WHERE p.provider_ref = 'cs_named_1';
SELECT is((SELECT array_agg((n, amount_paid, amount_due)::text ORDER BY n) FROM kassa.invoices JOIN inv USING (id)),
          ARRAY['(first,0,10000)', '(second,5000,5000)'], 'a reversal takes the rest of that invoice, then the newest');
SELECT is_empty($$SELECT * FROM internal.ledger_mismatches()$$, 'cached balances still equal the ledger');

-- Auto-pay: opting in needs a primary saved card.
SELECT set_config('app.settings.payment_method_key', 'test-key-59', true);
SELECT pg_temp.act_as('customer', 'aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a2');
SELECT throws_ok($$SELECT api.configure_auto_pay(true)$$, 'P0X06', NULL, 'without a primary card auto-pay cannot be enabled');
SELECT throws_ok($$SELECT api.configure_auto_pay(NULL)$$, 'P0X05', NULL, 'enabled must be true or false');
SELECT throws_ok($$SELECT api.configure_auto_pay(true, 'aaaaaaaa-0000-4000-8000-0000000000a1')$$, 'P0M01', NULL,
                 'a customer configures only their own auto-pay');
SELECT pg_temp.act_as_owner();
SELECT internal.add_card(ta, a2, 'visa', '4242', 12, 2030, 'cus_59', 'pm_59', true) FROM ids;
SELECT pg_temp.act_as('customer', 'aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a2');
SELECT is(api.configure_auto_pay(true), true, 'with a primary card the customer opts in');
SELECT is((SELECT auto_pay FROM api.customers), true, 'and the customer shows it');
SELECT pg_temp.act_as_owner();

-- A third invoice, due on its due date: listed once, claimed once, for its amount due.
CREATE TEMP TABLE third AS SELECT pg_temp.issued(ta, a2, ARRAY[8000::bigint], '2026-06-10') AS id, NULL::date AS due_on FROM ids;
UPDATE third SET due_on = i.due_on FROM kassa.invoices i WHERE i.id = third.id;
SELECT is((SELECT array_agg(invoice_id) FROM ids, internal.due_auto_pays((SELECT due_on FROM third), ta)),
          ARRAY[(SELECT id FROM third)], 'only the invoice due that day is listed (the others fell due before)');
SELECT is((SELECT count(*) FROM ids, internal.due_auto_pays((SELECT due_on - 1 FROM third), ta)), 0::bigint,
          'nothing is due the day before');
SELECT is((SELECT array_agg(invoice_id) FROM ids, internal.due_auto_pays((SELECT due_on + 3 FROM third), ta)),
          ARRAY[(SELECT id FROM third)], 'a due date whose run was missed is caught up within a week');
SELECT is((SELECT count(*) FROM ids, internal.due_auto_pays((SELECT due_on + 8 FROM third), ta)), 0::bigint,
          'after a week it is left to dunning');
CREATE TEMP TABLE claim AS
  SELECT internal.claim_invoice_charge(ta, (SELECT id FROM third), (SELECT due_on FROM third), NULL) AS c FROM ids;
SELECT is((SELECT (c ->> 'amount', c ->> 'invoice_id', c #>> '{card,payment_method}')::text FROM claim),
          (SELECT ('8000', id, 'pm_59')::text FROM third), 'a claim charges the amount due to the primary card');
SELECT is((SELECT (invoice_id, auto_pay_due_on, status)::text FROM kassa.payments
            WHERE id = (SELECT (c ->> 'payment_id')::uuid FROM claim)),
          (SELECT (id, due_on, 'pending')::text FROM third), 'the payment names the invoice and the due date');
SELECT is(internal.claim_invoice_charge(ta, (SELECT id FROM third), (SELECT due_on FROM third), NULL), NULL, 'a second claim gets nothing')
  FROM ids;
SELECT internal.fail_payment(ta, (SELECT (c ->> 'payment_id')::uuid FROM claim), 'card declined') FROM ids;
SELECT is((SELECT count(*) FROM ids, internal.due_auto_pays((SELECT due_on FROM third), ta)), 0::bigint,
          'a declined charge is not tried again for the same due date');
SELECT is((SELECT (status, amount_due)::text FROM kassa.invoices WHERE id = (SELECT id FROM third)), '(finalised,8000)',
          'and the invoice stays open');

SELECT * FROM finish();
ROLLBACK;
