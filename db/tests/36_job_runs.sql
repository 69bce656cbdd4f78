-- The job log: staff read their own tenant's runs (api.job_runs), not another tenant's and not
-- the runs over every tenant; customers read none; only the worker writes.
BEGIN;
SELECT plan(7);
\ir helpers/two_tenants.sql

INSERT INTO kassa.job_runs (job, as_of, tenant_id, status, detail)
VALUES ('invoice-run', '2026-03-01', 'aaaaaaaa-0000-4000-8000-00000000000a', 'succeeded',
        '{"invoices": 2, "traceback": "File /srv/kassa/jobs/invoice_run.py"}'),
       ('invoice-run', '2026-03-01', 'bbbbbbbb-0000-4000-8000-00000000000b', 'failed', '{}'),
       ('ledger-check', NULL, NULL, 'succeeded', '{}');

SELECT pg_temp.act_as('staff', 'aaaaaaaa-0000-4000-8000-00000000000a');
SELECT is((SELECT array_agg(job || ' ' || tenant_id || ' ' || status) FROM api.job_runs),
          ARRAY['invoice-run aaaaaaaa-0000-4000-8000-00000000000a succeeded'],
          'staff see their tenant''s runs only (not another tenant''s, not the platform''s)');
SELECT is((SELECT detail FROM api.job_runs), '{"invoices": 2}'::jsonb, 'the counts, not a crash''s traceback');
SELECT throws_ok($$UPDATE api.job_runs SET status = 'failed'$$, '42501', NULL, 'staff cannot change a run');
SELECT throws_ok($$INSERT INTO kassa.job_runs (job, as_of, tenant_id) VALUES ('invoice-run', '2026-03-02',
                   'aaaaaaaa-0000-4000-8000-00000000000a')$$, '42501', NULL, 'staff cannot log a run');

SELECT pg_temp.act_as('customer', 'aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a1');
SELECT throws_ok($$SELECT * FROM api.job_runs$$, '42501', NULL, 'customers read no runs');

SELECT pg_temp.act_as_owner();
SELECT throws_ok($$INSERT INTO kassa.job_runs (job, as_of, tenant_id) VALUES ('invoice-run', '2026-03-02',
                   '00000000-0000-4000-8000-000000000000')$$, '23503', NULL, 'a run names a known tenant');
SELECT is((SELECT count(*) FROM kassa.job_runs WHERE job = 'ledger-check' AND tenant_id IS NULL), 1::bigint,
          'a run over every tenant has no tenant');

SELECT * FROM finish();
ROLLBACK;
