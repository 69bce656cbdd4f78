-- The job log becomes the scheduler's queue and memory: a run may be queued (by the scheduler
-- for a schedule slot, or by staff for their tenant) before a runner takes it; a scheduled run
-- names the slot it fulfils, so the scheduler knows what it already did after a restart.
BEGIN;
ALTER TABLE kassa.job_runs
  ADD COLUMN origin    text NOT NULL DEFAULT 'manual'
                       CONSTRAINT job_runs_origin_known CHECK (origin IN ('manual', 'schedule', 'staff')),
  ADD COLUMN slot      timestamptz,
  ADD COLUMN queued_at timestamptz,
  ADD CONSTRAINT job_runs_slot_is_scheduled CHECK ((slot IS NOT NULL) = (origin = 'schedule'));
ALTER TABLE kassa.job_runs DROP CONSTRAINT job_runs_status_check,
  ADD CONSTRAINT job_runs_status_known CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'skipped'));
-- One run per schedule slot (platform jobs: tenant NULL), and one queued run per job and tenant.
CREATE UNIQUE INDEX job_runs_one_per_slot ON kassa.job_runs (job, tenant_id, slot) NULLS NOT DISTINCT
  WHERE slot IS NOT NULL;
CREATE UNIQUE INDEX job_runs_one_queued ON kassa.job_runs (job, tenant_id) NULLS NOT DISTINCT
  WHERE status = 'queued';
CREATE INDEX job_runs_open ON kassa.job_runs (job, id) WHERE status IN ('queued', 'running');
COMMIT;
