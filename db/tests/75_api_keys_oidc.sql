-- API keys and single sign-on (docs/portal.md, db/functions/720_api_keys_oidc.sql): a key is
-- shown once and kept as its SHA-256, which no API role reads; a key is for a staff role or one
-- customer of its own tenant, expiring within a year; internal.check_claims holds a key's
-- token to the key (revoked, expired, another role or customer refused); an API key's token
-- cannot make keys or sign-on; providers and their links are per tenant.
BEGIN;
SELECT plan(43);
CREATE TEMP TABLE kept (name text PRIMARY KEY, answer jsonb);
CREATE FUNCTION pg_temp.key_claims(p_name text, p_role text, p_extra jsonb DEFAULT '{}') RETURNS json LANGUAGE sql AS $$
  SELECT (jsonb_build_object('role', p_role, 'tenant_id', 'aaaaaaaa-0000-4000-8000-00000000000a',
                             'api_key_id', k.answer ->> 'id', 'sub', 'api-key:' || (k.answer ->> 'id'), 'aud', 'kassa-api',
                             'exp', extract(epoch FROM now())::bigint + 600) || p_extra)::json
    FROM kept k WHERE k.name = p_name
$$;
\ir helpers/two_tenants.sql

-- --- Making keys --------------------------------------------------------------------------
SELECT pg_temp.act_as('staff', 'aaaaaaaa-0000-4000-8000-00000000000a');
INSERT INTO kept SELECT 'billing', api.create_api_key('Reseller billing', now() + interval '30 days', 'billing');
INSERT INTO kept SELECT 'a1', api.create_api_key('A1''s meter', now() + interval '30 days',
                                                  customer_id => 'aaaaaaaa-0000-4000-8000-0000000000a1');
SELECT ok((SELECT answer ->> 'key' ~ ('^kassa_' || replace(answer ->> 'id', '-', '') || '_[A-Za-z0-9_-]{43}$')
             FROM kept WHERE name = 'billing'), 'the answer shows the key: kassa_, its id, 32 random bytes');
SELECT is((SELECT count(*) FROM api.api_keys WHERE status = 'active'), 2::bigint, 'staff list the tenant''s keys');
SELECT is((SELECT prefix FROM api.api_keys WHERE name = 'Reseller billing'),
          (SELECT 'kassa_' || replace(answer ->> 'id', '-', '') FROM kept WHERE name = 'billing'),
          '... by the prefix of the key, not the key');
SELECT throws_ok($$SELECT secret_hash FROM kassa.api_keys$$, '42501', NULL, 'staff read no key''s hash');
SELECT throws_ok($$SELECT * FROM kassa.api_keys$$, '42501', NULL, '... not even with *');
SELECT throws_ok($$SELECT api.create_api_key(' ', now() + interval '1 day', 'viewer')$$, 'P0K21', NULL,
                 'a key has a name');
SELECT throws_ok($$SELECT api.create_api_key('x', now() + interval '1 day', 'owner')$$, 'P0K22', NULL,
                 'a key''s role is a staff role');
SELECT throws_ok($$SELECT api.create_api_key('x', now() + interval '1 day', 'viewer',
                                             'aaaaaaaa-0000-4000-8000-0000000000a1')$$, 'P0K22', NULL,
                 '... or a customer, not both');
SELECT throws_ok($$SELECT api.create_api_key('x', now() + interval '1 day')$$, 'P0K22', NULL, '... and not neither');
SELECT throws_ok($$SELECT api.create_api_key('x', now() + interval '1 day', customer_id => 'bbbbbbbb-0000-4000-8000-0000000000b1')$$,
                 'P0K23', NULL, 'a customer of another tenant is no customer of this one');
SELECT throws_ok($$SELECT api.create_api_key('x', now() - interval '1 minute', 'viewer')$$, 'P0K24', NULL,
                 'a key expires in the future');
SELECT throws_ok($$SELECT api.create_api_key('x', now() + interval '13 months', 'viewer')$$, 'P0K24', NULL,
                 '... within a year');
SELECT pg_temp.act_as_owner();
SELECT is((SELECT k.secret_hash FROM kassa.api_keys k JOIN kept ON kept.name = 'billing' AND k.id = (kept.answer ->> 'id')::uuid),
          (SELECT sha256(convert_to(answer ->> 'key', 'UTF8')) FROM kept WHERE name = 'billing'),
          'the database keeps the SHA-256 of the key');
SELECT is((SELECT count(*) FROM kassa.api_keys k, kept WHERE k.secret_hash = convert_to(kept.answer ->> 'key', 'UTF8')),
          0::bigint, '... and never the key');

-- --- Customers see their own keys -----------------------------------------------------------
SELECT pg_temp.act_as('customer', 'aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a1');
SELECT is((SELECT array_agg(name) FROM api.api_keys), ARRAY['A1''s meter'], 'a customer sees their own key only');
SELECT throws_ok($$SELECT api.create_api_key('mine', now() + interval '1 day', 'admin')$$, '42501', NULL,
                 'a customer makes no key');
SELECT pg_temp.act_as('customer', 'aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a2');
SELECT is_empty($$SELECT * FROM api.api_keys$$, 'another customer sees none');
SELECT pg_temp.act_as('staff', 'bbbbbbbb-0000-4000-8000-00000000000b');
SELECT is_empty($$SELECT * FROM api.api_keys$$, 'another tenant''s staff see none');
SELECT throws_ok($$SELECT api.revoke_api_key((SELECT (answer ->> 'id')::uuid FROM kept WHERE name = 'billing'))$$,
                 'P0K26', NULL, '... and revoke none');
SELECT pg_temp.act_as_owner();

-- --- A key's tokens are held to the key -----------------------------------------------------
SELECT lives_ok($$SELECT internal.check_claims(pg_temp.key_claims('billing', 'staff', '{"staff_role": "billing"}'), 'staff')$$,
                'a staff key''s token of its role passes');
SELECT is(internal.staff_role_of(pg_temp.key_claims('billing', 'staff', '{"staff_role": "billing"}')), 'billing',
          '... and is held to that role''s matrix');
SELECT throws_ok($$SELECT internal.check_claims(pg_temp.key_claims('billing', 'staff', '{"staff_role": "admin"}'), 'staff')$$,
                 '42501', 'API key is unknown in this tenant, revoked, expired, or not of this role',
                 'a token claiming another role than its key''s is refused');
SELECT throws_ok($$SELECT internal.check_claims(pg_temp.key_claims('billing', 'staff',
                     '{"staff_role": "billing", "tenant_id": "bbbbbbbb-0000-4000-8000-00000000000b"}'), 'staff')$$,
                 '42501', 'API key is unknown in this tenant, revoked, expired, or not of this role',
                 '... as is one naming another tenant');
SELECT throws_ok($$SELECT internal.check_claims(pg_temp.key_claims('billing', 'staff',
                     '{"staff_role": "billing", "sub": "staff:someone"}'), 'staff')$$,
                 '42501', 'an API key''s token has the subject api-key:<api_key_id> and names no staff user',
                 '... and one with another subject');
SELECT lives_ok($$SELECT internal.check_claims(pg_temp.key_claims('a1', 'customer',
                    '{"customer_id": "aaaaaaaa-0000-4000-8000-0000000000a1"}'), 'customer')$$,
                'a customer key''s token of its customer passes');
SELECT throws_ok($$SELECT internal.check_claims(pg_temp.key_claims('a1', 'customer',
                     '{"customer_id": "aaaaaaaa-0000-4000-8000-0000000000a2"}'), 'customer')$$,
                 '42501', 'API key is unknown in this tenant, revoked, expired, or not of this role',
                 '... and only of its customer');
SELECT throws_ok($$SELECT internal.check_claims(pg_temp.key_claims('a1', 'staff'), 'staff')$$,
                 '42501', 'API key is unknown in this tenant, revoked, expired, or not of this role',
                 'a customer key''s token is no staff token');
SELECT is((SELECT outcome FROM internal.use_api_key((SELECT (answer ->> 'id')::uuid FROM kept WHERE name = 'billing'),
                                                    sha256('not the key'))), 'unknown',
          'the exchange refuses a key of a known id with another secret');
SELECT is((SELECT outcome || ' ' || staff_role FROM internal.use_api_key(
             (SELECT (answer ->> 'id')::uuid FROM kept WHERE name = 'billing'),
             (SELECT sha256(convert_to(answer ->> 'key', 'UTF8')) FROM kept WHERE name = 'billing'))), 'ok billing',
          '... and takes the key itself');
SELECT isnt((SELECT last_used_at FROM api.api_keys WHERE name = 'Reseller billing'), NULL, '... noting its last use');

-- An API key's own token makes no keys and no sign-on (it would outlive its revocation).
SELECT set_config('request.jwt.claims', pg_temp.key_claims('billing', 'staff', '{"staff_role": "admin"}')::text, true);
SELECT set_config('role', 'staff', true);
SELECT throws_ok($$SELECT api.create_api_key('successor', now() + interval '1 day', 'admin')$$, 'P0K25', NULL,
                 'an API key''s token makes no key');
SELECT throws_ok($$SELECT api.create_oidc_provider('Mine', 'https://idp.example', 'kassa', 'https://idp.example/jwks')$$,
                 'P0K25', NULL, '... and no sign-on provider');
SELECT pg_temp.act_as_owner();

UPDATE kassa.api_keys SET expires_at = now() - interval '1 second' WHERE name = 'A1''s meter';
SELECT throws_ok($$SELECT internal.check_claims(pg_temp.key_claims('a1', 'customer',
                     '{"customer_id": "aaaaaaaa-0000-4000-8000-0000000000a1"}'), 'customer')$$,
                 '42501', 'API key is unknown in this tenant, revoked, expired, or not of this role',
                 'an expired key''s token is refused at its next request');
SELECT pg_temp.act_as('staff', 'aaaaaaaa-0000-4000-8000-00000000000a');
SELECT ok((SELECT api.revoke_api_key((answer ->> 'id')::uuid) ? 'revoked_at' FROM kept WHERE name = 'billing'),
          'an admin revokes a key');
SELECT pg_temp.act_as_owner();
SELECT throws_ok($$SELECT internal.check_claims(pg_temp.key_claims('billing', 'staff', '{"staff_role": "billing"}'), 'staff')$$,
                 '42501', 'API key is unknown in this tenant, revoked, expired, or not of this role',
                 'a revoked key''s token is refused at its next request');

-- --- Sign-on providers and links, per tenant ------------------------------------------------
INSERT INTO kassa.identities (tenant_id, id, email, password_hash, email_verified_at, customer_id) VALUES
  ('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-1d00-4000-8000-0000000000a1', 'a1@example.com', '$argon2id$v=19$a1',
   now(), 'aaaaaaaa-0000-4000-8000-0000000000a1'),
  ('bbbbbbbb-0000-4000-8000-00000000000b', 'bbbbbbbb-1d00-4000-8000-0000000000b1', 'b1@example.com', '$argon2id$v=19$b1',
   now(), 'bbbbbbbb-0000-4000-8000-0000000000b1');
SELECT pg_temp.act_as('staff', 'aaaaaaaa-0000-4000-8000-00000000000a');
INSERT INTO kept SELECT 'idp', api.create_oidc_provider('Reseller SSO', 'https://idp.example', 'kassa', 'https://idp.example/jwks');
SELECT throws_ok($$SELECT api.create_oidc_provider('Again', 'https://idp.example', 'kassa', 'https://idp.example/jwks')$$,
                 'P0K32', NULL, 'a tenant has one provider of an issuer');
SELECT throws_ok($$SELECT api.create_oidc_provider('Bad', 'idp.example', 'kassa', 'https://idp.example/jwks')$$,
                 'P0K31', NULL, 'a provider''s issuer is a URL');
SELECT lives_ok(format($$SELECT api.link_oidc_subject(%L, 'user-1', 'aaaaaaaa-1d00-4000-8000-0000000000a1')$$,
                       (SELECT answer ->> 'id' FROM kept WHERE name = 'idp')), 'an admin links a subject to an identity');
SELECT throws_ok($$SELECT api.link_oidc_subject((SELECT (answer ->> 'id')::uuid FROM kept WHERE name = 'idp'), 'user-2',
                                             'aaaaaaaa-1d00-4000-8000-0000000000a1')$$, 'P0K35', NULL,
                 'an identity has one subject of a provider');
SELECT throws_ok($$SELECT api.link_oidc_subject((SELECT (answer ->> 'id')::uuid FROM kept WHERE name = 'idp'), 'user-2',
                                             'bbbbbbbb-1d00-4000-8000-0000000000b1')$$, 'P0K34', NULL,
                 'another tenant''s identity is none of this tenant''s');
SELECT pg_temp.act_as('staff', 'bbbbbbbb-0000-4000-8000-00000000000b');
SELECT is_empty($$SELECT * FROM api.oidc_providers UNION ALL SELECT NULL, NULL, subject, NULL, NULL, NULL, NULL FROM api.oidc_links$$,
                'another tenant''s staff see neither the provider nor its links');
SELECT throws_ok($$SELECT api.link_oidc_subject((SELECT (answer ->> 'id')::uuid FROM kept WHERE name = 'idp'), 'user-9',
                                             'bbbbbbbb-1d00-4000-8000-0000000000b1')$$, 'P0K33', NULL,
                 '... nor link a subject to it');
SELECT pg_temp.act_as_owner();
SELECT is((SELECT customer_id FROM internal.oidc_subject('aaaaaaaa-0000-4000-8000-00000000000a',
                                                         (SELECT (answer ->> 'id')::uuid FROM kept WHERE name = 'idp'), 'user-1')),
          'aaaaaaaa-0000-4000-8000-0000000000a1'::uuid, 'a linked subject logs in as its identity');

SELECT * FROM finish();
ROLLBACK;
