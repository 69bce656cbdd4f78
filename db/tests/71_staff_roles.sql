-- Staff roles (docs/api.md, "Staff roles"): the matrix names every staff RPC and writable view;
-- each role may take exactly its actions; a staff token naming a staff user is held to the
-- user's row (role, status, tenant, subject); the tenant keeps an admin; staff users are
-- the tenant's own and their changes are audited.
BEGIN;
SELECT plan(25);
-- The claims of a staff user's token (PostgREST's request.jwt.claims).
CREATE FUNCTION pg_temp.staff_user_claims(p_user uuid, p_role text, p_tenant uuid DEFAULT 'aaaaaaaa-0000-4000-8000-00000000000a',
                                          p_sub text DEFAULT NULL) RETURNS json LANGUAGE sql AS $$
  SELECT json_build_object('role', 'staff', 'tenant_id', p_tenant, 'staff_user_id', p_user, 'staff_role', p_role,
                           'sub', coalesce(p_sub, 'staff:' || p_user), 'aud', 'kassa-api',
                           'exp', extract(epoch FROM now())::bigint + 600)
$$;
-- May a token of this staff role take the action? (internal.require_staff_action, caught)
CREATE FUNCTION pg_temp.may(p_role text, p_action text) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
  PERFORM internal.require_staff_action(json_build_object('role', 'staff', 'staff_role', p_role), p_action);
  RETURN true;
EXCEPTION WHEN insufficient_privilege THEN
  RETURN false;
END $$;
-- A request as PostgREST makes it: the token's claims and role, the method and the path.
CREATE FUNCTION pg_temp.request(p_claims json, p_method text, p_path text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM set_config('request.jwt.claims', p_claims::text, true);
  PERFORM set_config('request.method', p_method, true);
  PERFORM set_config('request.path', p_path, true);
  PERFORM set_config('role', 'staff', true);
  PERFORM internal.check_request();
  PERFORM set_config('role', 'none', true);
  PERFORM set_config('request.method', '', true);
END $$;
\ir helpers/two_tenants_ids.sql
INSERT INTO kassa.staff_users (tenant_id, id, email, name, role) VALUES
  ('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-5555-4000-8000-000000000001', 'ada@a.example', 'Ada Admin', 'admin'),
  ('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-5555-4000-8000-000000000002', 'bill@a.example', 'Bill Billing', 'billing'),
  ('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-5555-4000-8000-000000000003', 'sue@a.example', 'Sue Support', 'support'),
  ('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-5555-4000-8000-000000000004', 'vic@a.example', 'Vic Viewer', 'viewer'),
  ('bbbbbbbb-0000-4000-8000-00000000000b', 'bbbbbbbb-5555-4000-8000-000000000001', 'bea@b.example', 'Bea Admin', 'admin');

-- The matrix is complete: every RPC staff may call and every api view staff may write has a row,
-- and every row names one of them or a bridge action.
SELECT is_empty($$
  SELECT 'rpc/' || p.proname FROM pg_proc p WHERE p.pronamespace = 'api'::regnamespace
     AND has_function_privilege('staff', p.oid, 'EXECUTE')
  UNION
  SELECT DISTINCT 'write/' || c.relname FROM pg_class c CROSS JOIN unnest(ARRAY['INSERT', 'UPDATE', 'DELETE']) priv
   WHERE c.relnamespace = 'api'::regnamespace AND c.relkind = 'v'
     AND CASE WHEN priv = 'DELETE' THEN has_table_privilege('staff', c.oid, priv)
              ELSE has_any_column_privilege('staff', c.oid, priv) END
  EXCEPT SELECT action FROM internal.staff_role_matrix()
$$, 'every staff RPC and every view staff write has a row in the staff role matrix');
SELECT is_empty($$
  SELECT action FROM internal.staff_role_matrix() WHERE action NOT LIKE 'bridge/%'
  EXCEPT
  (SELECT 'rpc/' || p.proname FROM pg_proc p WHERE p.pronamespace = 'api'::regnamespace
   UNION SELECT 'write/' || c.relname FROM pg_class c WHERE c.relnamespace = 'api'::regnamespace)
$$, 'and every row of the matrix names an RPC or a view of the API (or a bridge action)');
SELECT is_empty($$SELECT action FROM internal.staff_role_matrix() WHERE NOT 'admin' = ANY (roles)
                  OR NOT roles <@ '{admin,billing,support,viewer}'$$, 'admin may do everything; only known roles are named');
SELECT is_empty($$SELECT action FROM internal.staff_role_matrix() GROUP BY action HAVING count(*) > 1$$,
                'one row per action');

-- Each role may take exactly the actions the matrix gives it.
SELECT is_empty($$
  SELECT r.role || ' ' || m.action FROM internal.staff_role_matrix() m
   CROSS JOIN unnest(ARRAY['admin', 'billing', 'support', 'viewer']) r (role)
   WHERE pg_temp.may(r.role, m.action) IS DISTINCT FROM r.role = ANY (m.roles)
$$, 'every role x every action: allowed exactly as the matrix says');
SELECT ok(pg_temp.may('billing', 'rpc/finalise_invoice') AND NOT pg_temp.may('support', 'rpc/finalise_invoice')
          AND NOT pg_temp.may('viewer', 'rpc/finalise_invoice'), 'billing finalises invoices; support and viewer do not');
SELECT ok(pg_temp.may('support', 'write/customers') AND NOT pg_temp.may('billing', 'write/customers'),
          'support changes customers; billing does not');
SELECT ok(pg_temp.may('viewer', 'rpc/statement') AND pg_temp.may('viewer', NULL) AND NOT pg_temp.may('viewer', 'write/invoices'),
          'a viewer reads (statements, every view) and writes nothing');
SELECT ok(NOT pg_temp.may('billing', 'rpc/no_such_function') AND pg_temp.may('admin', 'rpc/no_such_function'),
          'an action the matrix does not name is admin''s only');
SELECT lives_ok($$SELECT internal.require_staff_action('{"role": "staff", "tenant_id": "aaaaaaaa-0000-4000-8000-00000000000a"}',
                                                       'write/staff_users')$$,
                'a staff token without a staff role is an admin, as before roles existed');

-- Through the request check, as PostgREST runs it.
SELECT throws_ok($$SELECT pg_temp.request(pg_temp.staff_user_claims('aaaaaaaa-5555-4000-8000-000000000003', 'support'),
                                          'POST', '/rpc/finalise_invoice')$$,
                 '42501', 'the staff role support may not rpc/finalise_invoice',
                 'the request check refuses support a finalise before anything runs');
SELECT lives_ok($$SELECT pg_temp.request(pg_temp.staff_user_claims('aaaaaaaa-5555-4000-8000-000000000003', 'support'),
                                         'PATCH', '/customers')$$, 'and lets support change a customer');
SELECT throws_ok($$SELECT pg_temp.request(pg_temp.staff_user_claims('aaaaaaaa-5555-4000-8000-000000000004', 'viewer'),
                                          'DELETE', '/vat_rates')$$,
                 '42501', 'the staff role viewer may not write/vat_rates', 'a viewer deletes nothing');
SELECT lives_ok($$SELECT pg_temp.request(pg_temp.staff_user_claims('aaaaaaaa-5555-4000-8000-000000000004', 'viewer'),
                                         'GET', '/invoices')$$, 'but reads invoices');

-- A staff user's token is held to the row.
SELECT lives_ok($$SELECT internal.check_claims(pg_temp.staff_user_claims('aaaaaaaa-5555-4000-8000-000000000002', 'billing'), 'staff')$$,
                'a staff user''s token with their role passes');
SELECT throws_ok($$SELECT internal.check_claims(pg_temp.staff_user_claims('aaaaaaaa-5555-4000-8000-000000000002', 'admin'), 'staff')$$,
                 '42501', 'staff user is unknown in this tenant, disabled, or no longer has this role',
                 'a token claiming a role the user does not have is refused');
UPDATE kassa.staff_users SET role = 'viewer' WHERE id = 'aaaaaaaa-5555-4000-8000-000000000002';
SELECT throws_ok($$SELECT internal.check_claims(pg_temp.staff_user_claims('aaaaaaaa-5555-4000-8000-000000000002', 'billing'), 'staff')$$,
                 '42501', 'staff user is unknown in this tenant, disabled, or no longer has this role',
                 'a demotion ends the tokens issued before it at the next request');
SELECT throws_ok($$SELECT internal.check_claims(pg_temp.staff_user_claims('bbbbbbbb-5555-4000-8000-000000000001', 'admin'), 'staff')$$,
                 '42501', 'staff user is unknown in this tenant, disabled, or no longer has this role',
                 'another tenant''s staff user is unknown here');
SELECT throws_ok($$SELECT internal.check_claims(pg_temp.staff_user_claims('aaaaaaaa-5555-4000-8000-000000000001', 'admin',
                                                                          p_sub => 'staff:someone-else'), 'staff')$$,
                 '42501', 'a staff user''s token has the subject staff:<staff_user_id>', 'the audit''s subject is the staff user''s');
SELECT throws_ok($$SELECT internal.check_claims(json_build_object('role', 'staff', 'tenant_id', 'aaaaaaaa-0000-4000-8000-00000000000a',
                     'staff_role', 'admin', 'aud', 'kassa-api', 'exp', extract(epoch FROM now())::bigint + 600), 'staff')$$,
                 '42501', 'a staff token names its staff user with both staff_user_id and staff_role',
                 'a role without its user is refused');

-- The tenant keeps an admin.
SELECT throws_ok($$UPDATE kassa.staff_users SET status = 'disabled' WHERE id = 'aaaaaaaa-5555-4000-8000-000000000001'$$,
                 'P0K11', 'staff user ada@a.example is the tenant''s last active admin', 'the last admin cannot be disabled');
UPDATE kassa.staff_users SET role = 'admin' WHERE id = 'aaaaaaaa-5555-4000-8000-000000000003';
SELECT lives_ok($$UPDATE kassa.staff_users SET role = 'viewer' WHERE id = 'aaaaaaaa-5555-4000-8000-000000000001'$$,
                'with a second admin the first may step down');

-- Staff users over the API: the tenant's own, written by admins, audited with the acting user.
SELECT pg_temp.act_as('staff', tb) FROM ids;
SELECT is((SELECT array_agg(email) FROM api.staff_users), ARRAY['bea@b.example'], 'staff see their own tenant''s staff users only');
SELECT pg_temp.act_as_owner();
SELECT set_config('request.jwt.claims', pg_temp.staff_user_claims('aaaaaaaa-5555-4000-8000-000000000003', 'admin')::text, true);
SET LOCAL ROLE staff;
INSERT INTO api.staff_users (email, name, role) VALUES ('new@a.example', 'New Billing', 'billing');
RESET ROLE;
SELECT is((SELECT (tenant_id, role, status)::text FROM kassa.staff_users WHERE email = 'new@a.example'),
          '(aaaaaaaa-0000-4000-8000-00000000000a,billing,active)', 'an admin adds a staff user to their own tenant');
SELECT is((SELECT actor_sub FROM audit.log WHERE table_name = 'kassa.staff_users' AND new_row ->> 'email' = 'new@a.example'),
          'staff:aaaaaaaa-5555-4000-8000-000000000003', 'the audit log names the staff user who did it');

SELECT * FROM finish();
ROLLBACK;
