-- Built-in login (docs/portal.md, db/functions/710_logins.sql): an identity links to one
-- customer or one staff user of its own tenant, one per address and tenant; API roles read no
-- password hash, no TOTP secret, no link and no login, and a customer only their own identity;
-- a sign-up's link makes the customer once, single-use and until it expires; refresh tokens
-- rotate and a reused one ends its login; a new password ends every login.
BEGIN;
SELECT plan(32);
\ir helpers/two_tenants.sql
CREATE FUNCTION pg_temp.hash(p_token text) RETURNS bytea LANGUAGE sql AS $$ SELECT sha256(convert_to(p_token, 'UTF8')) $$;
CREATE TEMP TABLE kept (name text PRIMARY KEY, id uuid);
INSERT INTO kassa.staff_users (tenant_id, id, email, name, role) VALUES
  ('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-5555-4000-8000-000000000001', 'ada@a.example', 'Ada Admin', 'admin');
INSERT INTO kassa.identities (tenant_id, id, email, password_hash, email_verified_at, customer_id, staff_user_id) VALUES
  ('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-1d00-4000-8000-0000000000a1', 'a1@example.com', '$argon2id$v=19$a1',
   now(), 'aaaaaaaa-0000-4000-8000-0000000000a1', NULL),
  ('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-1d00-4000-8000-0000000000ad', 'ada@a.example', '$argon2id$v=19$ad',
   now(), NULL, 'aaaaaaaa-5555-4000-8000-000000000001');

-- --- Linking rules ------------------------------------------------------------------------
SELECT throws_ok($$INSERT INTO kassa.identities (tenant_id, email, password_hash, email_verified_at, customer_id, staff_user_id)
  VALUES ('aaaaaaaa-0000-4000-8000-00000000000a', 'both@example.com', '$argon2id$x', now(),
          'aaaaaaaa-0000-4000-8000-0000000000a2', 'aaaaaaaa-5555-4000-8000-000000000001')$$,
  '23514', NULL, 'an identity links to a customer or a staff user, not both');
SELECT throws_ok($$INSERT INTO kassa.identities (tenant_id, email, password_hash, email_verified_at)
  VALUES ('aaaaaaaa-0000-4000-8000-00000000000a', 'none@example.com', '$argon2id$x', now())$$,
  '23514', NULL, '... and not to nobody');
SELECT throws_ok($$INSERT INTO kassa.identities (tenant_id, email, password_hash, email_verified_at, customer_id)
  VALUES ('bbbbbbbb-0000-4000-8000-00000000000b', 'x@example.com', '$argon2id$x', now(), 'aaaaaaaa-0000-4000-8000-0000000000a2')$$,
  '23503', NULL, 'the customer is of the identity''s own tenant');
SELECT throws_ok($$INSERT INTO kassa.identities (tenant_id, email, password_hash, email_verified_at, customer_id)
  VALUES ('aaaaaaaa-0000-4000-8000-00000000000a', 'A1@Example.com', '$argon2id$x', now(), 'aaaaaaaa-0000-4000-8000-0000000000a2')$$,
  '23505', NULL, 'one identity per address and tenant (whatever its case)');
SELECT throws_ok($$INSERT INTO kassa.identities (tenant_id, email, password_hash, email_verified_at, customer_id)
  VALUES ('aaaaaaaa-0000-4000-8000-00000000000a', 'second@example.com', '$argon2id$x', now(), 'aaaaaaaa-0000-4000-8000-0000000000a1')$$,
  '23505', NULL, 'one identity per customer');
SELECT throws_ok($$INSERT INTO kassa.identities (tenant_id, email, password_hash, email_verified_at, customer_id)
  VALUES ('aaaaaaaa-0000-4000-8000-00000000000a', 'plain@example.com', 'secret123456', now(), 'aaaaaaaa-0000-4000-8000-0000000000a2')$$,
  '23514', NULL, 'only an argon2id hash is a password');
SELECT lives_ok($$INSERT INTO kassa.identities (tenant_id, email, password_hash, email_verified_at, customer_id)
  VALUES ('bbbbbbbb-0000-4000-8000-00000000000b', 'a1@example.com', '$argon2id$v=19$b1', now(), 'bbbbbbbb-0000-4000-8000-0000000000b1')$$,
  'the same address at another tenant is another identity');

-- --- What API roles read --------------------------------------------------------------------
SELECT pg_temp.act_as('customer', 'aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a1');
SELECT results_eq($$SELECT id FROM api.identities$$, $$VALUES ('aaaaaaaa-1d00-4000-8000-0000000000a1'::uuid)$$,
                  'a customer sees their own identity only');
SELECT throws_ok($$SELECT password_hash FROM kassa.identities$$, '42501', NULL, 'and reads no password hash');
SELECT pg_temp.act_as('customer', 'aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a2');
SELECT is_empty($$SELECT id FROM api.identities$$, 'a customer without a login sees none');
SELECT pg_temp.act_as('staff', 'aaaaaaaa-0000-4000-8000-00000000000a');
SELECT results_eq($$SELECT email FROM api.identities ORDER BY email$$, $$VALUES ('a1@example.com'), ('ada@a.example')$$,
                  'staff see their tenant''s identities');
SELECT throws_ok($$SELECT totp_secret FROM kassa.identities$$, '42501', NULL, 'staff read no TOTP secret');
SELECT throws_ok($$SELECT password_hash FROM kassa.identities$$, '42501', NULL, '... nor a password hash');
SELECT throws_ok($$SELECT * FROM kassa.login_links$$, '42501', NULL, '... nor a link');
SELECT throws_ok($$SELECT * FROM kassa.refresh_tokens$$, '42501', NULL, '... nor a refresh token');
SELECT throws_ok($$SELECT internal.login_identity('tap-a', 'a1@example.com')$$, '42501', NULL,
                 'the login steps are the worker''s only');
SELECT pg_temp.act_as_owner();

-- --- Sign-up: the link makes the customer, once ---------------------------------------------
UPDATE kassa.tenants SET signup_mode = 'open' WHERE id = 'aaaaaaaa-0000-4000-8000-00000000000a';
SELECT is(internal.request_signup('tap-b', 'new@example.com', 'New', '$argon2id$n', gen_random_uuid(), pg_temp.hash('b'),
                                  interval '1 day'), 'off', 'a tenant takes no sign-ups by default');
SELECT is(internal.request_signup('tap-a', 'new@example.com', 'Nomsa New', '$argon2id$new', gen_random_uuid(),
                                  pg_temp.hash('signup'), interval '1 day'), 'accepted', 'a sign-up is accepted');
SELECT is((SELECT count(*) FROM kassa.customers WHERE email = 'new@example.com'), 0::bigint,
          'and makes no customer before its link is followed');
SELECT is(internal.request_signup('tap-a', 'A1@example.com', 'Again', '$argon2id$again', gen_random_uuid(),
                                  pg_temp.hash('again'), interval '1 day'), 'accepted',
          'a sign-up of a known address answers the same');
SELECT is((SELECT purpose FROM kassa.login_links WHERE token_hash = pg_temp.hash('again')), 'reset',
          'and mails a password-reset link instead');
INSERT INTO kept SELECT 'customer', customer_id FROM internal.verify_signup(pg_temp.hash('signup'));
SELECT is((SELECT c.account_number IS NOT NULL AND i.password_hash = '$argon2id$new'
             FROM kassa.customers c JOIN kassa.identities i ON i.tenant_id = c.tenant_id AND i.customer_id = c.id
            WHERE c.id = (SELECT id FROM kept WHERE name = 'customer')), true,
          'following the link makes the numbered customer and its identity with the sign-up''s password');
SELECT is((SELECT password_hash FROM kassa.login_links WHERE token_hash = pg_temp.hash('signup')), NULL,
          'the link keeps no password hash once used');
SELECT is((SELECT outcome FROM internal.verify_signup(pg_temp.hash('signup'))), 'used', 'a link is used once');
SELECT is((SELECT outcome FROM internal.verify_signup(pg_temp.hash('no such token'))), 'unknown', 'an unknown link is refused');
SELECT internal.request_signup('tap-a', 'late@example.com', 'Late', '$argon2id$late', gen_random_uuid(), pg_temp.hash('late'),
                               interval '1 day');
UPDATE kassa.login_links SET expires_at = now() - interval '1 second' WHERE token_hash = pg_temp.hash('late');
SELECT is((SELECT outcome FROM internal.verify_signup(pg_temp.hash('late'))), 'expired', 'an expired link is refused');

-- --- Logins: rotation, reuse, a new password --------------------------------------------------
SELECT isnt(internal.start_login('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-1d00-4000-8000-0000000000a1',
                                 pg_temp.hash('r1'), 'tap', interval '1 day', NULL), NULL, 'a login starts');
SELECT is((SELECT outcome FROM internal.refresh_login(pg_temp.hash('r1'), pg_temp.hash('r2'), interval '1 day')), 'ok',
          'its refresh token rotates');
SELECT is((SELECT outcome FROM internal.refresh_login(pg_temp.hash('r1'), pg_temp.hash('r3'), interval '1 day')), 'reused',
          'the used token again is refused');
SELECT is((SELECT outcome FROM internal.refresh_login(pg_temp.hash('r2'), pg_temp.hash('r4'), interval '1 day')), 'revoked',
          '... and ended the login: its newest token is refused too');
SELECT internal.start_login('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-1d00-4000-8000-0000000000a1',
                            pg_temp.hash('r5'), 'tap', interval '1 day', NULL);
SELECT is(internal.reset_password(pg_temp.hash('again'), '$argon2id$newer'), 'ok', 'a reset link sets a new password');
SELECT is_empty($$SELECT * FROM internal.active_logins('aaaaaaaa-0000-4000-8000-00000000000a',
                                                       'aaaaaaaa-1d00-4000-8000-0000000000a1')$$,
                'which ends every login of the identity');
SELECT * FROM finish();
ROLLBACK;
