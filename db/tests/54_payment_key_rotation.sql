-- Rotating the payment-method key: every secret re-encrypted or none, a wrong old key refused,
-- a process left with the old key can neither read nor write secrets.
BEGIN;
SELECT plan(12);
SELECT set_config('app.settings.payment_method_key', 'old-key-54-0123456789', true);
\ir helpers/two_tenants.sql

CREATE TEMP TABLE ids AS SELECT internal.add_card('aaaaaaaa-0000-4000-8000-00000000000a',
  'aaaaaaaa-0000-4000-8000-0000000000a1', 'visa', '4242', 12, 2030, 'cus_54', 'pm_54') AS card;
SELECT pg_temp.act_as('customer', 'aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a1');
SELECT api.add_payment_method('debit_order', 'FNB', 'cheque', '6200 1234 5678', 'MD-54');
SELECT pg_temp.act_as_owner();
CREATE TEMP TABLE before AS SELECT * FROM kassa.payment_method_secrets;

SELECT throws_ok($$SELECT internal.rotate_payment_method_key('wrong-key-54-0123456789', 'new-key-54-0123456789')$$,
  'P0Y01', NULL, 'an old key that does not decrypt a secret is refused');
SELECT set_eq($$SELECT * FROM kassa.payment_method_secrets$$, $$SELECT * FROM before$$,
  'and no secret changed');
SELECT throws_ok($$SELECT internal.rotate_payment_method_key('old-key-54-0123456789', 'short')$$,
  'P0Y02', NULL, 'a short new key is refused');
SELECT throws_ok($$SELECT internal.rotate_payment_method_key('old-key-54-0123456789', 'old-key-54-0123456789')$$,
  'P0Y02', NULL, 'the same key again is refused');

SELECT is(internal.rotate_payment_method_key('old-key-54-0123456789', 'new-key-54-0123456789'),
  (SELECT count(*) FROM before), 'the rotation re-encrypts every secret');
SELECT is((SELECT count(*) FROM kassa.payment_method_secrets s JOIN before b USING (tenant_id, payment_method_id)
            WHERE s.details_encrypted = b.details_encrypted), 0::bigint, 'no secret is left as it was');
SELECT ok(internal.payment_method_key_decrypts_all('new-key-54-0123456789'), 'the new key decrypts them all');
SELECT ok(NOT internal.payment_method_key_decrypts_all('old-key-54-0123456789'), 'the old key decrypts none');

-- A process still configured with the old key.
SELECT throws_ok($$SELECT internal.payment_method_details('aaaaaaaa-0000-4000-8000-00000000000a', (SELECT card FROM ids))$$,
  'P0Y01', NULL, 'the old key no longer reads a secret');
SELECT throws_ok($$SELECT internal.add_card('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a1',
  'visa', '4444', 12, 2031, 'cus_54b', 'pm_54b')$$, 'P0Y01', NULL, 'nor writes one');

SELECT set_config('app.settings.payment_method_key', 'new-key-54-0123456789', true);
SELECT is(internal.payment_method_details('aaaaaaaa-0000-4000-8000-00000000000a', (SELECT card FROM ids)),
  '{"gateway": "stripe", "customer": "cus_54", "payment_method": "pm_54"}'::jsonb, 'the new key reads the card');
SELECT is((SELECT internal.payment_method_details('aaaaaaaa-0000-4000-8000-00000000000a', id) FROM api.payment_methods
            WHERE kind = 'debit_order'), '{"account_number": "620012345678"}'::jsonb, 'and the account number');

SELECT * FROM finish();
ROLLBACK;
