-- NetCash debit orders: mandates (requested, hinted by the postback, decided once confirmed); the
-- run's selection, its idempotence and the batch statuses.
BEGIN;
SELECT plan(40);
\ir helpers/invoices.sql
\ir helpers/clock.sql
\ir helpers/two_tenants.sql
SELECT set_config('app.settings.payment_method_key', 'test-key-58', true);
SELECT pg_temp.travel_to('2026-03-02 08:00+00');

CREATE TEMP TABLE m AS SELECT
  internal.add_payment_method('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a1',
                              'debit_order', 'FNB', 'current', '62001234567', 'AGR-A1', true) AS a1,
  internal.add_payment_method('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a2',
                              'debit_order', 'ABSA', 'savings', '4012345678', 'AGR-A2', true) AS a2;

-- 1. Mandates.
SELECT results_eq($$SELECT payment_method_id, account_reference, amount FROM internal.mandates_to_request('aaaaaaaa-0000-4000-8000-00000000000a') ORDER BY 1$$,
  $$SELECT id, internal.netcash_account_ref(id), 10000::bigint FROM kassa.payment_methods WHERE id IN ((SELECT a1 FROM m), (SELECT a2 FROM m)) ORDER BY 1$$,
  'pending debit orders without a request are listed with their account reference and at least 100.00');
SELECT is((internal.record_mandate_request('aaaaaaaa-0000-4000-8000-00000000000a', (SELECT a1 FROM m), 'https://netcash.example/m/1')).netcash_account_ref,
  internal.netcash_account_ref((SELECT a1 FROM m)), 'a request records the account reference');
SELECT is((SELECT count(*) FROM internal.mandates_to_request(NULL) WHERE payment_method_id = (SELECT a1 FROM m)), 0::bigint,
  'a requested mandate is not asked for again');
SELECT throws_ok($$SELECT internal.mandate_postback('KUNKNOWN', '{}')$$, 'P0E01', NULL,
  'a postback for an account reference Kassa never sent is refused');
SELECT is((SELECT mandate_status FROM internal.mandate_postback(internal.netcash_account_ref((SELECT a1 FROM m)), '{"MandateSuccessful": "1"}')),
  'pending', 'a postback is kept as a hint and changes no status');
SELECT throws_ok($$SELECT internal.record_mandate_outcome('aaaaaaaa-0000-4000-8000-00000000000a', (SELECT a2 FROM m), true, 'MR2', '')$$,
  'P0E02', NULL, 'a mandate never requested cannot be decided');
SELECT is((internal.record_mandate_outcome('aaaaaaaa-0000-4000-8000-00000000000a', (SELECT a1 FROM m), true, 'MR1', '')).mandate_status,
  'active', 'a confirmed acceptance activates the mandate');
SELECT is((internal.record_mandate_outcome('aaaaaaaa-0000-4000-8000-00000000000a', (SELECT a1 FROM m), true, 'MR1', '')).mandate_status,
  'active', 'the same outcome again is a no-op');
SELECT throws_ok($$SELECT internal.record_mandate_outcome('aaaaaaaa-0000-4000-8000-00000000000a', (SELECT a1 FROM m), false, '', 'forged')$$,
  'P0E02', NULL, 'a decided mandate is not decided again the other way');
SELECT throws_ok($$SELECT internal.record_mandate_request('aaaaaaaa-0000-4000-8000-00000000000a',
    internal.add_payment_method('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a1', 'eft', NULL, NULL, NULL, NULL, false),
    'https://netcash.example/m/9')$$, 'P0E05', NULL, 'only a debit order gets a mandate');

-- The cut-off (default 11:00 tenant time; it is 10:00 in Johannesburg): today's submission is in
-- time, yesterday's is past it.
SELECT is((SELECT (service, cutoff_passed)::text FROM internal.debit_order_service('aaaaaaaa-0000-4000-8000-00000000000a', '2026-03-02')),
  '(two_day,f)', 'the default service is two-day, and a submission before the cut-off is in time');
SELECT is((SELECT cutoff_passed FROM internal.debit_order_service('aaaaaaaa-0000-4000-8000-00000000000a', '2026-03-01')),
  true, 'a submission date already past is past the cut-off');

-- 2. The run's selection. A1's mandate is active, A2's pending; A1 has an invoice due before the
-- action date, one due after it, and a paid one.
UPDATE kassa.tenants SET payment_terms_days = 14 WHERE id = 'aaaaaaaa-0000-4000-8000-00000000000a';
CREATE TEMP TABLE inv AS SELECT
  pg_temp.issued('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a1', ARRAY[20000], '2026-02-10') AS due,
  pg_temp.issued('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a1', ARRAY[3000], '2026-02-10') AS settled,
  pg_temp.issued('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a2', ARRAY[7000], '2026-02-10') AS unmandated,
  pg_temp.issued('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a1', ARRAY[5000], '2026-03-01') AS later;
SELECT pg_temp.post('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a1', 'payment', 3000, 'paid-58');
SELECT internal.allocate_credit('aaaaaaaa-0000-4000-8000-00000000000a', ARRAY['aaaaaaaa-0000-4000-8000-0000000000a1'::uuid],
                                ARRAY[(SELECT settled FROM inv)]);
CREATE TEMP TABLE b AS SELECT (internal.record_debit_order_batch('aaaaaaaa-0000-4000-8000-00000000000a', '2026-03-02', '2026-03-04',
                                                                 'two_day', 'Run 1')).*;
SELECT results_eq($$SELECT invoice_id, amount, status, presentation FROM kassa.debit_order_items WHERE batch_id = (SELECT id FROM b)$$,
  $$SELECT (SELECT due FROM inv), 20000::bigint, 'pending'::text, 1$$,
  'only the invoice due by the action date of a customer with an active debit-order mandate is debited, at its amount due');
SELECT results_eq($$SELECT p.provider, p.method, p.status, p.amount, p.invoice_id FROM kassa.payments p
                     JOIN kassa.debit_order_items d ON d.tenant_id = p.tenant_id AND d.payment_id = p.id$$,
  $$SELECT 'netcash'::text, 'debit_order'::text, 'pending'::text, 20000::bigint, (SELECT due FROM inv)$$,
  'each debit has a pending NetCash payment naming its invoice');
SELECT is((internal.record_debit_order_batch('aaaaaaaa-0000-4000-8000-00000000000a', '2026-03-02', '2026-03-04', 'two_day', 'Run 1')).id,
  (SELECT id FROM b), 'the same date again answers the same batch');
SELECT is((SELECT count(*) FROM kassa.debit_order_items), 1::bigint, '... and adds no debit');
SELECT is((internal.record_debit_order_batch('aaaaaaaa-0000-4000-8000-00000000000a', '2026-03-03', '2026-03-05', 'two_day', 'Run 2')).id,
  NULL, 'an invoice with a debit in flight is not debited on another date (no batch when nothing is due)');
SELECT throws_ok($$INSERT INTO kassa.debit_order_items (tenant_id, batch_id, submission_date, invoice_id, customer_id, payment_method_id,
                                                        payment_id, account_reference, amount, presentation)
                   SELECT tenant_id, batch_id, submission_date, invoice_id, customer_id, payment_method_id, payment_id,
                          account_reference, amount, 1 FROM kassa.debit_order_items$$,
  '23505', NULL, 'the database refuses a second debit of an invoice on a date');
SELECT throws_ok($$SELECT internal.record_debit_order_batch('aaaaaaaa-0000-4000-8000-00000000000a', '2026-03-05', '2026-03-04', 'two_day', 'Bad')$$,
  'P0E06', NULL, 'an action date before the submission date is refused');

-- An invoice in a debit-order run cannot be paid through its payment link.
CREATE TEMP TABLE link AS SELECT token FROM internal.create_payment_links('aaaaaaaa-0000-4000-8000-00000000000a',
  ARRAY[(SELECT due FROM inv)], 'staff:test');
SELECT is((SELECT state FROM internal.payment_page((SELECT token FROM link))), 'debit_order_scheduled',
  'the payment page says a debit order is scheduled');
SELECT throws_ok($$SELECT internal.begin_link_payment((SELECT token FROM link), 'octo')$$, 'P0E04', NULL,
  'a payment through the link is refused while the debit is in flight');

-- ... nor charged by auto-pay (here a card made primary since, with auto-pay on).
UPDATE kassa.customers SET auto_pay = true WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a1';
SELECT internal.add_card('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a1', 'visa', '4242', 12, 2030,
                         'cus_58', 'pm_58', true);
SELECT is(internal.auto_pay_due(i, i.due_on), false, 'auto-pay leaves an invoice with a debit order in flight alone')
  FROM kassa.invoices i WHERE i.id = (SELECT due FROM inv);
SELECT internal.set_primary_payment_method('aaaaaaaa-0000-4000-8000-00000000000a', (SELECT a1 FROM m), NULL);
UPDATE kassa.customers SET auto_pay = false WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a1';

-- 3. Batch statuses: uploaded once; the load report's refused lines fail their payments.
SELECT is((internal.debit_order_batch_uploading('aaaaaaaa-0000-4000-8000-00000000000a', (SELECT id FROM b),
           ARRAY(SELECT id FROM kassa.debit_order_items), 'left out')).status, 'uploading', 'a recorded batch is uploaded');
SELECT is((SELECT line FROM kassa.debit_order_items), 3, 'its debits get their line of the file');
SELECT throws_ok($$SELECT internal.debit_order_batch_uploading('aaaaaaaa-0000-4000-8000-00000000000a', (SELECT id FROM b), '{}', 'x')$$,
  'P0E07', NULL, 'a batch is uploaded once only');
SELECT throws_ok($$SELECT internal.record_debit_order_batch_state('aaaaaaaa-0000-4000-8000-00000000000a', (SELECT id FROM b), 'submitted')$$,
  'P0E07', NULL, 'a batch is not submitted before NetCash answered the upload');
SELECT is((internal.record_debit_order_batch_state('aaaaaaaa-0000-4000-8000-00000000000a', (SELECT id FROM b), 'loading', 'tok-1')).file_token,
  'tok-1', 'the upload''s file token is kept');
SELECT is((internal.record_debit_order_batch_state('aaaaaaaa-0000-4000-8000-00000000000a', (SELECT id FROM b), 'awaiting_authorisation',
           NULL, 'SUCCESSFUL WITH ERRORS', ARRAY[3])).status, 'awaiting_authorisation', 'a loaded batch may wait for authorisation');
SELECT results_eq($$SELECT d.status, p.status FROM kassa.debit_order_items d JOIN kassa.payments p ON p.id = d.payment_id$$,
  $$VALUES ('rejected'::text, 'failed'::text)$$, 'a line the load report refused is rejected and its payment failed');
CREATE TEMP TABLE b2 AS SELECT (internal.record_debit_order_batch('aaaaaaaa-0000-4000-8000-00000000000a', '2026-03-03', '2026-03-05',
                                                                   'two_day', 'Run 2')).*;
SELECT isnt((SELECT id FROM b2), NULL, 'a rejected debit''s invoice is debited again on the next date');

-- 4. Results: paid completes and settles, a return after that is a reversal of kind unpaid.
CREATE TEMP TABLE it AS SELECT d.id, d.payment_id, d.account_reference FROM kassa.debit_order_items d WHERE d.batch_id = (SELECT id FROM b2);
SELECT internal.debit_order_batch_uploading('aaaaaaaa-0000-4000-8000-00000000000a', (SELECT id FROM b2), ARRAY(SELECT id FROM it), 'x');
SELECT internal.record_debit_order_batch_state('aaaaaaaa-0000-4000-8000-00000000000a', (SELECT id FROM b2), 'loading', 'tok-2');
SELECT internal.record_debit_order_batch_state('aaaaaaaa-0000-4000-8000-00000000000a', (SELECT id FROM b2), 'submitted', NULL, 'SUCCESSFUL');
SELECT is(internal.debit_order_results_from('aaaaaaaa-0000-4000-8000-00000000000a', '2026-03-04'), NULL,
  'a debit is not looked for on the statement before its action date');
SELECT is(internal.debit_order_results_from('aaaaaaaa-0000-4000-8000-00000000000a', '2026-03-05'), '2026-03-05'::date,
  '... and from its action date on');
SELECT throws_ok($$SELECT internal.apply_debit_order_result(NULL, 'refund', 'X', 1, '2026-03-05', 'T1', NULL, NULL)$$,
  'P0E08', NULL, 'a result is paid, unpaid or dispute');
SELECT is(internal.apply_debit_order_result(NULL, 'paid', 'KNOTOURS', 20000, '2026-03-05', 'T0', NULL, NULL), 'unknown',
  'a statement line of another account reference is not ours');
SELECT is(internal.apply_debit_order_result('aaaaaaaa-0000-4000-8000-00000000000a', 'paid', (SELECT account_reference FROM it), 20000,
          '2026-03-05', 'T1', NULL, NULL), 'applied', 'a paid debit is applied');
SELECT results_eq($$SELECT p.status, i.status, i.amount_due FROM kassa.payments p JOIN kassa.invoices i ON i.id = p.invoice_id
                     WHERE p.id = (SELECT payment_id FROM it)$$,
  $$VALUES ('completed'::text, 'paid'::text, 0::bigint)$$, '... completing its payment, which settles its invoice');
SELECT is(internal.apply_debit_order_result(NULL, 'paid', (SELECT account_reference FROM it), 20000, '2026-03-05', 'T1', NULL, NULL),
  'duplicate', 'the same statement line again changes nothing');
SELECT is(internal.apply_debit_order_result(NULL, 'unpaid', (SELECT account_reference FROM it), 20000, '2026-03-08', 'T2', 30,
          'no authority to debit'), 'applied', 'an unpaid after the payment was booked is applied');
SELECT results_eq($$SELECT r.kind, r.amount, i.amount_due, d.status, d.reason_code, d.retry_allowed, m.mandate_status
                      FROM kassa.payment_refunds r JOIN kassa.payments p ON p.id = r.payment_id
                      JOIN kassa.invoices i ON i.id = p.invoice_id JOIN kassa.debit_order_items d ON d.payment_id = p.id
                      JOIN kassa.payment_methods m ON m.id = d.payment_method_id WHERE p.id = (SELECT payment_id FROM it)$$,
  $$VALUES ('unpaid'::text, 20000::bigint, 20000::bigint, 'unpaid'::text, 30, false, 'cancelled'::text)$$,
  '... as a reversal of kind unpaid that un-settles the invoice; no authority cancels the mandate and allows no retry');
SELECT is((internal.record_debit_order_batch('aaaaaaaa-0000-4000-8000-00000000000a', '2026-03-09', '2026-03-11', 'two_day', 'Run 3')).id,
  NULL, 'an invoice returned for a reason that allows no retry (and without a mandate) is not debited again');

SELECT * FROM finish();
ROLLBACK;
