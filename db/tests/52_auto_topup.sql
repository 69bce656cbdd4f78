-- Auto top-up rules in SQL: request on crossing, one claim in flight, cooldown by the passed
-- clock, three failures disable with a notification, a success resets the count.
BEGIN;
SELECT plan(15);

\set tenant '52000000-0000-4000-8000-000000000001'
\set customer '52c00000-0000-4000-8000-000000000001'
\set slug 'at-test'
\ir helpers/one_customer.sql
SELECT set_config('app.settings.payment_method_key', 'test-key-52', true);
INSERT INTO kassa.auto_topups (tenant_id, customer_id, threshold, amount, payment_method_id)
SELECT '52000000-0000-4000-8000-000000000001', '52c00000-0000-4000-8000-000000000001', 5000, 10000,
       internal.add_card('52000000-0000-4000-8000-000000000001', '52c00000-0000-4000-8000-000000000001',
                         'visa', '4242', 12, 2030, 'cus_52', 'pm_52');
CREATE FUNCTION pg_temp.claim(at timestamptz) RETURNS jsonb LANGUAGE sql AS $$
  SELECT internal.claim_auto_topup('52000000-0000-4000-8000-000000000001', '52c00000-0000-4000-8000-000000000001', at) $$;
CREATE FUNCTION pg_temp.state() RETURNS kassa.auto_topups LANGUAGE sql AS $$
  SELECT * FROM kassa.auto_topups WHERE customer_id = '52c00000-0000-4000-8000-000000000001' $$;

SELECT pg_temp.move(8000);
SELECT is((pg_temp.state()).requested_at, NULL, 'above the threshold nothing is requested');
SELECT is(pg_temp.claim('2026-01-01 10:00Z'), NULL, 'and nothing can be claimed');
SELECT pg_temp.move(-4000);
SELECT isnt((pg_temp.state()).requested_at, NULL, 'a posting below the threshold requests a top-up');
SELECT is((SELECT count(*) FROM internal.due_auto_topups('2026-01-01 10:00Z')
            WHERE customer_id = '52c00000-0000-4000-8000-000000000001'), 1::bigint, 'the customer is due');

CREATE TEMP TABLE c1 AS SELECT pg_temp.claim('2026-01-01 10:00Z') AS claim;
SELECT is((SELECT claim #>> '{card,payment_method}' FROM c1), 'pm_52', 'a claim carries the decrypted card for the charger');
SELECT is(pg_temp.claim('2026-01-01 10:00Z'), NULL, 'a second claim while one is in flight gets nothing');
SELECT throws_ok($$SELECT internal.new_payment('52000000-0000-4000-8000-000000000001', '52c00000-0000-4000-8000-000000000001',
  'stripe', 'card', 'top_up', 10000, 'ZAR', NULL, NULL, NULL, true)$$, '23505', NULL,
  'the database refuses a second auto top-up in flight');

SELECT internal.fail_payment('52000000-0000-4000-8000-000000000001', (SELECT (claim ->> 'payment_id')::uuid FROM c1), 'declined');
SELECT is(pg_temp.claim('2026-01-01 10:59Z'), NULL, 'within 60 minutes of the attempt nothing is claimed');
SELECT internal.fail_payment('52000000-0000-4000-8000-000000000001', (pg_temp.claim('2026-01-01 11:00Z') ->> 'payment_id')::uuid, 'declined');
SELECT internal.fail_payment('52000000-0000-4000-8000-000000000001', (pg_temp.claim('2026-01-01 12:00Z') ->> 'payment_id')::uuid, 'declined');
SELECT is(((pg_temp.state()).enabled, (pg_temp.state()).consecutive_failures), (false, 3),
  'three failures in a row disable auto top-up');
SELECT is((SELECT count(*) FROM kassa.notifications WHERE kind = 'auto_topup_disabled'
            AND customer_id = '52c00000-0000-4000-8000-000000000001'), 1::bigint, 'with one notification for the customer');
SELECT is(pg_temp.claim('2026-01-02 12:00Z'), NULL, 'a disabled auto top-up is never claimed');

UPDATE kassa.auto_topups SET enabled = true, consecutive_failures = 2 WHERE customer_id = '52c00000-0000-4000-8000-000000000001';
CREATE TEMP TABLE c2 AS SELECT pg_temp.claim('2026-01-02 12:00Z') AS claim;
SELECT internal.complete_payment('52000000-0000-4000-8000-000000000001', (SELECT (claim ->> 'payment_id')::uuid FROM c2), 10000, 'zar', 'pi_52');
SELECT is(((pg_temp.state()).consecutive_failures, (pg_temp.state()).in_flight_payment_id), (0, NULL::uuid),
  'a success resets the failure count and ends the attempt');
SELECT is((SELECT balance FROM kassa.billing_accounts WHERE customer_id = '52c00000-0000-4000-8000-000000000001'), 14000::bigint,
  'the top-up reached the balance');

-- The top-up limits of a tenant without a settings row are written once, as the table's column
-- defaults: they are what a new row gets, and changing a default changes them.
CREATE TEMP TABLE limits_without_row AS SELECT * FROM internal.top_up_limits('52000000-0000-4000-8000-000000000001');
INSERT INTO kassa.payment_settings (tenant_id) VALUES ('52000000-0000-4000-8000-000000000001');
SELECT results_eq('SELECT min_top_up, max_top_up FROM limits_without_row',
  $$SELECT min_top_up, max_top_up FROM kassa.payment_settings WHERE tenant_id = '52000000-0000-4000-8000-000000000001'$$,
  'a tenant without settings has the limits a new settings row gets');
DELETE FROM kassa.payment_settings WHERE tenant_id = '52000000-0000-4000-8000-000000000001';
ALTER TABLE kassa.payment_settings ALTER COLUMN min_top_up SET DEFAULT 2500, ALTER COLUMN max_top_up SET DEFAULT 7500;
SELECT is(internal.top_up_limits('52000000-0000-4000-8000-000000000001'), (2500::bigint, 7500::bigint)::record,
  'the column defaults are the one place of the default limits');

SELECT * FROM finish();
ROLLBACK;
