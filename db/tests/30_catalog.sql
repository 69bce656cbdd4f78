-- Catalog: price versions in the tenant's currency, never edited once in use, and visible
-- only to the tenant's own users.
BEGIN;
SELECT plan(14);
\ir helpers/two_tenants.sql
\ir helpers/catalog.sql
\ir helpers/clock.sql

-- A price for 2099, entered in late 2098 (valid_from lies in the tenant's date window); then back to now.
SELECT pg_temp.travel_to('2098-12-01 12:00+00');
INSERT INTO kassa.price_versions (tenant_id, product_id, price, interval, valid_from)
VALUES ('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-00000000e100', 11000, 'monthly', '2099-01-01');
SELECT pg_temp.travel_to(now());
SELECT is((SELECT array_agg(version ORDER BY version) FROM kassa.price_versions
            WHERE product_id = 'aaaaaaaa-0000-4000-8000-00000000e100'), ARRAY[1, 2], 'versions are numbered per product');
SELECT is((SELECT array_agg(DISTINCT currency) FROM kassa.price_versions
            WHERE tenant_id = 'aaaaaaaa-0000-4000-8000-00000000000a'), ARRAY['ZAR']::bpchar[],
          'a price without currency is in the tenant''s currency');

SELECT throws_ok($$INSERT INTO kassa.price_versions (tenant_id, product_id, price, interval, currency)
                   VALUES ('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-00000000e100', 100, 'monthly', 'EUR')$$,
                 'P0S02', 'price is in EUR, the tenant bills in ZAR', 'a price in another currency is refused');
SELECT throws_ok($$INSERT INTO kassa.price_versions (tenant_id, product_id, price, interval)
                   VALUES ('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-00000000e100', -1, 'monthly')$$,
                 '23514', NULL, 'a negative price is refused');
SELECT throws_ok($$INSERT INTO kassa.price_versions (tenant_id, product_id, price)
                   VALUES ('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-00000000e100', 100)$$,
                 'P0S12', 'plan "fibre100" needs an interval (monthly, quarterly, half_yearly or annual)', 'a plan price needs an interval');
SELECT throws_ok($$INSERT INTO kassa.price_versions (tenant_id, product_id, price, interval)
                   VALUES ('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-00000000e999', 100, 'monthly')$$,
                 'P0S12', 'one-off fee "install" has no interval', 'a one-off fee has no interval');
SELECT throws_ok($$INSERT INTO kassa.price_versions (tenant_id, product_id, price, interval, vat_category)
                   VALUES ('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-00000000e100', 100, 'monthly', 'luxury')$$,
                 '23503', NULL, 'a VAT category the tenant does not have is refused');
SELECT is((SELECT count(*) FROM kassa.price_versions WHERE product_id = 'aaaaaaaa-0000-4000-8000-00000000e100'), 2::bigint,
          'refused prices left nothing behind');

SELECT lives_ok($$UPDATE kassa.price_versions SET price = 10500 WHERE id = 'aaaaaaaa-0000-4000-8000-00000000f100'$$,
                'a version nothing points at yet may be corrected');
SELECT pg_temp.new_service(1);
SELECT throws_ok($$UPDATE kassa.price_versions SET price = 9999 WHERE id = 'aaaaaaaa-0000-4000-8000-00000000f100'$$,
                 'P0S03', 'version 1 of this product is in use and cannot change', 'a version in use cannot be edited');
SELECT is((SELECT price FROM kassa.price_versions WHERE id = 'aaaaaaaa-0000-4000-8000-00000000f100'), 10500::bigint,
          'the refused edit changed nothing');

SELECT pg_temp.act_as('staff', 'aaaaaaaa-0000-4000-8000-00000000000a');
SELECT is((SELECT price FROM api.plans WHERE code = 'fibre100'), 10500::bigint,
          'api.plans shows the version in force today, not one valid from a future date');
SELECT is((SELECT count(*) FROM api.products WHERE tenant_id <> 'aaaaaaaa-0000-4000-8000-00000000000a'), 0::bigint,
          'staff see no other tenant''s products');
SELECT pg_temp.act_as('customer', 'bbbbbbbb-0000-4000-8000-00000000000b', 'bbbbbbbb-0000-4000-8000-0000000000b1');
SELECT is((SELECT array_agg(code) FROM api.plan_versions), ARRAY['dsl100'], 'customers see their own tenant''s plans only');
SELECT pg_temp.act_as_owner();

SELECT * FROM finish();
ROLLBACK;
