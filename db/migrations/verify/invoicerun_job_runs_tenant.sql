SELECT id, tenant_id, as_of FROM kassa.job_runs WHERE false;
