-- Payment methods: one primary per customer, soft delete, encryption at rest, no API access
-- to the secrets.
BEGIN;
SELECT plan(14);

\ir helpers/two_tenants.sql
SELECT set_config('app.settings.payment_method_key', 'test-key-50', true);

CREATE TEMP TABLE ids AS SELECT internal.add_card('aaaaaaaa-0000-4000-8000-00000000000a',
  'aaaaaaaa-0000-4000-8000-0000000000a1', 'visa', '4242', 12, 2030, 'cus_50', 'pm_50') AS card;
GRANT SELECT ON ids TO customer, staff;

SELECT is((SELECT is_primary FROM kassa.payment_methods WHERE id = (SELECT card FROM ids)), true,
  'the first method becomes the primary');
SELECT is(internal.payment_method_details('aaaaaaaa-0000-4000-8000-00000000000a', (SELECT card FROM ids)),
  '{"gateway": "stripe", "customer": "cus_50", "payment_method": "pm_50"}'::jsonb, 'the details decrypt with the key');
SELECT isnt((SELECT position('pm_50' IN encode(details_encrypted, 'escape')) FROM kassa.payment_method_secrets),
  NULL, 'a secret row exists');
SELECT is((SELECT position('pm_50' IN encode(details_encrypted, 'escape')) FROM kassa.payment_method_secrets), 0,
  'the stored details are not plaintext');
SELECT throws_ok($$SELECT pgp_sym_decrypt(details_encrypted, 'wrong-key') FROM kassa.payment_method_secrets$$,
  '39000', NULL, 'another key does not decrypt');
SELECT throws_ok($$INSERT INTO kassa.payment_methods (tenant_id, customer_id, kind, is_primary)
  VALUES ('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a1', 'eft', true)$$,
  '23505', NULL, 'a second primary is refused by the database');
SELECT throws_ok($$UPDATE kassa.payment_methods SET deleted_at = now() WHERE id = (SELECT card FROM ids)$$,
  '23514', NULL, 'a primary method cannot be deleted without losing its primary flag');

-- As the customer, through the API functions.
SELECT pg_temp.act_as('customer', 'aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a1');
SELECT lives_ok($$SELECT api.add_payment_method('debit_order', 'FNB', 'cheque', '6200 1234 5678', 'MD-50', true)$$,
  'a customer adds a debit order as primary');
SELECT results_eq($$SELECT kind, account_masked, is_primary FROM api.payment_methods ORDER BY created_at, kind$$,
  $$VALUES ('card'::text, NULL::text, false), ('debit_order', '***5678', true)$$,
  'the list shows the masked account and the new primary');
SELECT throws_ok($$SELECT details_encrypted FROM kassa.payment_method_secrets$$, '42501', NULL,
  'the customer role cannot read the secrets');
SELECT throws_ok($$SELECT api.add_payment_method('debit_order', 'FNB', 'cheque', '12', 'MD-51')$$, 'P0M02', NULL,
  'a short account number is refused');
SELECT lives_ok($$SELECT api.remove_payment_method((SELECT card FROM ids))$$, 'the customer removes the card');
SELECT is((SELECT count(*) FROM api.payment_methods), 1::bigint, 'a removed method disappears from the list');
SELECT pg_temp.act_as('staff', 'aaaaaaaa-0000-4000-8000-00000000000a');
SELECT throws_ok($$SELECT * FROM kassa.payment_method_secrets$$, '42501', NULL, 'the staff role cannot read the secrets');
SELECT pg_temp.act_as_owner();

SELECT * FROM finish();
ROLLBACK;
