-- Money RPCs and the invoice run take a client request id: the same id with the same arguments answers the first
-- result without applying twice; with other arguments it is refused (P0Q01). Kept 30 days.
BEGIN;
SELECT plan(23);
\ir helpers/clock.sql
\ir helpers/invoices.sql
\ir helpers/two_tenants.sql
\ir helpers/catalog.sql

SELECT pg_temp.act_as('staff', 'aaaaaaaa-0000-4000-8000-00000000000a');
CREATE TEMP TABLE first_answer AS
  SELECT api.adjust_balance('aaaaaaaa-0000-4000-8000-0000000000a1', 5000, 'goodwill credit', 'adj-1') AS id;
SELECT is(api.adjust_balance('aaaaaaaa-0000-4000-8000-0000000000a1', 5000, 'goodwill credit', 'adj-1'),
          (SELECT id FROM first_answer), 'a retried adjustment answers the first result');
SELECT throws_ok($$SELECT api.adjust_balance('aaaaaaaa-0000-4000-8000-0000000000a1', 6000, 'goodwill credit', 'adj-1')$$,
                 'P0Q01', 'request_id adj-1 was already used for another call', 'the same id for another call is refused');
SELECT throws_ok($$SELECT api.refund_payment(gen_random_uuid(), 100, 'typo', 'adj-1')$$,
                 'P0Q01', 'request_id adj-1 was already used for another call', 'and so is the same id for another operation');
SELECT throws_ok($$SELECT api.adjust_balance('aaaaaaaa-0000-4000-8000-0000000000a1', 5000, 'goodwill credit', '  ')$$,
                 'P0Q02', 'a request_id has 1 to 200 characters', 'a blank request id is refused');

CREATE TEMP TABLE paid AS SELECT api.record_manual_payment('aaaaaaaa-0000-4000-8000-0000000000a1', 20000, 'eft',
  'EFT received', NULL, 'pay-1') AS id;
SELECT is(api.record_manual_payment('aaaaaaaa-0000-4000-8000-0000000000a1', 20000, 'eft', 'EFT received', NULL, 'pay-1'),
          (SELECT id FROM paid), 'a retried manual payment without a reference answers the first payment');
CREATE TEMP TABLE refunded AS SELECT api.refund_payment((SELECT id FROM paid), 3000, 'partly returned', 'rf-1') AS id;
SELECT is(api.refund_payment((SELECT id FROM paid), 3000, 'partly returned', 'rf-1'), (SELECT id FROM refunded),
          'a retried refund answers the first refund');
SELECT pg_temp.act_as_owner();

SELECT is((SELECT count(*)::int FROM kassa.balance_adjustments WHERE tenant_id = 'aaaaaaaa-0000-4000-8000-00000000000a'), 1,
          'one adjustment');
SELECT is((SELECT count(*)::int FROM kassa.payments WHERE tenant_id = 'aaaaaaaa-0000-4000-8000-00000000000a'), 1, 'one payment');
SELECT is((SELECT amount_refunded FROM kassa.payments WHERE id = (SELECT id FROM paid)), 3000::bigint, 'refunded once');
SELECT is((SELECT balance FROM kassa.billing_accounts WHERE customer_id = 'aaaaaaaa-0000-4000-8000-0000000000a1'),
          (5000 + 20000 - 3000)::bigint, 'the balance moved once for each call');

-- The invoice run: a retry answers the first call's run, even when that run has finished and
-- a call without a request id would queue the next one.
SELECT pg_temp.act_as('staff', 'aaaaaaaa-0000-4000-8000-00000000000a');
CREATE TEMP TABLE started AS SELECT api.start_invoice_run('run-1') AS id;
SELECT pg_temp.act_as_owner();
UPDATE kassa.job_runs SET status = 'succeeded', finished_at = now() WHERE id = (SELECT id FROM started);
SELECT pg_temp.act_as('staff', 'aaaaaaaa-0000-4000-8000-00000000000a');
SELECT is(api.start_invoice_run('run-1'), (SELECT id FROM started), 'a retried invoice run answers the first run');
SELECT isnt(api.start_invoice_run(), (SELECT id FROM started), 'while a call without a request id queues a new run');
SELECT throws_ok($$SELECT api.start_invoice_run('adj-1')$$,
                 'P0Q01', 'request_id adj-1 was already used for another call', 'an invoice run under a money call''s id is refused');
SELECT throws_ok($$SELECT api.adjust_balance('aaaaaaaa-0000-4000-8000-0000000000a1', 5000, 'goodwill credit', 'run-1')$$,
                 'P0Q01', 'request_id run-1 was already used for another call', 'and a money call under an invoice run''s id');
SELECT throws_ok($$SELECT api.start_invoice_run('')$$, 'P0Q02', 'a request_id has 1 to 200 characters',
                 'an empty request id is refused');
SELECT pg_temp.act_as_owner();
SELECT is((SELECT count(*)::int FROM kassa.job_runs WHERE tenant_id = 'aaaaaaaa-0000-4000-8000-00000000000a'), 2,
          'two runs: the first call''s (answered twice) and the one without a request id');

-- Documents and services: a retry answers the document or service as it is now.
CREATE TEMP TABLE draft AS SELECT pg_temp.draft('aaaaaaaa-0000-4000-8000-00000000000a',
  'aaaaaaaa-0000-4000-8000-0000000000a2', ARRAY[11500]::bigint[]) AS id;
GRANT SELECT ON draft TO staff;
SELECT pg_temp.new_service(1);
SELECT pg_temp.act_as('staff', 'aaaaaaaa-0000-4000-8000-00000000000a');
SELECT is((api.finalise_invoice((SELECT id FROM draft), NULL, 'fin-1')).number,
          (api.finalise_invoice((SELECT id FROM draft), NULL, 'fin-1')).number,
          'a retried finalise answers the invoice, not "already finalised"');
CREATE TEMP TABLE note AS SELECT (api.create_credit_note((SELECT id FROM draft), 'goodwill', 'balance',
  jsonb_build_array(jsonb_build_object('invoice_line_id', (pg_temp.lines((SELECT id FROM draft)))[1], 'amount', 1000)),
  NULL, 'cn-1')).id;
SELECT is((api.create_credit_note((SELECT id FROM draft), 'goodwill', 'balance',
  jsonb_build_array(jsonb_build_object('invoice_line_id', (pg_temp.lines((SELECT id FROM draft)))[1], 'amount', 1000)),
  NULL, 'cn-1')).id, (SELECT id FROM note), 'a retried credit note answers the first note');
SELECT is((api.void_invoice((SELECT id FROM draft), 'wrong customer', NULL, 'void-1')).status,
          (api.void_invoice((SELECT id FROM draft), 'wrong customer', NULL, 'void-1')).status,
          'a retried void answers the void invoice, not "already void"');
SELECT is((api.activate_service('aaaaaaaa-0000-4000-8000-00000000d001', 'installed', NULL, 'act-1')).status,
          (api.activate_service('aaaaaaaa-0000-4000-8000-00000000d001', 'installed', NULL, 'act-1')).status,
          'a retried activation answers the active service');
SELECT is((api.add_fee('aaaaaaaa-0000-4000-8000-00000000d001', 'aaaaaaaa-0000-4000-8000-00000000f999', 1, 'fee-1')).id,
          (api.add_fee('aaaaaaaa-0000-4000-8000-00000000d001', 'aaaaaaaa-0000-4000-8000-00000000f999', 1, 'fee-1')).id,
          'a retried fee answers the first charge');
SELECT pg_temp.act_as_owner();
SELECT results_eq($$SELECT (SELECT count(*) FROM kassa.credit_notes WHERE invoice_id = (SELECT id FROM draft)),
                           (SELECT count(*) FROM kassa.pending_charges WHERE service_id = 'aaaaaaaa-0000-4000-8000-00000000d001'
                               AND kind = 'one_off'),
                           (SELECT count(*) FROM kassa.service_actions WHERE service_id = 'aaaaaaaa-0000-4000-8000-00000000d001')$$,
                  $$VALUES (2::bigint, 1::bigint, 1::bigint)$$,
                  'one goodwill note plus the void''s, one fee, one activation');

-- Answers are kept 30 days: a month and a day later, the next remembered call clears them.
SELECT pg_temp.travel_to(now() + interval '31 days');
SELECT pg_temp.act_as('staff', 'aaaaaaaa-0000-4000-8000-00000000000a');
SELECT api.adjust_balance('aaaaaaaa-0000-4000-8000-0000000000a1', -100, 'bank charges', 'adj-2');
SELECT pg_temp.act_as_owner();
SELECT results_eq($$SELECT request_id FROM kassa.request_results WHERE tenant_id = 'aaaaaaaa-0000-4000-8000-00000000000a'$$,
                  $$VALUES ('adj-2')$$, 'answers older than 30 days are gone');

SELECT * FROM finish();
ROLLBACK;
