BEGIN;
DROP TABLE kassa.job_runs;
COMMIT;
