-- Who acts when a job or a bridge acts: the worker names itself for the transaction with
-- internal.act_as, and the audit rows of that transaction carry it; a token's sub wins.
BEGIN;
SELECT plan(8);
\ir helpers/two_tenants.sql
\ir helpers/catalog.sql
\ir helpers/clock.sql
SELECT pg_temp.travel_to('2026-03-01 12:00+00');  -- the story's day: its dates lie in the window

-- A due service in each tenant.
SELECT pg_temp.new_service(1, 1);
SELECT pg_temp.act('aaaaaaaa-0000-4000-8000-00000000d001', 'activate', '2026-03-01');
INSERT INTO kassa.services (tenant_id, id, customer_id, price_version_id, billing_day, installation_address)
VALUES ('bbbbbbbb-0000-4000-8000-00000000000b', 'bbbbbbbb-0000-4000-8000-00000000d001',
        'bbbbbbbb-0000-4000-8000-0000000000b1', 'bbbbbbbb-0000-4000-8000-00000000f100', 1, '1 Lange Strasse');
SELECT internal.service_transition('bbbbbbbb-0000-4000-8000-00000000000b', 'bbbbbbbb-0000-4000-8000-00000000d001',
                                   'activate', 'tap test', '2026-03-01', NULL);
CREATE TEMP TABLE marks (tenant_id uuid, id bigint);
INSERT INTO marks SELECT NULL, coalesce(max(id), 0) FROM audit.log;

-- The invoice run as the worker login, first naming nobody (tenant B), then as the job does,
-- its run named (tenant A).
SET LOCAL SESSION AUTHORIZATION kassa_worker;
SELECT processed FROM internal.invoice_run('2026-03-01', 'bbbbbbbb-0000-4000-8000-00000000000b');
SELECT internal.act_as('job:invoice-run:42');
SELECT processed FROM internal.invoice_run('2026-03-01', 'aaaaaaaa-0000-4000-8000-00000000000a');
RESET SESSION AUTHORIZATION;
CREATE TEMP VIEW run_rows AS SELECT * FROM audit.log WHERE id > (SELECT id FROM marks);

SELECT ok((SELECT count(DISTINCT tenant_id) FROM run_rows WHERE table_name = 'kassa.invoices') = 2,
          'both runs wrote invoices (and their audit rows)');
SELECT results_eq($$SELECT DISTINCT actor_sub, actor_role, db_user FROM run_rows
                     WHERE tenant_id = 'bbbbbbbb-0000-4000-8000-00000000000b'$$,
                  $$VALUES (NULL::text, 'kassa_worker', 'kassa_worker')$$,
                  'naming nobody, the worker''s rows name only the worker role and login');
SELECT results_eq($$SELECT DISTINCT actor_sub, actor_role, db_user FROM run_rows
                     WHERE tenant_id = 'aaaaaaaa-0000-4000-8000-00000000000a'$$,
                  $$VALUES ('job:invoice-run:42', 'kassa_worker', 'kassa_worker')$$,
                  'every audit row of the named run names the job run, the worker role and login');

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

-- A service transition a job makes (dunning suspends) records the same actor in the service's history.
SELECT internal.act_as('job:dunning:7');
SELECT pg_temp.act('aaaaaaaa-0000-4000-8000-00000000d001', 'suspend', '2026-03-01');
SELECT is((SELECT actor FROM kassa.service_actions WHERE service_id = 'aaaaaaaa-0000-4000-8000-00000000d001'
            AND action = 'suspend'), 'job:dunning:7', 'the service history names the job, as the audit log does');

SELECT * FROM finish();
ROLLBACK;
