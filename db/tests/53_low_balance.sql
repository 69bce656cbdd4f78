-- Low-balance warnings: once per downward crossing of each threshold, re-armed above it.
BEGIN;
SELECT plan(5);

\set tenant '53000000-0000-4000-8000-000000000001'
\set customer '53c00000-0000-4000-8000-000000000001'
\set slug 'lb-test'
\ir helpers/one_customer.sql
INSERT INTO kassa.low_balance_thresholds VALUES ('53000000-0000-4000-8000-000000000001', 5000),
                                                ('53000000-0000-4000-8000-000000000001', 1000);
CREATE FUNCTION pg_temp.warnings() RETURNS bigint[] LANGUAGE sql AS $$
  SELECT coalesce(array_agg((payload ->> 'threshold')::bigint ORDER BY id), '{}') FROM kassa.notifications
   WHERE customer_id = '53c00000-0000-4000-8000-000000000001' AND kind = 'low_balance' $$;

SELECT pg_temp.move(10000);
SELECT pg_temp.move(-6000);
SELECT is(pg_temp.warnings(), ARRAY[5000]::bigint[], 'crossing 50.00 downwards warns once');
SELECT pg_temp.move(-500);
SELECT is(pg_temp.warnings(), ARRAY[5000]::bigint[], 'moving further down without a crossing does not warn again');
SELECT pg_temp.move(-3000);
SELECT is(pg_temp.warnings(), ARRAY[5000, 1000]::bigint[], 'crossing the next threshold warns for it');
SELECT pg_temp.move(20000);
SELECT pg_temp.move(-20000);
SELECT is(pg_temp.warnings(), ARRAY[5000, 1000, 5000, 1000]::bigint[],
  'back above re-arms: a new dip below both warns for both');
SELECT is((SELECT count(*) FROM kassa.notifications WHERE delivered_at IS NULL
            AND customer_id = '53c00000-0000-4000-8000-000000000001'), 4::bigint, 'warnings wait for delivery');

SELECT * FROM finish();
ROLLBACK;
