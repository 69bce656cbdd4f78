-- Customer rules: status moves, closed is final, never deleted, identity never changes,
-- email unique per tenant (case-insensitive), and the validation constraints.
BEGIN;
SELECT plan(24);
\ir helpers/two_tenants.sql

-- Status (moved only by internal.customer_transition; its rules are in 15_customer_status.sql)
SELECT lives_ok($$SELECT internal.customer_transition('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a2', 'suspend', 'test')$$, 'active -> suspended');
SELECT lives_ok($$SELECT internal.customer_transition('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a2', 'resume', 'test')$$, 'suspended -> active');
SELECT lives_ok($$SELECT internal.customer_transition('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a2', 'close', 'test')$$, 'active -> closed');
SELECT isnt((SELECT closed_at FROM kassa.customers WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a2'), NULL, 'closing stamps closed_at');
SELECT throws_ok($$UPDATE kassa.customers SET status = 'active' WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a2'$$,
                 'P0C01', format('customer %s is closed', (SELECT account_number FROM kassa.customers WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a2')),
                 'closed is final: no reopening');
SELECT throws_ok($$UPDATE kassa.customers SET email = 'new@example.com' WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a2'$$,
                 'P0C01', NULL, 'a closed customer''s data cannot change either');
SELECT lives_ok($$UPDATE kassa.customers SET status = status WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a2'$$,
                'an update of a closed customer that changes nothing passes');
SELECT pg_temp.act_as('customer', 'aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a2');
SELECT throws_ok('SELECT internal.check_request()', '42501', 'customer is unknown in this tenant or closed',
                 'a closed customer''s token is refused by the request check');
SELECT pg_temp.act_as_owner();

-- Never deleted, identity fixed
SELECT throws_ok($$DELETE FROM kassa.customers WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a1'$$,
                 'P0C03', 'customers are never deleted', 'customers are never deleted');
SELECT throws_ok($$UPDATE kassa.customers SET account_number = 'CT-0000-99999' WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a1'$$,
                 'P0C02', 'a customer''s tenant, id and account number never change', 'the account number never changes');
SELECT throws_ok($$UPDATE kassa.customers SET tenant_id = 'bbbbbbbb-0000-4000-8000-00000000000b' WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a1'$$,
                 'P0C02', NULL, 'a customer never moves to another tenant');
SELECT is((SELECT count(*) FROM kassa.customers WHERE tenant_id = 'aaaaaaaa-0000-4000-8000-00000000000a'), 2::bigint,
          'both customers of tenant A are still there');

-- Email: unique per tenant, case-insensitive; the same address may exist in another tenant
SELECT throws_ok($$INSERT INTO kassa.customers (tenant_id, name, email) VALUES ('aaaaaaaa-0000-4000-8000-00000000000a', 'Dup', 'A1@Example.COM')$$,
                 '23505', 'duplicate key value violates unique constraint "customers_email_unique"',
                 'an email already used in the tenant is refused whatever its case');
SELECT lives_ok($$INSERT INTO kassa.customers (tenant_id, name, email) VALUES ('bbbbbbbb-0000-4000-8000-00000000000b', 'Same', 'A1@example.com')$$,
                'the same email is fine in another tenant');

-- Validation
SELECT throws_ok($$INSERT INTO kassa.customers (tenant_id, name, email) VALUES ('aaaaaaaa-0000-4000-8000-00000000000a', '   ', 'blank@example.com')$$,
                 'P0V03', 'name is required and cannot be blank', 'a blank name is refused');
SELECT throws_ok($$INSERT INTO kassa.customers (tenant_id, name, email) VALUES ('aaaaaaaa-0000-4000-8000-00000000000a', 'No Mail', 'no-at-sign.example.com')$$,
                 '23514', 'new row for relation "customers" violates check constraint "customers_email_format"', 'an email without @ is refused');
SELECT throws_ok($$INSERT INTO kassa.customers (tenant_id, name, email) VALUES ('aaaaaaaa-0000-4000-8000-00000000000a', 'No Mail', 'x y@example.com')$$,
                 '23514', 'new row for relation "customers" violates check constraint "customers_email_format"', 'an email with a space is refused');
SELECT throws_ok($$INSERT INTO kassa.customers (tenant_id, name, email, phone) VALUES ('aaaaaaaa-0000-4000-8000-00000000000a', 'Phone', 'p@example.com', 'call me')$$,
                 '23514', 'new row for relation "customers" violates check constraint "customers_phone_format"', 'a phone number must be digits');
SELECT throws_ok($$INSERT INTO kassa.customers (tenant_id, name, email, status) VALUES ('aaaaaaaa-0000-4000-8000-00000000000a', 'S', 's@example.com', 'gone')$$,
                 '23514', 'new row for relation "customers" violates check constraint "customers_status_known"', 'an unknown status is refused');
SELECT throws_ok($$INSERT INTO kassa.customers (tenant_id, name, email, type) VALUES ('aaaaaaaa-0000-4000-8000-00000000000a', 'T', 't@example.com', 'robot')$$,
                 '23514', 'new row for relation "customers" violates check constraint "customers_type_known"', 'an unknown type is refused');
SELECT throws_ok($$INSERT INTO kassa.customers (tenant_id, name, email) VALUES ('00000000-0000-4000-8000-000000000000', 'U', 'u@example.com')$$,
                 'P0T02', 'unknown tenant 00000000-0000-4000-8000-000000000000', 'a customer of an unknown tenant is refused');
SELECT is((SELECT count(*) FROM kassa.customers WHERE tenant_id = 'aaaaaaaa-0000-4000-8000-00000000000a'), 2::bigint,
          'no refused insert left a customer behind');

-- Every customer gets a billing account in the tenant's currency
SELECT results_eq($$SELECT c.id, a.currency, a.balance FROM kassa.customers c JOIN kassa.billing_accounts a ON a.tenant_id = c.tenant_id AND a.customer_id = c.id WHERE c.id IN ('aaaaaaaa-0000-4000-8000-0000000000a1', 'bbbbbbbb-0000-4000-8000-0000000000b1') ORDER BY c.id$$,
                  $$VALUES ('aaaaaaaa-0000-4000-8000-0000000000a1'::uuid, 'ZAR'::char(3), 0::bigint), ('bbbbbbbb-0000-4000-8000-0000000000b1', 'EUR', 0)$$,
                  'each customer has an empty billing account in the tenant''s currency');
SELECT is((SELECT currency FROM api.customers WHERE id = 'bbbbbbbb-0000-4000-8000-0000000000b1'), 'EUR'::char(3),
          'api.customers shows the currency');

SELECT * FROM finish();
ROLLBACK;
