-- A job run names the tenant it ran for (NULL: a platform-wide run over every tenant), so
-- staff can read their own tenant's runs (api.job_runs). Its keys then include tenant_id like
-- every tenant table's; ids stay unique by their identity. as_of NULL: a platform-wide run
-- that took each tenant's own date (internal.tenant_today).
BEGIN;
ALTER TABLE kassa.job_runs ADD COLUMN IF NOT EXISTS tenant_id uuid REFERENCES kassa.tenants (id),
  ALTER COLUMN as_of DROP NOT NULL,
  DROP CONSTRAINT job_runs_pkey,
  ADD CONSTRAINT job_runs_key UNIQUE NULLS NOT DISTINCT (tenant_id, id);
CREATE INDEX job_runs_id ON kassa.job_runs (id);
COMMIT;
