-- One row per run of a scheduled job. A run spans tenants, so this is platform data (no
-- tenant_id) that only the worker role and DBAs read.
BEGIN;
CREATE TABLE kassa.job_runs (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  job         text NOT NULL,
  as_of       date NOT NULL,
  status      text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'succeeded', 'failed', 'skipped')),
  started_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
  finished_at timestamptz,
  processed   integer NOT NULL DEFAULT 0,
  skipped     integer NOT NULL DEFAULT 0,
  failed      integer NOT NULL DEFAULT 0,
  errors      jsonb NOT NULL DEFAULT '[]',
  detail      jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX job_runs_job_as_of ON kassa.job_runs (job, as_of);
COMMIT;
