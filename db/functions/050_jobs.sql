-- The job log: written by the jobs (through the functions of 890_worker.sql), read by DBAs;
-- staff read their own tenant's runs (api.job_runs), customers none. Platform-wide runs
-- (tenant_id NULL) only DBAs see.
SELECT internal.allow('staff', 'SELECT', internal.tenant_rows(), 'kassa.job_runs');
GRANT SELECT ON kassa.job_runs TO staff;

-- A crash's traceback (in detail) is for DBAs: it names the machine's paths.
CREATE VIEW api.job_runs WITH (security_invoker = true) AS
  SELECT public_id AS id, job, tenant_id, as_of, status, origin, queued_at, started_at, finished_at, processed, skipped,
         failed, errors, detail - 'traceback' AS detail
    FROM kassa.job_runs;
GRANT SELECT ON api.job_runs TO staff;
