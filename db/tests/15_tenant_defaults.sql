-- tenant_id comes from the token on every table the API inserts into: a body without it
-- writes to the caller's tenant, a body naming another tenant is refused by row-level security.
BEGIN;
SELECT plan(11);
\ir helpers/two_tenants.sql

SELECT is_empty($$
  SELECT c.relname FROM pg_class c
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id'
    LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
   WHERE c.relnamespace = 'kassa'::regnamespace AND c.relkind = 'r'
     AND (has_any_column_privilege('staff', c.oid, 'INSERT') OR has_any_column_privilege('customer', c.oid, 'INSERT'))
     AND pg_get_expr(d.adbin, d.adrelid) IS DISTINCT FROM
         (SELECT pg_get_expr(d2.adbin, d2.adrelid) FROM pg_attrdef d2
            JOIN pg_attribute a2 ON a2.attrelid = d2.adrelid AND a2.attnum = d2.adnum
           WHERE d2.adrelid = 'kassa.customers'::regclass AND a2.attname = 'tenant_id')$$,
  'every table the API roles insert into defaults tenant_id from the token, as customers does');
SELECT is_empty($$
  SELECT c.relname FROM pg_attrdef d JOIN pg_class c ON c.oid = d.adrelid
    JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum
   WHERE c.relnamespace = 'api'::regnamespace AND a.attname = 'tenant_id'$$,
  'no api view carries its own tenant_id default: the table''s applies');

SELECT pg_temp.act_as('staff', 'aaaaaaaa-0000-4000-8000-00000000000a');
SELECT lives_ok($$INSERT INTO api.vat_rates (category, rate) VALUES ('reduced', 7.5)$$, 'a VAT rate without tenant_id');
SELECT lives_ok($$INSERT INTO api.payment_settings (min_top_up, max_top_up) VALUES (2000, 500000)$$,
  'payment settings without tenant_id');
SELECT lives_ok($$INSERT INTO api.bonus_tiers (min_amount, percent) VALUES (5000, 5)$$, 'a bonus tier without tenant_id');
SELECT lives_ok($$INSERT INTO api.low_balance_thresholds (amount) VALUES (5000)$$,
  'a low-balance threshold without tenant_id');
SELECT throws_ok($$INSERT INTO api.vat_rates (tenant_id, category, rate)
                   VALUES ('bbbbbbbb-0000-4000-8000-00000000000b', 'reduced', 7)$$,
  '42501', NULL, 'a VAT rate for another tenant is refused');
SELECT throws_ok($$INSERT INTO api.payment_settings (tenant_id, min_top_up, max_top_up)
                   VALUES ('bbbbbbbb-0000-4000-8000-00000000000b', 2000, 500000)$$,
  '42501', NULL, 'payment settings for another tenant are refused');
SELECT throws_ok($$INSERT INTO api.bonus_tiers (tenant_id, min_amount, percent)
                   VALUES ('bbbbbbbb-0000-4000-8000-00000000000b', 5000, 5)$$,
  '42501', NULL, 'a bonus tier for another tenant is refused');
SELECT throws_ok($$INSERT INTO api.low_balance_thresholds (tenant_id, amount)
                   VALUES ('bbbbbbbb-0000-4000-8000-00000000000b', 5000)$$,
  '42501', NULL, 'a low-balance threshold for another tenant is refused');
SELECT pg_temp.act_as_owner();

SELECT results_eq($$
  SELECT * FROM (SELECT 'vat_rates', tenant_id FROM kassa.vat_rates WHERE category = 'reduced'
                 UNION ALL SELECT 'payment_settings', tenant_id FROM kassa.payment_settings
                 UNION ALL SELECT 'bonus_tiers', tenant_id FROM kassa.bonus_tiers
                 UNION ALL SELECT 'low_balance_thresholds', tenant_id FROM kassa.low_balance_thresholds) AS written (tbl, tenant_id)
   WHERE tenant_id IN ('aaaaaaaa-0000-4000-8000-00000000000a', 'bbbbbbbb-0000-4000-8000-00000000000b') ORDER BY 1$$,
  $$VALUES ('bonus_tiers', 'aaaaaaaa-0000-4000-8000-00000000000a'::uuid),
           ('low_balance_thresholds', 'aaaaaaaa-0000-4000-8000-00000000000a'),
           ('payment_settings', 'aaaaaaaa-0000-4000-8000-00000000000a'),
           ('vat_rates', 'aaaaaaaa-0000-4000-8000-00000000000a')$$,
  'each row went to the token''s tenant, none to the other');

SELECT * FROM finish();
ROLLBACK;
