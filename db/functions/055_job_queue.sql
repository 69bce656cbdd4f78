-- The job queue: runs wait in kassa.job_runs with status 'queued' until the scheduler
-- (jobs/scheduler.py) hands them to the job runner. The scheduler queues one run per schedule
-- slot; staff queue their own tenant's invoice run with api.start_invoice_run(). A NOTIFY on
-- kassa_job_queue wakes the scheduler (it also polls, so a lost notification only delays).

-- Queues a run of p_job (for p_tenant, or the whole platform when NULL) unless one of the
-- scheduler's runs of that job and tenant is queued or running: then that run's id is the
-- answer, so two requests never make two runs. Returns the run's id.
CREATE OR REPLACE FUNCTION internal.queue_job_run(p_job text, p_tenant uuid, p_as_of date, p_origin text,
                                                  p_slot timestamptz DEFAULT NULL)
RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  run_id bigint;
BEGIN
  IF p_origin NOT IN ('schedule', 'staff') THEN
    PERFORM internal.raise_error('P0J10', format('job runs are queued by the schedule or by staff, not "%s"', p_origin));
  END IF;
  -- Concurrent requests for the same job and tenant queue one after the other.
  PERFORM pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('kassa.job_queue'),
                                           pg_catalog.hashtext(p_job || '/' || coalesce(p_tenant::text, '')));
  SELECT r.id INTO run_id FROM kassa.job_runs r
   WHERE r.job = p_job AND r.tenant_id IS NOT DISTINCT FROM p_tenant
     AND r.status IN ('queued', 'running') AND r.origin <> 'manual'
   ORDER BY r.id LIMIT 1;
  IF run_id IS NULL THEN
    INSERT INTO kassa.job_runs (job, as_of, tenant_id, status, origin, slot, queued_at)
    VALUES (p_job, p_as_of, p_tenant, 'queued', p_origin, p_slot, pg_catalog.clock_timestamp())
    RETURNING id INTO run_id;
    PERFORM pg_catalog.pg_notify('kassa_job_queue', run_id::text);
  END IF;
  RETURN run_id;
END $$;

-- The scheduler's runs that a previous scheduler left running when it stopped (only one
-- scheduler runs at a time, so nothing else is running them): marked failed, so they do not
-- stand for a run in progress. Called by the scheduler once it holds its lock.
CREATE OR REPLACE FUNCTION internal.fail_interrupted_job_runs() RETURNS integer
LANGUAGE sql SECURITY DEFINER SET search_path = '' AS $$
  WITH interrupted AS (
    UPDATE kassa.job_runs r SET status = 'failed', finished_at = pg_catalog.clock_timestamp(),
           failed = r.failed + 1, errors = r.errors || '["interrupted: the scheduler stopped during this run"]'::jsonb
     WHERE r.status = 'running' AND r.origin <> 'manual'
    RETURNING 1)
  SELECT count(*)::int FROM interrupted
$$;

-- "Generate invoices now": the staff's own tenant's invoice run for its today, queued; answers
-- at once with the run's id (the scheduler runs it; GET /job_runs shows how it went). With a
-- request_id a retry answers the first call's run even once that run has finished, when a call
-- without one would queue another (060_request_results.sql; plpgsql: that file comes later).
CREATE OR REPLACE FUNCTION api.start_invoice_run(request_id text DEFAULT NULL) RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  tenant uuid := internal.jwt_tenant_id();
  answer jsonb := internal.replayed(tenant, request_id, 'start_invoice_run', '{}');
BEGIN
  IF answer IS NULL THEN
    answer := to_jsonb(internal.queue_job_run('invoice-run', tenant, internal.tenant_today(tenant), 'staff'));
    PERFORM internal.remember(tenant, request_id, 'start_invoice_run', '{}', answer);
  END IF;
  RETURN answer::bigint;
END $$;

GRANT EXECUTE ON FUNCTION api.start_invoice_run(text) TO staff;
