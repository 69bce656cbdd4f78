-- Who acts when a job or a bridge acts: the worker names itself for the transaction with
-- internal.act_as, and the audit rows of that transaction carry it; a token's sub wins.
BEGIN;
SELECT plan(6);
\ir helpers/two_tenants.sql
\ir helpers/catalog.sql

SELECT pg_temp.new_service(1, 1);
SELECT pg_temp.act('aaaaaaaa-0000-4000-8000-00000000d001', 'activate', '2026-03-01');
CREATE TEMP TABLE before_run AS SELECT coalesce(max(id), 0) AS id FROM audit.log;

-- The invoice-run job as it runs: the worker login, its run named, then the run itself.
SET LOCAL SESSION AUTHORIZATION kassa_worker;
SELECT internal.act_as('job:invoice-run:42');
SELECT processed FROM internal.invoice_run('2026-03-01', 'aaaaaaaa-0000-4000-8000-00000000000a');
RESET SESSION AUTHORIZATION;

SELECT ok((SELECT count(*) FROM audit.log WHERE id > (SELECT id FROM before_run) AND table_name = 'kassa.invoices') > 0,
          'the run wrote invoices (and their audit rows)');
SELECT results_eq($$SELECT DISTINCT actor_sub, actor_role, db_user FROM audit.log WHERE id > (SELECT id FROM before_run)$$,
                  $$VALUES ('job:invoice-run:42', 'kassa_worker', 'kassa_worker')$$,
                  'every audit row of the run names the job run, the worker role and login');

-- A token's sub (a staff member acting through a bridge) wins over a named actor.
SELECT internal.act_as('webhook:stripe:evt_1');
SELECT pg_temp.act_as('staff', 'aaaaaaaa-0000-4000-8000-00000000000a');
UPDATE api.customers SET phone = '+27 82 000 0042' WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a1';
SELECT pg_temp.act_as_owner();
SELECT results_eq($$SELECT actor_sub, actor_role FROM audit.log WHERE table_name = 'kassa.customers'
                     AND new_row ->> 'phone' = '+27 82 000 0042'$$,
                  $$VALUES ('staff:tap', 'staff')$$, 'the token''s sub wins over the named actor');

SELECT throws_ok($$SELECT internal.act_as('someone')$$, 'P0K01', '"someone" does not name an actor',
                 'an actor is kind:name:id');
SELECT throws_ok($$SELECT internal.act_as(NULL)$$, 'P0K01', NULL, 'no actor is no actor');

-- The setting lasts for the transaction only: a rolled-back subtransaction takes it back.
SAVEPOINT named;
SELECT internal.act_as('job:ledger-check:7');
ROLLBACK TO SAVEPOINT named;
SELECT is(current_setting('kassa.actor', true), 'webhook:stripe:evt_1', 'act_as is undone with its (sub)transaction');

SELECT * FROM finish();
ROLLBACK;
