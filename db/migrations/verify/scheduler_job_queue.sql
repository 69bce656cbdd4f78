SELECT id, origin, slot, queued_at FROM kassa.job_runs WHERE false;
