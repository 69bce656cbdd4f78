-- Retries at dunning steps (a returned debit order presented again, an auto-pay card charged
-- again, once per invoice and step) and staff resolving a batch whose upload answer was lost.
BEGIN;
SELECT plan(39);
\ir helpers/invoices.sql
\ir helpers/clock.sql
\ir helpers/two_tenants.sql
SELECT set_config('app.settings.payment_method_key', 'test-key-62', true);
SELECT pg_temp.travel_to('2026-03-02 08:00+00');

-- A batch of tenant A through upload and load report, every debit of it returned unpaid with
-- bank code p_code on its action date (a statement line per debit).
CREATE FUNCTION pg_temp.returned(p_batch uuid, p_code integer) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  debit record;
BEGIN
  PERFORM internal.debit_order_batch_uploading('aaaaaaaa-0000-4000-8000-00000000000a', p_batch,
            ARRAY(SELECT d.id FROM kassa.debit_order_items d WHERE d.batch_id = p_batch), 'x');
  PERFORM internal.record_debit_order_batch_state('aaaaaaaa-0000-4000-8000-00000000000a', p_batch, 'loading', 'tok');
  PERFORM internal.record_debit_order_batch_state('aaaaaaaa-0000-4000-8000-00000000000a', p_batch, 'submitted', NULL,
                                                  'SUCCESSFUL');
  FOR debit IN SELECT d.account_reference, d.amount, b.action_date, d.id FROM kassa.debit_order_items d
                 JOIN kassa.debit_order_batches b ON b.id = d.batch_id WHERE d.batch_id = p_batch LOOP
    PERFORM internal.apply_debit_order_result(NULL, 'unpaid', debit.account_reference, debit.amount, debit.action_date,
                                              'U-' || debit.id, p_code, NULL);
  END LOOP;
END $$;

-- The batch a debit-order run records for tenant A on p_day (action date the same day).
CREATE FUNCTION pg_temp.batch(p_day date) RETURNS uuid LANGUAGE sql AS $$
  SELECT (internal.record_debit_order_batch('aaaaaaaa-0000-4000-8000-00000000000a', p_day, p_day, 'same_day',
                                            'Run ' || p_day)).id
$$;

CREATE FUNCTION pg_temp.dun(p_day date) RETURNS text LANGUAGE sql AS $$
  SELECT (r.taken, r.skipped)::text FROM internal.dunning_run('aaaaaaaa-0000-4000-8000-00000000000a', p_day, 'job:dunning:tap') r
$$;

-- The retry of the event tenant A's run wrote for a step of an invoice.
CREATE FUNCTION pg_temp.retry_of(p_invoice uuid, p_step integer) RETURNS text LANGUAGE sql AS $$
  SELECT coalesce(n.payload ->> 'retry', 'none') FROM kassa.notifications n
   WHERE n.payload ->> 'invoice_id' = p_invoice::text AND (n.payload ->> 'step')::integer = p_step
$$;

CREATE FUNCTION pg_temp.due_retries() RETURNS text[] LANGUAGE sql AS $$
  SELECT coalesce(array_agg(r.invoice_id || ' ' || r.step ORDER BY r.invoice_id), '{}')
    FROM internal.due_dunning_retries('aaaaaaaa-0000-4000-8000-00000000000a') r
$$;

-- 1. Schedules: the default's overdue notices retry; a retry is a boolean, only after the due date.
SELECT results_eq($$SELECT day_offset, retry FROM kassa.dunning_steps
                     WHERE tenant_id = 'aaaaaaaa-0000-4000-8000-00000000000a' AND schedule_version = 1 ORDER BY 1$$,
  $$VALUES (-7, false), (-3, false), (-1, false), (1, true), (7, true), (14, false)$$,
  'the default schedule retries at its overdue notices (+1, +7)');
SELECT throws_ok($$SELECT internal.set_dunning_schedule('aaaaaaaa-0000-4000-8000-00000000000a',
                     '[{"day": 0, "kind": "notice", "retry": true}]', 0, 'staff:tap')$$, 'P0D11', NULL,
  'a retry on the due date or before it is refused');
SELECT throws_ok($$SELECT internal.set_dunning_schedule('aaaaaaaa-0000-4000-8000-00000000000a',
                     '[{"day": 3, "kind": "notice", "retry": "yes"}]', 0, 'staff:tap')$$, 'P0D05', NULL,
  'a retry is true or false');
SELECT throws_ok($$SELECT internal.set_dunning_schedule('aaaaaaaa-0000-4000-8000-00000000000a',
                     '[{"day": 3, "kind": "notice", "retries": true}]', 0, 'staff:tap')$$, 'P0D05', NULL,
  'an unknown key in a step is refused');
SELECT throws_ok($$SELECT internal.set_dunning_schedule('aaaaaaaa-0000-4000-8000-00000000000a', '[{"day": 3}]', 0, 'staff:tap')$$,
  'P0D05', NULL, 'a step without a kind is refused');
SELECT is((internal.set_dunning_schedule('aaaaaaaa-0000-4000-8000-00000000000a',
            '[{"day": -1, "kind": "reminder"}, {"day": 2, "kind": "notice", "retry": true}, {"day": 4, "kind": "notice"},
              {"day": 6, "kind": "notice", "retry": true}, {"day": 8, "kind": "notice", "retry": true}]', 0, 'staff:tap')).version,
  2, 'a schedule with retries is a new version');
SELECT results_eq($$SELECT day_offset, retry FROM kassa.dunning_steps
                     WHERE tenant_id = 'aaaaaaaa-0000-4000-8000-00000000000a' AND schedule_version = 2 ORDER BY 1$$,
  $$VALUES (-1, false), (2, true), (4, false), (6, true), (8, true)$$, '... keeping each step''s retry');

-- A1 pays by debit order (mandate active), A2 by card with auto-pay on; an invoice each, due today.
UPDATE kassa.tenants SET payment_terms_days = 0 WHERE id = 'aaaaaaaa-0000-4000-8000-00000000000a';
CREATE TEMP TABLE m AS SELECT internal.add_payment_method('aaaaaaaa-0000-4000-8000-00000000000a',
  'aaaaaaaa-0000-4000-8000-0000000000a1', 'debit_order', 'FNB', 'current', '62001234567', 'AGR-A1', true) AS a1;
SELECT internal.record_mandate_request('aaaaaaaa-0000-4000-8000-00000000000a', (SELECT a1 FROM m), 'https://netcash.example/m/1');
SELECT internal.record_mandate_outcome('aaaaaaaa-0000-4000-8000-00000000000a', (SELECT a1 FROM m), true, 'MR1', '');
SELECT internal.add_card('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a2', 'visa', '4242', 12, 2030,
                         'cus_62', 'pm_62', true);
UPDATE kassa.customers SET auto_pay = true WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a2';
CREATE TEMP TABLE inv AS SELECT
  pg_temp.issued('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a1', ARRAY[20000], '2026-03-02') AS debit,
  pg_temp.issued('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a2', ARRAY[9000], '2026-03-02') AS card;

-- 2. Debit orders: a return that allows another presentation waits for a retry step.
SELECT isnt(pg_temp.batch('2026-03-02'), NULL, 'the first debit-order run presents A1''s invoice');
SELECT pg_temp.returned((SELECT id FROM kassa.debit_order_batches WHERE submission_date = '2026-03-02'), 2);
SELECT is(pg_temp.batch('2026-03-03'), NULL, 'a debit returned "not provided for" is not presented again on its own');
SELECT is(pg_temp.dun('2026-03-03'), '(2,0)', 'the run of the day after takes the reminder of both invoices');
SELECT is(pg_temp.batch('2026-03-04'), NULL, '... which retries nothing');
SELECT is(pg_temp.dun('2026-03-04'), '(2,0)', 'two days overdue: the notice with a retry is taken');
SELECT is(pg_temp.retry_of((SELECT debit FROM inv), 2), 'debit_order', 'its event says the debit order is presented again');
SELECT is((SELECT retry_step FROM kassa.debit_order_items WHERE invoice_id = (SELECT debit FROM inv)), 2,
  'the returned debit names the step that asked for another presentation');
CREATE TEMP TABLE made AS SELECT pg_temp.batch('2026-03-05') AS id;
SELECT results_eq($$SELECT presentation, amount FROM kassa.debit_order_items WHERE batch_id = (SELECT id FROM made)$$,
  $$VALUES (2, 20000::bigint)$$, 'the next run presents the invoice again, at its amount due');
SELECT pg_temp.returned((SELECT id FROM kassa.debit_order_batches WHERE submission_date = '2026-03-05'), 2);
SELECT is(pg_temp.dun('2026-03-06'), '(2,0)', 'four days overdue: a notice without a retry');
SELECT is(pg_temp.retry_of((SELECT debit FROM inv), 4), 'none', '... says no retry');
SELECT is(pg_temp.batch('2026-03-07'), NULL, '... and the second return is not presented again');
SELECT is(pg_temp.dun('2026-03-08'), '(2,0)', 'six days overdue: a retry again');
UPDATE made SET id = pg_temp.batch('2026-03-08');
SELECT results_eq($$SELECT presentation FROM kassa.debit_order_items WHERE batch_id = (SELECT id FROM made)$$,
  $$VALUES (3)$$, '... the third presentation');
SELECT pg_temp.returned((SELECT id FROM kassa.debit_order_batches WHERE submission_date = '2026-03-08'), 2);
SELECT is(pg_temp.dun('2026-03-10'), '(2,0)', 'eight days overdue: a retry step');
SELECT is(pg_temp.retry_of((SELECT debit FROM inv), 8), 'none', '... retries no debit presented three times');
SELECT is(pg_temp.batch('2026-03-11'), NULL, 'no fourth presentation');

-- 3. Cards: an auto-pay customer's card is charged once per retry step, while it is the latest.
SELECT is(pg_temp.retry_of((SELECT card FROM inv), 2), 'card', 'the card''s events say the card is charged again');
CREATE TEMP TABLE claimed AS SELECT internal.claim_invoice_charge('aaaaaaaa-0000-4000-8000-00000000000a', (SELECT card FROM inv),
                                                                   NULL, 6) AS c;
SELECT is((SELECT c FROM claimed), NULL, 'a retry step that is no longer the invoice''s latest is not charged');
SELECT is(pg_temp.due_retries(), ARRAY[(SELECT card FROM inv) || ' 8'], 'the latest taken retry step is due to be charged');
UPDATE claimed SET c = internal.claim_invoice_charge('aaaaaaaa-0000-4000-8000-00000000000a', (SELECT card FROM inv), NULL, 8);
SELECT results_eq($$SELECT p.provider, p.method, p.amount, p.status, p.dunning_step, p.auto_pay_due_on FROM kassa.payments p
                     WHERE p.id = ((SELECT c FROM claimed) ->> 'payment_id')::uuid$$,
  $$VALUES ('stripe'::text, 'card'::text, 9000::bigint, 'pending'::text, 8, NULL::date)$$,
  'a claim is a pending card payment of the amount due naming the step');
SELECT is(internal.claim_invoice_charge('aaaaaaaa-0000-4000-8000-00000000000a', (SELECT card FROM inv), NULL, 8), NULL,
  'a second claim for the step gets nothing');
SELECT is((SELECT count(*) FROM internal.in_flight_invoice_charges('infinity', 'aaaaaaaa-0000-4000-8000-00000000000a') f
            WHERE f ->> 'payment_id' = (SELECT c FROM claimed) ->> 'payment_id'), 1::bigint,
  'an unanswered retry is asked again after a crash');
SELECT internal.fail_payment('aaaaaaaa-0000-4000-8000-00000000000a', ((SELECT c FROM claimed) ->> 'payment_id')::uuid,
                             'card declined');
SELECT is(pg_temp.due_retries(), '{}'::text[], 'a declined retry is not charged again for its step');

-- 4. Resolving a batch whose upload answer was lost (A3: a debit order, an invoice due today).
INSERT INTO kassa.customers (tenant_id, id, name, email) VALUES
  ('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a3', 'Ayanda A3', 'a3@example.com');
UPDATE m SET a1 = internal.add_payment_method('aaaaaaaa-0000-4000-8000-00000000000a',
  'aaaaaaaa-0000-4000-8000-0000000000a3', 'debit_order', 'FNB', 'current', '62009999999', 'AGR-A3', true);
SELECT internal.record_mandate_request('aaaaaaaa-0000-4000-8000-00000000000a', (SELECT a1 FROM m), 'https://netcash.example/m/3');
SELECT internal.record_mandate_outcome('aaaaaaaa-0000-4000-8000-00000000000a', (SELECT a1 FROM m), true, 'MR3', '');
SELECT pg_temp.travel_to('2026-03-12 08:00+00');
UPDATE inv SET debit = pg_temp.issued('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a3', ARRAY[5000],
                                      '2026-03-12');
CREATE FUNCTION pg_temp.lost(p_day date) RETURNS uuid LANGUAGE plpgsql AS $$
DECLARE
  batch uuid := pg_temp.batch(p_day);
BEGIN
  PERFORM internal.debit_order_batch_uploading('aaaaaaaa-0000-4000-8000-00000000000a', batch,
            ARRAY(SELECT d.id FROM kassa.debit_order_items d WHERE d.batch_id = batch), 'x');
  PERFORM internal.record_debit_order_batch_state('aaaaaaaa-0000-4000-8000-00000000000a', batch, 'upload_unknown',
                                                  p_error => 'timeout');
  RETURN batch;
END $$;
CREATE TEMP TABLE lost AS SELECT pg_temp.lost('2026-03-12') AS id;
GRANT SELECT ON lost TO staff;
SELECT pg_temp.act_as('staff', 'bbbbbbbb-0000-4000-8000-00000000000b');
SELECT throws_ok($$SELECT api.resolve_debit_order_batch((SELECT id FROM lost), false, 'not in the portal')$$, 'P0E07', NULL,
  'another tenant''s batch is not found');
SELECT pg_temp.act_as('staff', 'aaaaaaaa-0000-4000-8000-00000000000a');
SELECT throws_ok($$SELECT api.resolve_debit_order_batch((SELECT id FROM lost), NULL, 'x')$$, 'P0E09', NULL,
  'received is true or false');
SELECT throws_ok($$SELECT api.resolve_debit_order_batch((SELECT id FROM lost), false, '  ')$$, 'P0V03', NULL,
  'a resolution needs a reason');
SELECT results_eq($$SELECT status, resolution FROM api.resolve_debit_order_batch((SELECT id FROM lost), false, 'not in the portal')$$,
  $$VALUES ('failed'::text, 'not in the portal'::text)$$, 'staff record that NetCash never received the batch');
SELECT pg_temp.act_as_owner();
SELECT results_eq($$SELECT d.status, p.status, i.amount_due FROM kassa.debit_order_items d
                     JOIN kassa.payments p ON p.id = d.payment_id JOIN kassa.invoices i ON i.id = d.invoice_id
                    WHERE d.batch_id = (SELECT id FROM lost)$$,
  $$VALUES ('rejected'::text, 'failed'::text, 5000::bigint)$$, '... its debits rejected, their payments failed, the invoice open');
SELECT is((SELECT count(*) FROM audit.log WHERE table_name LIKE '%debit_order_batches' AND actor_sub = 'staff:tap'
              AND new_row ->> 'resolution' = 'not in the portal'), 1::bigint, '... audited by name');
SELECT pg_temp.act_as('staff', 'aaaaaaaa-0000-4000-8000-00000000000a');
SELECT throws_ok($$SELECT api.resolve_debit_order_batch((SELECT id FROM lost), true, 'found it')$$, 'P0E07', NULL,
  'a resolved batch is not resolved again');
SELECT pg_temp.act_as_owner();
UPDATE lost SET id = pg_temp.lost('2026-03-13');
SELECT pg_temp.act_as('staff', 'aaaaaaaa-0000-4000-8000-00000000000a');
SELECT is((api.resolve_debit_order_batch((SELECT id FROM lost), true, 'in the portal, loaded')).status, 'submitted',
  'the invoice is debited again the next day; that batch NetCash has: submitted');
SELECT pg_temp.act_as_owner();
SELECT is(internal.apply_debit_order_result(NULL, 'paid', d.account_reference, 5000, '2026-03-13', 'P-62', NULL, NULL), 'applied',
  '... so its statement result settles the debit')
  FROM kassa.debit_order_items d WHERE d.batch_id = (SELECT id FROM lost);

SELECT * FROM finish();
ROLLBACK;
