-- Row-level security per API role, acting as PostgREST does (role + request.jwt.claims).
-- Every change attempt that must fail is checked afterwards as the owner: nothing changed.
BEGIN;
SELECT plan(41);
\ir helpers/two_tenants.sql

-- anon: nothing at all
SELECT pg_temp.act_as('anon', NULL);
SELECT throws_ok('SELECT * FROM api.customers', '42501', NULL, 'anon cannot read customers');
SELECT throws_ok('SELECT * FROM api.tenants', '42501', NULL, 'anon cannot read tenants');
SELECT throws_ok('SELECT * FROM api.audit_log', '42501', NULL, 'anon cannot read the audit log');
SELECT throws_ok($$INSERT INTO api.customers (name, email) VALUES ('x', 'x@example.com')$$, '42501', NULL,
                 'anon cannot create customers');

-- customer A1: only themselves, only contact data
SELECT pg_temp.act_as('customer', 'aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a1');
SELECT results_eq('SELECT id FROM api.customers', $$VALUES ('aaaaaaaa-0000-4000-8000-0000000000a1'::uuid)$$,
                  'a customer sees exactly their own customer row');
SELECT is_empty($$SELECT id FROM api.customers WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a2'$$,
                'a customer does not see another customer of the same tenant');
SELECT is_empty($$SELECT id FROM api.customers WHERE tenant_id = 'bbbbbbbb-0000-4000-8000-00000000000b'$$,
                'a customer does not see customers of another tenant');
SELECT results_eq('SELECT id FROM api.tenants', $$VALUES ('aaaaaaaa-0000-4000-8000-00000000000a'::uuid)$$,
                  'a customer sees only their own tenant');
SELECT results_eq('SELECT DISTINCT tenant_id FROM api.vat_rates', $$VALUES ('aaaaaaaa-0000-4000-8000-00000000000a'::uuid)$$,
                  'a customer sees only their tenant''s VAT rates');
SELECT lives_ok($$UPDATE api.customers SET phone = '+27 82 999 9999', address = 'New Street 1'$$,
                'a customer may update their own contact data');
SELECT throws_ok($$UPDATE api.customers SET status = 'suspended'$$, '42501', NULL, 'a customer cannot change their status');
SELECT throws_ok($$UPDATE api.customers SET type = 'business'$$, '42501', NULL, 'a customer cannot change their type');
SELECT throws_ok($$UPDATE api.customers SET account_number = 'X'$$, '42501', NULL, 'a customer cannot change their account number');
SELECT throws_ok($$UPDATE api.customers SET tenant_id = 'bbbbbbbb-0000-4000-8000-00000000000b'$$, '42501', NULL,
                 'a customer cannot move to another tenant');
SELECT lives_ok($$UPDATE api.customers SET name = 'Hijacked' WHERE id IN ('aaaaaaaa-0000-4000-8000-0000000000a2', 'bbbbbbbb-0000-4000-8000-0000000000b1')$$,
                'an update aimed at other customers runs ...');
SELECT throws_ok($$INSERT INTO api.customers (name, email) VALUES ('New', 'new@example.com')$$, '42501', NULL,
                 'a customer cannot create customers');
SELECT throws_ok('DELETE FROM api.customers', '42501', NULL, 'a customer cannot delete');
SELECT throws_ok('SELECT * FROM api.audit_log', '42501', NULL, 'a customer cannot read the audit log');
SELECT throws_ok('SELECT * FROM kassa.counters', '42501', NULL, 'a customer cannot read counters');
SELECT pg_temp.act_as_owner();
SELECT results_eq($$SELECT name, phone FROM kassa.customers WHERE id IN ('aaaaaaaa-0000-4000-8000-0000000000a1', 'aaaaaaaa-0000-4000-8000-0000000000a2', 'bbbbbbbb-0000-4000-8000-0000000000b1') ORDER BY name$$,
                  $$VALUES ('Alice A1', '+27 82 999 9999'), ('Andile A2', NULL), ('Berta B1', NULL)$$,
                  '... and changed nothing: only the customer''s own contact data moved');

-- staff of tenant A: their tenant, all of it, and nothing else
SELECT pg_temp.act_as('staff', 'aaaaaaaa-0000-4000-8000-00000000000a');
SELECT set_eq('SELECT id FROM api.customers',
              $$VALUES ('aaaaaaaa-0000-4000-8000-0000000000a1'::uuid), ('aaaaaaaa-0000-4000-8000-0000000000a2')$$,
              'staff see exactly their tenant''s customers');
SELECT is((SELECT count(*) FROM api.customers WHERE tenant_id = 'bbbbbbbb-0000-4000-8000-00000000000b'), 0::bigint,
          'staff filtering on another tenant get nothing');
SELECT results_eq('SELECT id FROM api.tenants', $$VALUES ('aaaaaaaa-0000-4000-8000-00000000000a'::uuid)$$,
                  'staff see only their own tenant');
SELECT lives_ok($$INSERT INTO api.customers (name, email) VALUES ('Staff Made', 'made@example.com')$$,
                'staff create customers in their tenant');
SELECT throws_ok($$INSERT INTO api.customers (tenant_id, name, email) VALUES ('bbbbbbbb-0000-4000-8000-00000000000b', 'Planted', 'planted@example.com')$$,
                 '42501', NULL, 'staff cannot name the tenant of a new customer');
SELECT lives_ok($$UPDATE api.customers SET type = 'business' WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a2'$$,
                'staff change a customer''s type');
SELECT throws_ok($$UPDATE api.customers SET account_number = 'X' WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a2'$$,
                 '42501', NULL, 'staff cannot change an account number');
SELECT lives_ok($$UPDATE api.customers SET name = 'Hijacked' WHERE id = 'bbbbbbbb-0000-4000-8000-0000000000b1'$$,
                'an update aimed at another tenant''s customer runs ...');
SELECT lives_ok($$UPDATE api.tenants SET name = 'Hijacked' WHERE id <> 'aaaaaaaa-0000-4000-8000-00000000000a'$$,
                'an update aimed at other tenants runs ...');
SELECT throws_ok($$UPDATE api.tenants SET currency = 'USD'$$, '42501', NULL, 'staff cannot change their tenant''s currency');
SELECT throws_ok($$UPDATE api.tenants SET status = 'active'$$, '42501', NULL, 'staff cannot change their tenant''s status');
SELECT throws_ok('DELETE FROM api.customers', '42501', NULL, 'staff cannot delete customers');
SELECT lives_ok($$INSERT INTO api.vat_rates (category, rate) VALUES ('reduced', 7.5)$$, 'staff add a VAT rate to their tenant');
SELECT is((SELECT count(*) FROM api.audit_log WHERE tenant_id <> 'aaaaaaaa-0000-4000-8000-00000000000a'), 0::bigint,
          'staff read only their tenant''s audit log');
SELECT throws_ok($$INSERT INTO audit.log (tenant_id, table_name, row_key, operation, actor_role, db_user, txid, transaction_id) VALUES ('aaaaaaaa-0000-4000-8000-00000000000a', 'x', '{}', 'INSERT', 'staff', 'staff', 1, gen_random_uuid())$$,
                 '42501', NULL, 'staff cannot write the audit log');
SELECT pg_temp.act_as_owner();
SELECT set_eq($$SELECT tenant_id, name, email FROM kassa.customers WHERE name IN ('Staff Made', 'Hijacked', 'Planted', 'Berta B1')$$,
                  $$VALUES ('aaaaaaaa-0000-4000-8000-00000000000a'::uuid, 'Staff Made', 'made@example.com'), ('bbbbbbbb-0000-4000-8000-00000000000b'::uuid, 'Berta B1', 'b1@example.com')$$,
                  '... and changed nothing: the new customer is in tenant A, tenant B''s customer is untouched');
SELECT results_eq($$SELECT name FROM kassa.tenants WHERE slug IN ('tap-b', 'tap-s') ORDER BY slug$$,
                  $$VALUES ('Tenant B'), ('Tenant S')$$, '... and no other tenant was renamed');
SELECT results_eq($$SELECT tenant_id, rate FROM kassa.vat_rates WHERE category = 'reduced' AND tenant_id IN ('aaaaaaaa-0000-4000-8000-00000000000a', 'bbbbbbbb-0000-4000-8000-00000000000b')$$,
                  $$VALUES ('aaaaaaaa-0000-4000-8000-00000000000a'::uuid, 7.50::numeric(5,2))$$, 'the new VAT rate belongs to the staff''s tenant');

-- Re-declaring over a database deployed with other policy names (before the policies were named
-- <role>_<command>, with one policy for customer and staff) leaves one policy per role and
-- command: a stale policy that opened more rows would otherwise still be OR-ed in.
CREATE POLICY "Users see their tenant's VAT rates" ON kassa.vat_rates FOR SELECT TO customer, staff USING (true);
CREATE POLICY "Staff manage their tenant's VAT rates" ON kassa.vat_rates FOR ALL TO staff USING (true) WITH CHECK (true);
SELECT internal.allow('customer, staff', 'SELECT', internal.tenant_rows(), 'kassa.vat_rates');
SELECT internal.allow('staff', 'ALL', internal.tenant_rows(), 'kassa.vat_rates');
SELECT is((SELECT count(*) FROM pg_policy WHERE polrelid = 'kassa.vat_rates'::regclass AND polcmd = '*'
             AND 'staff'::regrole = ANY (polroles)), 1::bigint,
          're-declaring staff ALL over an old-named staff ALL policy leaves exactly one');
SELECT set_eq($$SELECT polname::text, polcmd::text, polroles::regrole[]::text FROM pg_policy WHERE polrelid = 'kassa.vat_rates'::regclass$$,
              $$VALUES ('customer_select', 'r', '{customer}'), ('staff_select', 'r', '{staff}'), ('staff_all', '*', '{staff}')$$,
              'the old policies for customer and staff are gone: one policy per role and command');
SELECT pg_temp.act_as('staff', 'aaaaaaaa-0000-4000-8000-00000000000a');
SELECT is((SELECT count(*) FROM api.vat_rates WHERE tenant_id <> 'aaaaaaaa-0000-4000-8000-00000000000a'), 0::bigint,
          'staff again see only their tenant''s VAT rates: the old policies opened them all');
SELECT pg_temp.act_as_owner();

SELECT * FROM finish();
ROLLBACK;
