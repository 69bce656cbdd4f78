-- Safe retries of money RPCs. A client passes `request_id` (its own id of this attempt); the
-- RPC first asks internal.replayed: a request id already answered with the same operation and
-- arguments returns the stored answer (the caller returns it unchanged), one used for another
-- call is refused (P0Q01), a new one returns NULL and the RPC goes on, then stores its answer
-- with internal.remember in the same transaction. An advisory lock on the request id makes a
-- concurrent duplicate wait for the first and then find its answer. Answers are kept 30 days.

CREATE OR REPLACE FUNCTION internal.replayed(p_tenant uuid, p_request_id text, p_operation text, p_arguments jsonb)
RETURNS jsonb
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  earlier kassa.request_results;
BEGIN
  IF p_request_id IS NULL THEN
    RETURN NULL;
  END IF;
  IF length(p_request_id) NOT BETWEEN 1 AND 200 OR internal.is_blank(p_request_id) THEN
    PERFORM internal.raise_error('P0Q02', 'a request_id has 1 to 200 characters');
  END IF;
  PERFORM pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended(p_tenant::text || '/' || p_request_id, 0));
  SELECT * INTO earlier FROM kassa.request_results r WHERE r.tenant_id = p_tenant AND r.request_id = p_request_id;
  IF NOT FOUND THEN
    RETURN NULL;
  END IF;
  IF earlier.operation <> p_operation OR earlier.arguments <> p_arguments THEN
    PERFORM internal.raise_error('P0Q01', format('request_id %s was already used for another call', p_request_id),
      format('first used for %s with %s', earlier.operation, earlier.arguments),
      'A request id names one attempt: retry with the same arguments, or use a new id for a new call.');
  END IF;
  RETURN earlier.result;
END $$;

CREATE OR REPLACE FUNCTION internal.remember(p_tenant uuid, p_request_id text, p_operation text, p_arguments jsonb,
                                             p_result jsonb) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  kept_since constant timestamptz := internal.clock_now() - interval '30 days';
BEGIN
  IF p_request_id IS NULL THEN
    RETURN;
  END IF;
  INSERT INTO kassa.request_results (tenant_id, request_id, operation, arguments, result, created_at)
  VALUES (p_tenant, p_request_id, p_operation, p_arguments, coalesce(p_result, 'null'), internal.clock_now());
  DELETE FROM kassa.request_results r WHERE r.tenant_id = p_tenant AND r.created_at < kept_since;
END $$;

-- Called by security definer RPCs only: no grants.
ALTER TABLE kassa.request_results ENABLE ROW LEVEL SECURITY;
