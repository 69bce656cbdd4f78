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

-- Is this token (already verified: signature, expiry) acceptable for this role? Raises
-- insufficient_privilege (HTTP 401/403) with the reason when not. PostgREST runs it before
-- every request (check_request); the bridges and the SSE gateway call it for their tokens.
CREATE OR REPLACE FUNCTION internal.check_claims(claims json, api_role text) RETURNS void
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  uuid_format constant text := '^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$';
  max_lifetime_s constant int := 24 * 3600 + 60;  -- a day, plus a minute of clock skew
  tenant   uuid := CASE WHEN claims ->> 'tenant_id' ~* uuid_format THEN (claims ->> 'tenant_id')::uuid END;
  customer uuid := CASE WHEN claims ->> 'customer_id' ~* uuid_format THEN (claims ->> 'customer_id')::uuid END;
  staff_user uuid := CASE WHEN claims ->> 'staff_user_id' ~* uuid_format THEN (claims ->> 'staff_user_id')::uuid END;
  api_key  uuid := CASE WHEN claims ->> 'api_key_id' ~* uuid_format THEN (claims ->> 'api_key_id')::uuid END;
BEGIN
  IF api_role = 'anon' THEN
    RETURN;  -- anonymous requests see nothing: no grants beyond the API's public parts
  END IF;
  -- An API token is meant for the API and expires within a day (bridge/claims.py holds the
  -- bridges to the same rules). PostgREST has already refused a past expiry and another
  -- audience; a token without either would otherwise live for ever.
  IF NOT (claims -> 'aud' IS NOT NULL
          AND (claims ->> 'aud' = 'kassa-api'
               OR (json_typeof(claims -> 'aud') = 'array'
                   AND EXISTS (SELECT FROM json_array_elements_text(claims -> 'aud') a WHERE a = 'kassa-api')))) THEN
    RAISE insufficient_privilege USING message = 'token is not an API token (audience "kassa-api" required)',
      hint = 'Issue API tokens with `kassa token`.';
  END IF;
  IF json_typeof(claims -> 'exp') IS DISTINCT FROM 'number' THEN
    RAISE insufficient_privilege USING message = 'token has no exp claim: API tokens must expire';
  END IF;
  IF (claims ->> 'exp')::numeric > extract(epoch FROM pg_catalog.now()) + max_lifetime_s THEN
    RAISE insufficient_privilege USING message = 'token expires more than 24 hours ahead',
      hint = 'API tokens live at most 24 hours; issue a fresh one instead.';
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
  IF claims -> 'api_key_id' IS NOT NULL THEN
    -- The token of an API key (db/functions/720_api_keys_oidc.sql) is held to the key's row: a
    -- revoked or expired key ends its tokens at their next request, and the token has exactly
    -- the key's role (a staff role, or its customer).
    IF api_key IS NULL OR claims ->> 'sub' IS DISTINCT FROM 'api-key:' || api_key
       OR claims ->> 'staff_user_id' IS NOT NULL THEN
      RAISE insufficient_privilege USING
        message = 'an API key''s token has the subject api-key:<api_key_id> and names no staff user';
    ELSIF NOT EXISTS (SELECT FROM kassa.api_keys k
                       WHERE k.tenant_id = tenant AND k.id = api_key AND k.revoked_at IS NULL
                         AND k.expires_at > internal.clock_now()
                         AND CASE api_role WHEN 'staff' THEN k.staff_role = claims ->> 'staff_role'
                                           WHEN 'customer' THEN k.customer_id = customer AND claims -> 'staff_role' IS NULL
                             END) THEN
      RAISE insufficient_privilege USING message = 'API key is unknown in this tenant, revoked, expired, or not of this role',
        detail = format('api_key_id %s', api_key), hint = 'Exchange a valid key for a new token (POST /auth/api-key).';
    END IF;
    RETURN;
  ELSIF claims ->> 'staff_user_id' IS NULL AND claims ->> 'staff_role' IS NULL THEN
    RETURN;  -- no staff user: a customer, or a staff token of the tenant (an admin)
  ELSIF api_role <> 'staff' THEN
    RAISE insufficient_privilege USING message = 'only staff tokens carry staff_user_id and staff_role claims';
  ELSIF staff_user IS NULL OR claims ->> 'staff_role' IS NULL THEN
    RAISE insufficient_privilege USING message = 'a staff token names its staff user with both staff_user_id and staff_role',
      hint = 'Issue tokens with `kassa token --role staff --tenant UUID --staff-user UUID`.';
  ELSIF claims ->> 'sub' IS DISTINCT FROM 'staff:' || staff_user THEN
    RAISE insufficient_privilege USING message = 'a staff user''s token has the subject staff:<staff_user_id>';
  ELSIF NOT EXISTS (SELECT FROM kassa.staff_users s
                     WHERE s.tenant_id = tenant AND s.id = staff_user AND s.status = 'active'
                       AND s.role = claims ->> 'staff_role') THEN
    -- A demotion or a disabled user ends the tokens issued before it at once.
    RAISE insufficient_privilege USING message = 'staff user is unknown in this tenant, disabled, or no longer has this role',
      detail = format('staff_user_id %s, staff_role %s', staff_user, claims ->> 'staff_role'),
      hint = 'Issue a new token for the staff user''s current role.';
  END IF;
END $$;

-- PostgREST's db-pre-request: runs as the token's role before every request
-- (current_setting('role') is that role; current_user would be this function's owner). First the
-- token, then what the request asks of a staff role (db/functions/105_staff.sql).
CREATE OR REPLACE FUNCTION internal.check_request() RETURNS void
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = '' AS $$
BEGIN
  PERFORM internal.check_claims(internal.jwt_claims(), current_setting('role'));
  PERFORM internal.require_staff_action(internal.jwt_claims(),
    internal.request_action(current_setting('request.method', true), current_setting('request.path', true)));
END $$;

-- Tokens already handed out stay valid until they expire, and an open SSE stream outlives the
-- request check that let it in: when a tenant is suspended or a customer closed, this tells
-- the gateway (channel kassa_access; customer NULL: every stream of the tenant) to end them.
CREATE OR REPLACE FUNCTION internal.notify_access_ended(p_tenant uuid, p_customer uuid) RETURNS void
LANGUAGE sql VOLATILE SET search_path = '' AS $$
  SELECT pg_catalog.pg_notify('kassa_access', pg_catalog.json_build_object('tenant_id', p_tenant, 'customer_id', p_customer)::text)
$$;

GRANT EXECUTE ON FUNCTION internal.jwt_claims(), internal.jwt_tenant_id(), internal.jwt_customer_id(),
  internal.check_request() TO anon, customer, staff;
