-- A customer changing their own email learns nothing about other customers: an address taken
-- in the tenant is refused with one message that names nobody (P0C14), while staff, who see
-- every customer of their tenant, get the unique key's own error.
BEGIN;
SELECT plan(5);
\ir helpers/two_tenants.sql

SELECT pg_temp.act_as('customer', 'aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a1');
SELECT throws_ok($$UPDATE kassa.customers SET email = 'A2@example.com' WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a1'$$,
                 'P0C14', 'this email address cannot be used for this account',
                 'a customer cannot take the address of another customer, and is not told whose it is');
SELECT lives_ok($$UPDATE kassa.customers SET email = 'B1@example.com' WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a1'$$,
                'an address used only in another tenant is free');
SELECT lives_ok($$UPDATE kassa.customers SET email = 'B1@EXAMPLE.com' WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a1'$$,
                'changing the case of one''s own address is no conflict');
SELECT pg_temp.act_as('staff', 'aaaaaaaa-0000-4000-8000-00000000000a');
SELECT throws_ok($$UPDATE kassa.customers SET email = 'a2@example.com' WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a1'$$,
                 '23505', NULL, 'staff get the unique key''s error');
SELECT pg_temp.act_as_owner();
SELECT is((SELECT email FROM kassa.customers WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a1'), 'B1@EXAMPLE.com',
          'nothing refused was written');

SELECT * FROM finish();
ROLLBACK;
