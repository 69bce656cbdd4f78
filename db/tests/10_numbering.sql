-- Gapless numbering: the format renderer, the counters, and account numbers per tenant.
BEGIN;
SELECT plan(17);
\ir helpers/two_tenants.sql

-- format_number
SELECT is(internal.format_number('CT-{YYYY}-{NNNNN}', 2026, 17), 'CT-2026-00017', 'default account format');
SELECT is(internal.format_number('INV-{YYYY}-{NNNNN}', 2027, 42), 'INV-2027-00042', 'year and padding');
SELECT is(internal.format_number('LF{NNN}', 2026, 7), 'LF007', 'format without a year');
SELECT is(internal.format_number('X-{NN}', 2026, 12345), 'X-12345', 'a counter wider than its padding is never cut');

-- next_number: per tenant, kind and period; never shared
SELECT is(internal.next_number('bbbbbbbb-0000-4000-8000-00000000000b', 'invoice', 2026), 1::bigint, 'a new counter starts at 1');
SELECT is(internal.next_number('bbbbbbbb-0000-4000-8000-00000000000b', 'invoice', 2026), 2::bigint, 'then counts on');
SELECT is(internal.next_number('bbbbbbbb-0000-4000-8000-00000000000b', 'invoice', 2027), 1::bigint, 'another period has its own series');
SELECT is(internal.next_number('bbbbbbbb-0000-4000-8000-00000000000b', 'credit_note', 2026), 1::bigint, 'another kind has its own series');
SELECT is(internal.next_number('aaaaaaaa-0000-4000-8000-00000000000a', 'invoice', 2026), 1::bigint, 'another tenant has its own series');

-- account numbers: assigned by trigger, per tenant, in the tenant's format
SELECT results_eq(
  $$SELECT account_number FROM kassa.customers WHERE tenant_id = 'aaaaaaaa-0000-4000-8000-00000000000a' ORDER BY account_number$$,
  ARRAY['CT-' || internal.tenant_year('aaaaaaaa-0000-4000-8000-00000000000a') || '-00001', 'CT-' || internal.tenant_year('aaaaaaaa-0000-4000-8000-00000000000a') || '-00002'],
  'tenant A numbers its customers 1, 2 in the default format');
SELECT is((SELECT account_number FROM kassa.customers WHERE id = 'bbbbbbbb-0000-4000-8000-0000000000b1'),
          'CT-' || internal.tenant_year('bbbbbbbb-0000-4000-8000-00000000000b') || '-00001', 'tenant B starts its own series at 1');

SELECT lives_ok($$UPDATE kassa.tenants SET account_number_format = 'RW{NNNNNN}' WHERE id = 'bbbbbbbb-0000-4000-8000-00000000000b'$$,
                'a tenant may change its account number format');
INSERT INTO kassa.customers (tenant_id, id, name, email)
VALUES ('bbbbbbbb-0000-4000-8000-00000000000b', 'bbbbbbbb-0000-4000-8000-0000000000b2', 'Bernd B2', 'b2@example.com');
SELECT is((SELECT account_number FROM kassa.customers WHERE id = 'bbbbbbbb-0000-4000-8000-0000000000b2'),
          'RW000002', 'the new format applies and the counter continues (never resets)');

-- The account counter is one series forever (period 0), not one per year.
SELECT is((SELECT array_agg(DISTINCT period) FROM kassa.counters WHERE kind = 'account'), ARRAY[0],
          'account counters never reset: there is no per-year period');
UPDATE kassa.counters SET last_value = 99999 WHERE tenant_id = 'aaaaaaaa-0000-4000-8000-00000000000a' AND kind = 'account';
INSERT INTO kassa.customers (tenant_id, id, name, email)
VALUES ('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a3', 'Anele A3', 'a3@example.com');
SELECT is((SELECT account_number FROM kassa.customers WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a3'),
          'CT-' || internal.tenant_year('aaaaaaaa-0000-4000-8000-00000000000a') || '-100000', 'number 100000 keeps all its digits');

-- A failed insert takes its number back with it: no gap.
SELECT throws_ok($$INSERT INTO kassa.customers (tenant_id, name, email) VALUES ('aaaaaaaa-0000-4000-8000-00000000000a', 'Bad', 'not-an-email')$$,
                 '23514', NULL, 'an invalid customer is refused');
INSERT INTO kassa.customers (tenant_id, id, name, email)
VALUES ('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a4', 'Anele A4', 'a4@example.com');
SELECT is((SELECT account_number FROM kassa.customers WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a4'),
          'CT-' || internal.tenant_year('aaaaaaaa-0000-4000-8000-00000000000a') || '-100001', 'the next customer gets the next number: the failed insert left no gap');

SELECT * FROM finish();
ROLLBACK;
