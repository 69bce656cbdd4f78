SELECT id, tenant_id, origin, slot, queued_at FROM kassa.job_runs WHERE false;
