BEGIN;
DELETE FROM kassa.job_runs WHERE status = 'queued';
DROP INDEX kassa.job_runs_open, kassa.job_runs_one_queued, kassa.job_runs_one_per_slot;
ALTER TABLE kassa.job_runs DROP CONSTRAINT job_runs_status_known,
  ADD CONSTRAINT job_runs_status_check CHECK (status IN ('running', 'succeeded', 'failed', 'skipped'));
ALTER TABLE kassa.job_runs DROP COLUMN queued_at, DROP COLUMN slot, DROP COLUMN origin;
COMMIT;
