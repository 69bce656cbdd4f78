-- The job queue: one queued-or-running run per job and tenant, one run per schedule slot,
-- staff queue only their own tenant's invoice run, dated the tenant's today.
BEGIN;
SELECT plan(11);
\ir helpers/clock.sql
\ir helpers/two_tenants.sql

SELECT pg_temp.travel_to('2026-12-31 22:30+00');  -- already 1 January in Johannesburg
SELECT pg_temp.act_as('staff', 'aaaaaaaa-0000-4000-8000-00000000000a');
-- The API answers the run's uuid; the rest of this file reads the run by its internal id.
CREATE TEMP TABLE asked ON COMMIT DROP AS SELECT api.start_invoice_run() AS public_id, NULL::bigint AS id;
SELECT pg_temp.act_as_owner();
UPDATE asked SET id = (SELECT r.id FROM kassa.job_runs r WHERE r.public_id = asked.public_id);
SELECT results_eq($$SELECT job, tenant_id, as_of, status, origin FROM kassa.job_runs WHERE id = (SELECT id FROM asked)$$,
                  $$VALUES ('invoice-run', 'aaaaaaaa-0000-4000-8000-00000000000a'::uuid, '2027-01-01'::date, 'queued', 'staff')$$,
                  'staff queue their tenant''s invoice run for the tenant''s today');

SELECT pg_temp.act_as('staff', 'aaaaaaaa-0000-4000-8000-00000000000a');
SELECT is(api.start_invoice_run(), (SELECT public_id FROM asked), 'a second request answers the queued run');
SELECT pg_temp.act_as('staff', 'bbbbbbbb-0000-4000-8000-00000000000b');
SELECT isnt(api.start_invoice_run(), (SELECT public_id FROM asked), 'another tenant gets its own run');
SELECT pg_temp.act_as('customer', 'aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a1');
SELECT throws_ok($$SELECT api.start_invoice_run()$$, '42501', NULL, 'customers cannot start an invoice run');
SELECT pg_temp.act_as_owner();

UPDATE kassa.job_runs SET status = 'running' WHERE id = (SELECT id FROM asked);
SELECT is(internal.queue_job_run('invoice-run', 'aaaaaaaa-0000-4000-8000-00000000000a', '2027-01-01', 'staff'),
          (SELECT id FROM asked), 'a running run answers too');
UPDATE kassa.job_runs SET status = 'succeeded' WHERE id = (SELECT id FROM asked);
SELECT isnt(internal.queue_job_run('invoice-run', 'aaaaaaaa-0000-4000-8000-00000000000a', '2027-01-01', 'staff'),
            (SELECT id FROM asked), 'once it has finished, a new run is queued');
INSERT INTO kassa.job_runs (job, as_of, status) VALUES ('ledger-check', '2027-01-01', 'running');
SELECT isnt(internal.queue_job_run('ledger-check', NULL, '2027-01-01', 'schedule', '2026-12-31 01:30+00'),
            (SELECT max(id) FROM kassa.job_runs WHERE origin = 'manual'), 'a run by hand does not stand for a scheduled one');

UPDATE kassa.job_runs SET status = 'succeeded' WHERE job = 'ledger-check';
SELECT throws_ok($$INSERT INTO kassa.job_runs (job, as_of, status, origin, slot)
                   VALUES ('ledger-check', '2026-12-31', 'succeeded', 'schedule', '2026-12-31 01:30+00')$$,
                 '23505', NULL, 'a schedule slot runs once');
SELECT throws_ok($$INSERT INTO kassa.job_runs (job, as_of, origin) VALUES ('ledger-check', '2026-12-31', 'schedule')$$,
                 '23514', NULL, 'a scheduled run names its slot');
SELECT throws_ok($$SELECT internal.queue_job_run('ledger-check', NULL, '2027-01-01', 'manual')$$,
                 'P0J10', 'job runs are queued by the schedule or by staff, not "manual"', 'the queue knows its origins');

UPDATE kassa.job_runs SET status = 'running' WHERE status = 'queued';
SELECT is(internal.fail_interrupted_job_runs(), 2, 'runs a stopped scheduler left running are marked failed');

SELECT * FROM finish();
ROLLBACK;
