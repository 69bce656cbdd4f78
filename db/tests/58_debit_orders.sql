-- NetCash debit orders: mandates (requested, hinted by the postback, decided once confirmed).
BEGIN;
SELECT plan(10);
\ir helpers/invoices.sql
\ir helpers/clock.sql
\ir helpers/two_tenants.sql
SELECT set_config('app.settings.payment_method_key', 'test-key-58', true);
SELECT pg_temp.travel_to('2026-03-02 08:00+00');

CREATE TEMP TABLE m AS SELECT
  internal.add_payment_method('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a1',
                              'debit_order', 'FNB', 'current', '62001234567', 'AGR-A1', true) AS a1,
  internal.add_payment_method('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a2',
                              'debit_order', 'ABSA', 'savings', '4012345678', 'AGR-A2', true) AS a2;

-- 1. Mandates.
SELECT results_eq($$SELECT payment_method_id, account_reference, amount FROM internal.mandates_to_request('aaaaaaaa-0000-4000-8000-00000000000a') ORDER BY 1$$,
  $$SELECT id, internal.netcash_account_ref(id), 10000::bigint FROM kassa.payment_methods WHERE id IN ((SELECT a1 FROM m), (SELECT a2 FROM m)) ORDER BY 1$$,
  'pending debit orders without a request are listed with their account reference and at least 100.00');
SELECT is((internal.record_mandate_request('aaaaaaaa-0000-4000-8000-00000000000a', (SELECT a1 FROM m), 'https://netcash.example/m/1')).netcash_account_ref,
  internal.netcash_account_ref((SELECT a1 FROM m)), 'a request records the account reference');
SELECT is((SELECT count(*) FROM internal.mandates_to_request(NULL) WHERE payment_method_id = (SELECT a1 FROM m)), 0::bigint,
  'a requested mandate is not asked for again');
SELECT throws_ok($$SELECT internal.mandate_postback('KUNKNOWN', '{}')$$, 'P0E01', NULL,
  'a postback for an account reference Kassa never sent is refused');
SELECT is((SELECT mandate_status FROM internal.mandate_postback(internal.netcash_account_ref((SELECT a1 FROM m)), '{"MandateSuccessful": "1"}')),
  'pending', 'a postback is kept as a hint and changes no status');
SELECT throws_ok($$SELECT internal.record_mandate_outcome('aaaaaaaa-0000-4000-8000-00000000000a', (SELECT a2 FROM m), true, 'MR2', '')$$,
  'P0E02', NULL, 'a mandate never requested cannot be decided');
SELECT is((internal.record_mandate_outcome('aaaaaaaa-0000-4000-8000-00000000000a', (SELECT a1 FROM m), true, 'MR1', '')).mandate_status,
  'active', 'a confirmed acceptance activates the mandate');
SELECT is((internal.record_mandate_outcome('aaaaaaaa-0000-4000-8000-00000000000a', (SELECT a1 FROM m), true, 'MR1', '')).mandate_status,
  'active', 'the same outcome again is a no-op');
SELECT throws_ok($$SELECT internal.record_mandate_outcome('aaaaaaaa-0000-4000-8000-00000000000a', (SELECT a1 FROM m), false, '', 'forged')$$,
  'P0E02', NULL, 'a decided mandate is not decided again the other way');
SELECT throws_ok($$SELECT internal.record_mandate_request('aaaaaaaa-0000-4000-8000-00000000000a',
    internal.add_payment_method('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a1', 'eft', NULL, NULL, NULL, NULL, false),
    'https://netcash.example/m/9')$$, 'P0E05', NULL, 'only a debit order gets a mandate');

SELECT * FROM finish();
ROLLBACK;
