BEGIN;
DROP INDEX kassa.job_runs_id;
UPDATE kassa.job_runs SET as_of = (started_at AT TIME ZONE 'UTC')::date WHERE as_of IS NULL;
ALTER TABLE kassa.job_runs DROP CONSTRAINT job_runs_key,
  ADD PRIMARY KEY (id),
  ALTER COLUMN as_of SET NOT NULL,
  DROP COLUMN IF EXISTS tenant_id;
COMMIT;
