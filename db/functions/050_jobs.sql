-- The job log is platform data: written by the worker role (jobs), read by DBAs.
ALTER TABLE kassa.job_runs ENABLE ROW LEVEL SECURITY;
GRANT SELECT, INSERT, UPDATE ON kassa.job_runs TO kassa_worker;
