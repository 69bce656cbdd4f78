-- Who is asking: the PostgREST JWT claims (a JSON GUC in PostgREST 12), and the pre-request
-- check that refuses inconsistent tokens before any query runs.

-- The claim readers run in every policy of every request, so they stay plain SQL functions
-- without a SET clause (a SET makes each call save and restore settings, and stops the planner
-- from inlining them; bench/postgrest_rls.py measured it). They are security invoker and name
-- everything fully qualified, so no pinned search_path is needed.
CREATE OR REPLACE FUNCTION internal.jwt_claims() RETURNS json
LANGUAGE sql STABLE AS $$
  SELECT coalesce(nullif(pg_catalog.current_setting('request.jwt.claims', true), ''), '{}')::json
$$;

-- A claim that is not a well-formed uuid reads as NULL (and the request check refuses it).
CREATE OR REPLACE FUNCTION internal.jwt_tenant_id() RETURNS uuid
LANGUAGE sql STABLE AS $$
  SELECT CASE WHEN internal.jwt_claims() ->> 'tenant_id' ~* '^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$'
              THEN (internal.jwt_claims() ->> 'tenant_id')::uuid END
$$;

CREATE OR REPLACE FUNCTION internal.jwt_customer_id() RETURNS uuid
LANGUAGE sql STABLE AS $$
  SELECT CASE WHEN internal.jwt_claims() ->> 'customer_id' ~* '^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$'
              THEN (internal.jwt_claims() ->> 'customer_id')::uuid END
$$;

-- PostgREST's db-pre-request: runs as the token's role before every request.
CREATE OR REPLACE FUNCTION internal.check_request() RETURNS void
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  claims   json := internal.jwt_claims();
  tenant   uuid := internal.jwt_tenant_id();
  customer uuid := internal.jwt_customer_id();
  -- The role PostgREST switched to (current_user is this function's owner).
  api_role text := current_setting('role');
BEGIN
  IF api_role = 'anon' THEN
    RETURN;  -- anonymous requests see nothing: no grants beyond the API's public parts
  END IF;
  IF tenant IS NULL THEN
    RAISE insufficient_privilege USING message = 'token has no valid tenant_id claim',
      hint = 'Issue tokens with `kassa token --role ROLE --tenant UUID`.';
  END IF;
  IF NOT EXISTS (SELECT FROM kassa.tenants t WHERE t.id = tenant AND t.status = 'active') THEN
    RAISE insufficient_privilege USING message = 'tenant is unknown or not active',
      detail = format('tenant_id %s', tenant);
  END IF;
  IF api_role = 'customer' THEN
    IF customer IS NULL THEN
      RAISE insufficient_privilege USING message = 'customer token has no valid customer_id claim';
    END IF;
    IF NOT EXISTS (SELECT FROM kassa.customers c
                    WHERE c.tenant_id = tenant AND c.id = customer AND c.status <> 'closed') THEN
      RAISE insufficient_privilege USING message = 'customer is unknown in this tenant or closed',
        detail = format('customer_id %s', customer);
    END IF;
  ELSIF claims ->> 'customer_id' IS NOT NULL THEN
    RAISE insufficient_privilege USING message = 'only customer tokens carry a customer_id claim';
  END IF;
END $$;

GRANT EXECUTE ON FUNCTION internal.jwt_claims(), internal.jwt_tenant_id(), internal.jwt_customer_id(),
  internal.check_request() TO anon, customer, staff;
