-- API keys and single sign-on (docs/portal.md). An API key is for a system, not a person: a
-- tenant's admin makes one for a staff role of the tenant or for one customer, sees it once,
-- and its holder exchanges it at the bridge (POST /auth/api-key, bridge/api_keys.py) for an
-- API token of at most 15 minutes that internal.check_claims holds to the key's row, so
-- revoking a key ends its tokens at their next request. Only the SHA-256 of a key is kept.
-- A tenant's OpenID Connect providers sign ID tokens the bridge verifies (POST /auth/oidc,
-- bridge/oidc.py); a provider's subject logs in as the identity an admin linked it to.

SELECT internal.allow('staff', 'SELECT', internal.tenant_rows(), 'kassa.api_keys', 'kassa.oidc_providers',
                      'kassa.oidc_links');
SELECT internal.allow('customer', 'SELECT', internal.own_rows(), 'kassa.api_keys');
-- No API role reads a key's hash (column grants).
GRANT SELECT (tenant_id, id, name, staff_role, customer_id, expires_at, last_used_at, created_by, created_at, revoked_at)
  ON kassa.api_keys TO customer, staff;
GRANT SELECT ON kassa.oidc_providers, kassa.oidc_links TO staff;
SELECT internal.audit_table('kassa.api_keys', 'tenant_id', 'id', '!secret_hash', '-last_used_at');
SELECT internal.audit_table('kassa.oidc_providers', 'tenant_id', 'id');
SELECT internal.audit_table('kassa.oidc_links', 'tenant_id', 'provider_id', 'subject');

-- Not the whole row: no API role may read its hash.
CREATE OR REPLACE FUNCTION internal.api_key_status(p_revoked_at timestamptz, p_expires_at timestamptz) RETURNS text
LANGUAGE sql STABLE SET search_path = '' AS $$
  SELECT CASE WHEN p_revoked_at IS NOT NULL THEN 'revoked' WHEN p_expires_at <= internal.clock_now() THEN 'expired'
              ELSE 'active' END
$$;
GRANT EXECUTE ON FUNCTION internal.api_key_status(timestamptz, timestamptz) TO customer, staff;

CREATE VIEW api.api_keys WITH (security_invoker = true) AS
  SELECT k.tenant_id, k.id, k.name, 'kassa_' || replace(k.id::text, '-', '') AS prefix, k.staff_role, k.customer_id,
         internal.api_key_status(k.revoked_at, k.expires_at) AS status, k.expires_at, k.last_used_at, k.created_by, k.created_at, k.revoked_at
    FROM kassa.api_keys k;
GRANT SELECT ON api.api_keys TO customer, staff;

CREATE VIEW api.oidc_providers WITH (security_invoker = true) AS
  SELECT tenant_id, id, name, issuer, audience, jwks_url, created_at FROM kassa.oidc_providers;
CREATE VIEW api.oidc_links WITH (security_invoker = true) AS
  SELECT tenant_id, provider_id, subject, identity_id, created_by, created_at FROM kassa.oidc_links;
GRANT SELECT ON api.oidc_providers, api.oidc_links TO staff;

-- A key could otherwise mint its own successor, or a sign-on that outlives its revocation.
CREATE OR REPLACE FUNCTION internal.refuse_api_key_actor(p_actor text) RETURNS void
LANGUAGE plpgsql IMMUTABLE SET search_path = '' AS $$
BEGIN
  IF p_actor LIKE 'api-key:%' THEN
    PERFORM internal.raise_error('P0K25', 'an API key''s token cannot manage API keys or single sign-on',
      NULL, 'Use a staff user''s token.');
  END IF;
END $$;

-- A new key of the tenant: for a staff role or a customer (exactly one), expiring within a
-- year. The answer carries the key itself (kassa_<id>_<secret>), the only time it is shown.
CREATE OR REPLACE FUNCTION internal.create_api_key(p_tenant uuid, p_name text, p_role text, p_customer uuid,
                                                   p_expires_at timestamptz, p_created_by text)
RETURNS jsonb LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  made kassa.api_keys;
  key  text;
BEGIN
  PERFORM internal.refuse_api_key_actor(p_created_by);
  IF char_length(btrim(coalesce(p_name, ''))) NOT BETWEEN 1 AND 200 THEN
    PERFORM internal.raise_error('P0K21', 'an API key''s name must not be blank and has at most 200 characters');
  ELSIF num_nonnulls(p_role, p_customer) <> 1 OR p_role <> ALL (ARRAY['admin', 'billing', 'support', 'viewer']) THEN
    PERFORM internal.raise_error('P0K22', 'an API key is for either a staff role (admin, billing, support, viewer) or a customer',
      format('role %s, customer_id %s', coalesce(p_role, 'none'), coalesce(p_customer::text, 'none')));
  ELSIF p_customer IS NOT NULL AND NOT EXISTS (SELECT FROM kassa.customers c WHERE c.tenant_id = p_tenant
                                                  AND c.id = p_customer AND c.status <> 'closed') THEN
    PERFORM internal.raise_error('P0K23', 'no such customer of this tenant (or it is closed)',
      format('customer_id %s', p_customer));
  ELSIF p_expires_at IS NULL OR p_expires_at <= internal.clock_now()
        OR p_expires_at > internal.clock_now() + interval '1 year' THEN
    PERFORM internal.raise_error('P0K24', 'an API key expires in the future, within a year',
      format('expires_at %s', coalesce(p_expires_at::text, 'none')), 'Make a new key before this one expires.');
  END IF;
  made.id := pg_catalog.gen_random_uuid();
  key := 'kassa_' || replace(made.id::text, '-', '') || '_'
         || translate(pg_catalog.encode(public.gen_random_bytes(32), 'base64'), '+/=', '-_');
  INSERT INTO kassa.api_keys (tenant_id, id, name, staff_role, customer_id, secret_hash, expires_at, created_by, created_at)
  VALUES (p_tenant, made.id, btrim(p_name), p_role, p_customer, pg_catalog.sha256(convert_to(key, 'UTF8')), p_expires_at,
          left(p_created_by, 200), internal.clock_now())
  RETURNING * INTO made;
  RETURN pg_catalog.jsonb_build_object('id', made.id, 'name', made.name, 'role', made.staff_role,
                                       'customer_id', made.customer_id, 'expires_at', made.expires_at, 'key', key);
END $$;

-- The key ends now, and with it every token it was exchanged for (at their next request).
CREATE OR REPLACE FUNCTION internal.revoke_api_key(p_tenant uuid, p_key uuid, p_actor text) RETURNS jsonb
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  revoked kassa.api_keys;
BEGIN
  PERFORM internal.refuse_api_key_actor(p_actor);
  UPDATE kassa.api_keys k SET revoked_at = coalesce(k.revoked_at, internal.clock_now())
   WHERE k.tenant_id = p_tenant AND k.id = p_key RETURNING * INTO revoked;
  IF revoked.id IS NULL THEN
    PERFORM internal.raise_error('P0K26', 'no such API key of this tenant', format('id %s', p_key));
  END IF;
  RETURN pg_catalog.jsonb_build_object('id', revoked.id, 'revoked_at', revoked.revoked_at);
END $$;

-- POST /auth/api-key: the key of this id and hash (the bridge hashes what it got). Outcome 'ok'
-- (its last use is now), 'unknown' (no such key, or another secret), 'revoked', 'expired',
-- 'unusable' (its tenant is not active, its customer closed).
CREATE OR REPLACE FUNCTION internal.use_api_key(p_key uuid, p_hash bytea)
RETURNS TABLE (outcome text, tenant_id uuid, id uuid, staff_role text, customer_id uuid, expires_at timestamptz)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  k kassa.api_keys;
BEGIN
  SELECT a.* INTO k FROM kassa.api_keys a WHERE a.id = p_key AND a.secret_hash = p_hash;
  outcome := CASE WHEN k.id IS NULL THEN 'unknown' ELSE internal.api_key_status(k.revoked_at, k.expires_at) END;
  IF outcome = 'active' THEN
    outcome := CASE WHEN EXISTS (SELECT FROM kassa.tenants t WHERE t.id = k.tenant_id AND t.status = 'active')
                         AND (k.customer_id IS NULL
                              OR EXISTS (SELECT FROM kassa.customers c WHERE c.tenant_id = k.tenant_id
                                            AND c.id = k.customer_id AND c.status <> 'closed'))
                    THEN 'ok' ELSE 'unusable' END;
  END IF;
  IF outcome = 'ok' THEN
    UPDATE kassa.api_keys a SET last_used_at = internal.clock_now() WHERE a.tenant_id = k.tenant_id AND a.id = k.id;
    RETURN QUERY SELECT outcome, k.tenant_id, k.id, k.staff_role, k.customer_id, k.expires_at;
  ELSE
    RETURN QUERY SELECT outcome, NULL::uuid, NULL::uuid, NULL::text, NULL::uuid, NULL::timestamptz;
  END IF;
END $$;

-- A provider of the tenant: its ID tokens are signed by the keys at jwks_url, name issuer as
-- iss and audience in aud.
CREATE OR REPLACE FUNCTION internal.create_oidc_provider(p_tenant uuid, p_name text, p_issuer text, p_audience text,
                                                         p_jwks_url text, p_actor text)
RETURNS jsonb LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  made kassa.oidc_providers;
BEGIN
  PERFORM internal.refuse_api_key_actor(p_actor);
  IF char_length(btrim(coalesce(p_name, ''))) NOT BETWEEN 1 AND 200
     OR char_length(btrim(coalesce(p_audience, ''))) NOT BETWEEN 1 AND 500
     OR coalesce(p_issuer, '') !~ '^https?://[^\s]+$' OR char_length(p_issuer) > 500
     OR coalesce(p_jwks_url, '') !~ '^https?://[^\s]+$' OR char_length(p_jwks_url) > 1000 THEN
    PERFORM internal.raise_error('P0K31', 'a provider has a name, an audience, and an issuer and a JWKS URL that are URLs',
      hint => 'The issuer is the iss of its ID tokens, the audience their aud (the client id Kassa has there).');
  ELSIF EXISTS (SELECT FROM kassa.oidc_providers p WHERE p.tenant_id = p_tenant AND p.issuer = p_issuer) THEN
    PERFORM internal.raise_error('P0K32', 'this tenant has a provider of this issuer already', format('issuer %s', p_issuer));
  END IF;
  INSERT INTO kassa.oidc_providers (tenant_id, name, issuer, audience, jwks_url, created_at)
  VALUES (p_tenant, btrim(p_name), p_issuer, btrim(p_audience), p_jwks_url, internal.clock_now())
  RETURNING * INTO made;
  RETURN to_jsonb(made);
END $$;

-- The provider's subject (its ID tokens' sub) logs in as this identity of the tenant.
CREATE OR REPLACE FUNCTION internal.link_oidc_subject(p_tenant uuid, p_provider uuid, p_subject text, p_identity uuid,
                                                      p_actor text)
RETURNS jsonb LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  made kassa.oidc_links;
BEGIN
  PERFORM internal.refuse_api_key_actor(p_actor);
  IF NOT EXISTS (SELECT FROM kassa.oidc_providers p WHERE p.tenant_id = p_tenant AND p.id = p_provider) THEN
    PERFORM internal.raise_error('P0K33', 'no such provider of this tenant', format('provider_id %s', p_provider));
  ELSIF NOT EXISTS (SELECT FROM kassa.identities i WHERE i.tenant_id = p_tenant AND i.id = p_identity) THEN
    PERFORM internal.raise_error('P0K34', 'no such identity of this tenant', format('identity_id %s', p_identity),
      'Link an identity of GET /identities.');
  ELSIF char_length(coalesce(p_subject, '')) NOT BETWEEN 1 AND 255
        OR EXISTS (SELECT FROM kassa.oidc_links l WHERE l.tenant_id = p_tenant AND l.provider_id = p_provider
                      AND (l.subject = p_subject OR l.identity_id = p_identity)) THEN
    PERFORM internal.raise_error('P0K35', 'the subject (1 to 255 characters) or the identity is linked with this provider already',
      hint => 'Unlink it first (unlink_oidc_subject).');
  END IF;
  INSERT INTO kassa.oidc_links (tenant_id, provider_id, subject, identity_id, created_by, created_at)
  VALUES (p_tenant, p_provider, p_subject, p_identity, left(p_actor, 200), internal.clock_now())
  RETURNING * INTO made;
  RETURN to_jsonb(made);
END $$;

-- Answers whether a link was removed; another tenant's provider is unknown here (P0K33).
CREATE OR REPLACE FUNCTION internal.unlink_oidc_subject(p_tenant uuid, p_provider uuid, p_subject text, p_actor text)
RETURNS boolean LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
BEGIN
  PERFORM internal.refuse_api_key_actor(p_actor);
  PERFORM internal.require_found(EXISTS (SELECT FROM kassa.oidc_providers p WHERE p.tenant_id = p_tenant AND p.id = p_provider),
                                 'P0K33', 'no such provider of this tenant');
  DELETE FROM kassa.oidc_links l WHERE l.tenant_id = p_tenant AND l.provider_id = p_provider AND l.subject = p_subject;
  RETURN FOUND;
END $$;

-- POST /auth/oidc: the provider of an active tenant's slug whose issuer the ID token names.
CREATE OR REPLACE FUNCTION internal.oidc_provider(p_slug text, p_issuer text)
RETURNS TABLE (tenant_id uuid, provider_id uuid, audience text, jwks_url text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = '' AS $$
  SELECT p.tenant_id, p.id, p.audience, p.jwks_url FROM kassa.oidc_providers p
   WHERE p.tenant_id = (internal.login_tenant(p_slug)).id AND p.issuer = p_issuer
$$;

-- The identity a verified ID token's subject is linked to, as internal.login_subject (no row:
-- none, or it cannot log in).
CREATE OR REPLACE FUNCTION internal.oidc_subject(p_tenant uuid, p_provider uuid, p_subject text)
RETURNS TABLE (tenant_id uuid, identity_id uuid, customer_id uuid, staff_user_id uuid, staff_role text, email text,
               tenant_name text, password_hash text, totp_secret text, totp_pending text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = '' AS $$
  SELECT s.* FROM kassa.oidc_links l CROSS JOIN LATERAL internal.login_subject(l.tenant_id, l.identity_id) s
   WHERE l.tenant_id = p_tenant AND l.provider_id = p_provider AND l.subject = p_subject
$$;

CREATE OR REPLACE FUNCTION api.create_api_key(name text, expires_at timestamptz, role text DEFAULT NULL,
                                              customer_id uuid DEFAULT NULL) RETURNS jsonb
LANGUAGE sql SECURITY DEFINER SET search_path = '' AS $$
  SELECT internal.create_api_key(internal.jwt_tenant_id(), create_api_key.name, create_api_key.role,
                                 create_api_key.customer_id, create_api_key.expires_at, internal.jwt_claims() ->> 'sub')
$$;

CREATE OR REPLACE FUNCTION api.revoke_api_key(id uuid) RETURNS jsonb
LANGUAGE sql SECURITY DEFINER SET search_path = '' AS $$
  SELECT internal.revoke_api_key(internal.jwt_tenant_id(), revoke_api_key.id, internal.jwt_claims() ->> 'sub')
$$;

CREATE OR REPLACE FUNCTION api.create_oidc_provider(name text, issuer text, audience text, jwks_url text) RETURNS jsonb
LANGUAGE sql SECURITY DEFINER SET search_path = '' AS $$
  SELECT internal.create_oidc_provider(internal.jwt_tenant_id(), create_oidc_provider.name, create_oidc_provider.issuer,
                                       create_oidc_provider.audience, create_oidc_provider.jwks_url,
                                       internal.jwt_claims() ->> 'sub')
$$;

CREATE OR REPLACE FUNCTION api.link_oidc_subject(provider_id uuid, subject text, identity_id uuid) RETURNS jsonb
LANGUAGE sql SECURITY DEFINER SET search_path = '' AS $$
  SELECT internal.link_oidc_subject(internal.jwt_tenant_id(), link_oidc_subject.provider_id, link_oidc_subject.subject,
                                    link_oidc_subject.identity_id, internal.jwt_claims() ->> 'sub')
$$;

CREATE OR REPLACE FUNCTION api.unlink_oidc_subject(provider_id uuid, subject text) RETURNS boolean
LANGUAGE sql SECURITY DEFINER SET search_path = '' AS $$
  SELECT internal.unlink_oidc_subject(internal.jwt_tenant_id(), unlink_oidc_subject.provider_id,
                                      unlink_oidc_subject.subject, internal.jwt_claims() ->> 'sub')
$$;

GRANT EXECUTE ON FUNCTION api.create_api_key(text, timestamptz, text, uuid), api.revoke_api_key(uuid),
  api.create_oidc_provider(text, text, text, text), api.link_oidc_subject(uuid, text, uuid),
  api.unlink_oidc_subject(uuid, text) TO staff;
