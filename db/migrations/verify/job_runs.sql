SELECT id, job, as_of, status, processed, skipped, failed, errors FROM kassa.job_runs WHERE false;
